"""A batch's rows against the tree: each names a unit of the subtree the batch was
uploaded for, not scored yet for the period, or becomes an error row naming it; with
`create_units`, an unknown unit is created under the parent its row names."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.messages import say
from engine.pool import RowError, UnitRow

from .. import scope
from ..auth import Actor, Reach
from ..tables import Batch, CurrentScore, Unit
from .units import CODE, UnitLine, import_units


def batch_actor(batch: Batch, role: str = "submitter", path: str | None = None) -> Actor:
    """Who acts for a batch: its uploader, with the role on the batch's subtree at `path`."""
    name = batch.actor.rsplit(" (", 1)[0]
    return Actor(batch.actor_token_id, name, (Reach(role, batch.unit_code, path),))


def admit(session: Session, batch: Batch, rows: list[UnitRow], errors: list[RowError]):
    """The rows to score, and the error rows with those refused here added."""
    root = session.get(Unit, batch.unit_code) if batch.unit_code else None
    paths = [root.path if root else None]
    known = {u.code: u.name for u in session.scalars(select(Unit).where(scope.under(Unit.path, paths)))}
    if batch.create_units and _create(session, batch, paths[0], rows, known, errors):
        known = {u.code: u.name for u in session.scalars(select(Unit).where(scope.under(Unit.path, paths)))}
    scored = set(
        session.scalars(
            select(CurrentScore.unit_id).where(
                CurrentScore.ruleset_id == batch.ruleset_id, CurrentScore.period == batch.period
            )
        )
    )
    kept, refused = [], {e.row for e in errors}
    for row in rows:
        if row.row in refused:
            continue
        code = row.unit.id
        if code not in known:
            message = say("row.unknown_unit", row=row.row, code=code)
            errors.append(RowError(row.row, code, "unit_id", "unknown_unit", message))
        elif code in scored:
            message = say("row.already_scored", row=row.row, code=code, period=batch.period)
            errors.append(RowError(row.row, code, "unit_id", "already_scored", message))
        else:
            kept.append(row)
    return kept, errors


def _create(
    session: Session, batch: Batch, path: str | None, rows: list[UnitRow], known: dict[str, str], errors
) -> bool:
    """Unknown units of the rows, created as villages under the parent each row names
    (by code, or by a name only one unit of the subtree has)."""
    by_name: dict[str, list[str]] = {}
    for code, name in known.items():
        by_name.setdefault(name, []).append(code)
    lines, refused = [], {e.row for e in errors}
    for row in rows:
        code, parent = row.unit.id, row.unit.parent or ""
        if code in known or row.row in refused:
            continue
        named = by_name.get(parent, [])
        parent_code = parent if parent in known else (named[0] if len(named) == 1 else None)
        if parent_code is None or not CODE.match(code):
            message = say("row.unknown_parent", row=row.row, code=code, parent=parent or "")
            errors.append(RowError(row.row, code, "parent", "unknown_parent", message))
            continue
        lines.append(UnitLine(row.row, code, row.unit.name or code, "village", parent_code))
    if lines:  # created by the uploader within the batch's subtree only
        import_units(session, batch_actor(batch, "admin", path), lines, f"batch {batch.id}")
    return bool(lines)
