"""The flags raised for the committee (extension): per jurisdiction and period, the
current records of the actor's subtrees whose results raised a ruleset's flags. Read
like any listing of records (api.scope), so a township sees only its villages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from .. import scope
from ..auth import Actor
from ..problems import ApiProblem
from ..tables import CurrentScore, ScoreRecord
from .records import in_subtree
from .versions import period_problem


@dataclass(frozen=True)
class Raised:
    """One record's raised flags, as its result states them."""

    record: ScoreRecord
    flags: list[dict[str, Any]]


def raised(
    session: Session,
    actor: Actor,
    period: str,
    ruleset: str | None = None,
    under: str | None = None,
    flag: str | None = None,
) -> list[Raised]:
    """The period's current records that raised flags (only `flag` when given), in the
    order of their units' codes; an `under` unit outside the actor's subtrees answers 404."""
    problem = period_problem(period)
    if problem:
        raise ApiProblem(422, "Bad period", problem, [{"field": "period", "message": problem}])
    visible = scope.records(actor).join(CurrentScore, CurrentScore.record_id == ScoreRecord.id)
    visible = visible.where(ScoreRecord.period == period)
    if ruleset:
        visible = visible.where(ScoreRecord.ruleset_id == ruleset)
    if under:
        visible = in_subtree(session, actor, visible, under)
    found = []
    for record in session.scalars(visible.order_by(ScoreRecord.unit_id, ScoreRecord.ruleset_id)):
        flags = [f for f in record.result.get("raised_flags") or () if flag is None or f["id"] == flag]
        if flags:
            found.append(Raised(record, flags))
    return found
