"""A batch's results as people read them: the batches one may see, a finished batch's
ranking (overall and within each parent) computed by the database from the stored
records, the units its quotas moved, its error rows, and its downloads.

The ranking is the ruleset's ranking rule (engine.batch.rank) written as window
functions, so a page of a 25,000-unit batch is one query, not 25,000 results read;
tests hold it equal to the engine's ranking of the same records."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Numeric, case, cast, func, or_, select
from sqlalchemy.orm import Session

from engine.messages import say
from engine.model import Ruleset
from engine.tabular import write_results

from .. import scope, store
from ..auth import Actor
from ..batches import report_of
from ..catalog import loaded
from ..problems import ApiProblem
from ..schemas import BatchOut
from ..tables import Batch, ScoreRecord, Unit

MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
}
SORTS = ("rank", "total", "parent", "unit")


def out(batch: Batch) -> BatchOut:
    return BatchOut.model_validate(batch)


def model_of(session: Session, batch: Batch) -> Ruleset:
    return loaded(store.get_version(session, batch.ruleset_id, batch.version)).model


def list_batches(session: Session, actor: Actor, offset: int, limit: int) -> tuple[int, list[Batch]]:
    """The batches whose subtree lies in one of the actor's, newest first."""
    paths = actor.paths()
    query = select(Batch)
    if None not in paths:
        query = query.join(Unit, Unit.code == Batch.unit_code).where(scope.under(Unit.path, paths))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(Batch.created_at.desc(), Batch.id).offset(offset).limit(limit))
    return total, list(rows)


def require_finished(batch: Batch) -> None:
    if batch.status != "done":
        raise ApiProblem(409, "Batch not finished", say("detail.batch_not_finished", status=batch.status))


@dataclass(frozen=True)
class RankedRow:
    record_id: str
    row: int
    unit_id: str
    unit_name: str | None
    parent: str | None
    total: str
    grade: str | None
    status: str
    rank: int | None
    parent_rank: int | None


def _ranked(model: Ruleset, batch_id: str):
    """The batch's records with their ranks, as a subquery."""
    rule = model.ranking
    grade_order = case({g.id: i for i, g in enumerate(model.grades)}, value=ScoreRecord.grade, else_=len(model.grades))
    parts = {"grade": grade_order.asc(), "total": cast(ScoreRecord.total, Numeric).desc()}
    order = [case((ScoreRecord.grade.is_(None), 1), else_=0).asc(), *(parts[name] for name in rule.by)]
    ranked = or_(ScoreRecord.grade.is_not(None), rule.disqualified == "last")
    ranked_flag = case((ranked, 1), else_=0)
    overall = func.rank().over(partition_by=ranked_flag, order_by=order)
    within = func.rank().over(partition_by=(ranked_flag, ScoreRecord.unit_parent), order_by=order)
    return (
        select(
            ScoreRecord.id.label("record_id"),
            ScoreRecord.batch_row.label("row"),
            ScoreRecord.unit_id,
            ScoreRecord.unit_name,
            ScoreRecord.unit_parent.label("parent"),
            ScoreRecord.total,
            ScoreRecord.grade,
            ScoreRecord.status,
            case((ranked, overall)).label("rank"),
            case((ranked, within)).label("parent_rank"),
        )
        .where(ScoreRecord.batch_id == batch_id)
        .subquery()
    )


def ranking(
    session: Session, batch: Batch, model: Ruleset, parent: str | None, sort: str, offset: int, limit: int
) -> tuple[int, list[RankedRow]]:
    """A page of the batch's units with their ranks, within one parent if asked, sorted by
    rank (unranked last), total, parent or unit."""
    require_finished(batch)
    ranked = _ranked(model, batch.id)
    query = select(ranked)
    if parent:
        query = query.where(ranked.c.parent == parent)
    unranked_last = case((ranked.c.rank.is_(None), 1), else_=0)
    keys = {
        "rank": (unranked_last, ranked.c.rank),
        "total": (cast(ranked.c.total, Numeric).desc(),),
        "parent": (ranked.c.parent, unranked_last, ranked.c.parent_rank),
        "unit": (ranked.c.unit_id,),
    }
    counted = select(func.count()).select_from(ScoreRecord).where(ScoreRecord.batch_id == batch.id)
    count = session.scalar(counted.where(ScoreRecord.unit_parent == parent) if parent else counted) or 0
    rows = session.execute(query.order_by(*keys[sort], ranked.c.row).offset(offset).limit(limit))
    return count, [RankedRow(**row._mapping) for row in rows]


def parents(session: Session, batch: Batch) -> list[tuple[str | None, int]]:
    """Each parent unit named by the batch's units and how many it has, by name."""
    query = (
        select(ScoreRecord.unit_parent, func.count())
        .where(ScoreRecord.batch_id == batch.id, ScoreRecord.unit_parent.is_not(None))
        .group_by(ScoreRecord.unit_parent)
        .order_by(ScoreRecord.unit_parent)
    )
    return [(name, count) for name, count in session.execute(query)]


def moved_units(session: Session, batch: Batch, rows: list[int]) -> dict[int, tuple[str, str | None]]:
    """The stored record and name of each of the batch's rows asked for (the summary
    names a unit a quota moved by its row and code only)."""
    if not rows:
        return {}
    query = select(ScoreRecord.batch_row, ScoreRecord.id, ScoreRecord.unit_name).where(
        ScoreRecord.batch_id == batch.id, ScoreRecord.batch_row.in_(rows)
    )
    return {row: (record_id, name) for row, record_id, name in session.execute(query)}


def results_file(session: Session, batch: Batch, format: str) -> tuple[bytes | str, str, str]:
    """A finished batch's results as Excel, CSV or JSON: (content, media type, file name)."""
    require_finished(batch)
    report = report_of(session, batch)
    name = f"{batch.ruleset_id}-{batch.period}-{batch.id[:8]}.{format}"
    if format == "json":
        units = [
            {
                "row": u.row,
                "unit": u.scored.unit.model_dump(),
                "total": str(u.scored.total),
                "grade": u.scored.grade,
                "rank": u.rank,
                "parent_rank": u.parent_rank,
                "quota": u.scored.quota.model_dump() if u.scored.quota else None,
            }
            for u in report.units
        ]
        body = {"batch": out(batch).model_dump(), "units": units, "errors": [e.__dict__ for e in report.errors]}
        return json.dumps(body, ensure_ascii=False, default=str), MEDIA["json"], name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"results.{format}"
        write_results(report, path)
        return path.read_bytes(), MEDIA[format], name
