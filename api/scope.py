"""What an actor may see and touch: the one place unit data is filtered by grants.

A grant covers its unit and everything under it; a unit's `path` lists the codes from
the root down, so "under X" is a prefix match that SQLite and PostgreSQL both index.
Whatever lies outside an actor's subtrees answers as if it did not exist (404).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, false, or_, select, true
from sqlalchemy.orm import Session

from engine.messages import say

from .auth import Actor
from .problems import ApiProblem
from .tables import Batch, RectificationItem, ScoreRecord, Unit


def under(path: ColumnElement, paths: list[str | None]) -> ColumnElement[bool]:
    """Rows whose path lies in one of the subtrees (None: the whole tree)."""
    if None in paths:
        return true()
    if not paths:
        return false()
    return or_(*(path.startswith(p, autoescape=True) for p in paths))


def covers(paths: list[str | None], path: str | None) -> bool:
    """Whether a unit at `path` (None: no unit, the whole tree) lies in one of the subtrees."""
    if None in paths:
        return True
    return path is not None and any(path.startswith(p) for p in paths if p is not None)


def records(actor: Actor, *roles: str) -> Select:
    """Score records of the units in the actor's subtrees; a whole-tree grant sees every
    record, also those of units no longer (or never) in the tree."""
    paths = actor.paths(*roles)
    query = select(ScoreRecord)
    if None in paths:
        return query
    return query.join(Unit, Unit.code == ScoreRecord.unit_id).where(under(Unit.path, paths))


def rectification_items(actor: Actor, *roles: str) -> Select:
    """Rectification items of the units in the actor's subtrees (as records are seen)."""
    paths = actor.paths(*roles)
    query = select(RectificationItem)
    if None in paths:
        return query
    return query.join(Unit, Unit.code == RectificationItem.unit_id).where(under(Unit.path, paths))


def unknown_unit(code: str, field: str = "unit.id") -> ApiProblem:
    message = say("detail.unknown_unit", code=code)
    return ApiProblem(404, "Unknown unit", message, [{"field": field, "message": message}])


def unit(session: Session, actor: Actor, code: str, *roles: str, field: str = "unit.id") -> Unit:
    """The unit, when it is in one of the subtrees where the actor has one of the roles."""
    row = session.get(Unit, code)
    if row is None or not covers(actor.paths(*roles), row.path):
        raise unknown_unit(code, field)
    return row


def record(session: Session, actor: Actor, score_id: str, *roles: str) -> ScoreRecord:
    found = session.scalars(records(actor, *roles).where(ScoreRecord.id == score_id)).first()
    if found is None:
        raise ApiProblem(404, "Unknown score", say("detail.unknown_score_in_scope", id=score_id))
    return found


def batch(session: Session, actor: Actor, batch_id: str) -> Batch:
    """A batch is seen by those whose subtree holds the subtree it was uploaded for."""
    found = session.get(Batch, batch_id)
    if found is not None:
        path = session.scalar(select(Unit.path).where(Unit.code == found.unit_code)) if found.unit_code else None
        if covers(actor.paths(), path):
            return found
    raise ApiProblem(404, "Unknown batch", say("detail.unknown_batch", id=batch_id))
