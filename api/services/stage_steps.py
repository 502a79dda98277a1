"""The steps a unit has taken through the stages (docs/stages.md): read by the stages
themselves and by the plain score correction, which a unit in the stages may not use."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..tables import AuditEvent

STAGE_EVENT = "stage"


def subject(unit_id: str, period: str, ruleset_id: str) -> str:
    return f"{unit_id}/{period}/{ruleset_id}"


def steps_of(session: Session, ruleset_id: str, unit_id: str, period: str) -> list[AuditEvent]:
    """The unit's steps for the period, as taken (unit codes, ruleset ids and periods
    hold no "/", so a subject names one unit, period and ruleset)."""
    query = select(AuditEvent).where(
        AuditEvent.kind == STAGE_EVENT, AuditEvent.subject == subject(unit_id, period, ruleset_id)
    )
    return list(session.scalars(query.order_by(AuditEvent.seq)))
