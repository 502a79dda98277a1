"""Whether a unit's results are final (docs/notices.md): for each ruleset and period its
current record, and where that record stands in the period's notices."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.messages import say

from .. import scope
from ..auth import Actor
from ..tables import CurrentScore
from . import notice_ledger as ledger


def of_unit(session: Session, actor: Actor, code: str) -> list[dict[str, Any]]:
    """Each current result of the unit with its finality, by period then ruleset."""
    unit = scope.unit(session, actor, code, field="unit")
    currents = session.scalars(
        select(CurrentScore)
        .where(CurrentScore.unit_id == unit.code)
        .order_by(CurrentScore.period, CurrentScore.ruleset_id)
    )
    shown = []
    for current in currents:
        notices = ledger.of_period(session, current.ruleset_id, current.period)
        status, notice = ledger.status(notices, unit.code, current.record_id)
        shown.append(
            {
                "ruleset_id": current.ruleset_id,
                "period": current.period,
                "record": current.record_id,
                "status": status,
                "status_title": say(f"finality.{status}"),
                "notice": notice.id if notice else None,
            }
        )
    return shown
