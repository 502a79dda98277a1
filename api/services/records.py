"""Reading stored score records for people: searching them, a unit's history over
periods, verifying one, its receipt. Routes and pages call these; every read is
filtered to the actor's subtrees (api.scope)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, load_only

from engine import LoadedRuleset
from engine.model import Ruleset

from .. import receipts, scope, store
from ..auth import Actor
from ..batches import with_batch_quotas
from ..catalog import loaded
from ..tables import CurrentScore, RulesetRow, ScoreRecord, Unit


@dataclass(frozen=True)
class Criteria:
    """What a search asks for; empty fields do not filter."""

    ruleset: str | None = None
    unit: str | None = None  # a unit's code, or part of its name
    under: str | None = None  # the code of a unit whose subtree is searched
    period: str | None = None
    grade: str | None = None
    superseded: bool = False  # also records a correction replaced
    offset: int = 0
    limit: int = 50


@dataclass
class Found:
    total: int
    records: list[ScoreRecord]
    current: set[str] = field(default_factory=set)  # ids of the records that count


def search(session: Session, actor: Actor, criteria: Criteria) -> Found:
    """A page of the actor's records, newest first. An `under` unit outside the actor's
    subtrees answers 404 naming the field, like any unknown unit."""
    visible = scope.records(actor)
    if criteria.unit:
        visible = visible.where(
            or_(ScoreRecord.unit_id == criteria.unit, ScoreRecord.unit_name.contains(criteria.unit, autoescape=True))
        )
    if criteria.under:
        visible = in_subtree(session, actor, visible, criteria.under)
    if criteria.grade:
        visible = visible.where(ScoreRecord.grade == criteria.grade)
    filters = {"ruleset_id": criteria.ruleset, "period": criteria.period}
    total, rows = store.list_scores(
        session, visible, filters, criteria.superseded, criteria.offset, criteria.limit, newest_first=True
    )
    ids = [row.id for row in rows]
    if not criteria.superseded:
        current = set(ids)
    else:
        current = set(session.scalars(select(CurrentScore.record_id).where(CurrentScore.record_id.in_(ids))))
    return Found(total, rows, current)


def in_subtree(session: Session, actor: Actor, visible: Select, code: str) -> Select:
    """The records of `visible` whose units lie under the unit `code` (404 naming the field
    `under` when that unit is outside the actor's subtrees)."""
    top = scope.unit(session, actor, code, field="under")
    subtree = select(Unit.code).where(Unit.path.startswith(top.path, autoescape=True))
    return visible.where(ScoreRecord.unit_id.in_(subtree))


def history(session: Session, actor: Actor, record: ScoreRecord) -> list[ScoreRecord]:
    """The current records of the same unit and ruleset, every period, in period order
    (their results are not read: a history needs the figures beside them)."""
    query = (
        scope.records(actor)
        .join(CurrentScore, CurrentScore.record_id == ScoreRecord.id)
        .where(ScoreRecord.ruleset_id == record.ruleset_id, ScoreRecord.unit_id == record.unit_id)
        .options(
            load_only(
                ScoreRecord.id,
                ScoreRecord.period,
                ScoreRecord.total,
                ScoreRecord.grade,
                ScoreRecord.version,
                ScoreRecord.created_at,
            )
        )
        .order_by(ScoreRecord.period)
    )
    return list(session.scalars(query))


def version_of(session: Session, record: ScoreRecord) -> LoadedRuleset:
    """The compiled version a record was scored under (its text read only the first time)."""
    return store.compiled_version(session, store.version_key(session, record.ruleset_id, record.version))


def models(session: Session, records: list[ScoreRecord]) -> dict[tuple[str, int], Ruleset]:
    """The ruleset model of each (ruleset, version) the records were scored under: their
    grades' titles and precision."""
    return {
        key: store.compiled_version(session, store.version_key(session, *key)).model
        for key in {(r.ruleset_id, r.version) for r in records}
    }


def verify(session: Session, actor: Actor, score_id: str) -> receipts.Check:
    """Recompute an auditor's record from its stored input and version (its batch's
    quotas decided again); what differs, field by field."""
    record = scope.record(session, actor, score_id, "auditor")
    version = store.get_version(session, record.ruleset_id, record.version)
    return receipts.recheck(
        store.record_fields(record), loaded(version), requota=lambda result: with_batch_quotas(session, record, result)
    )


def receipt(session: Session, actor: Actor, score_id: str) -> tuple[ScoreRecord, dict[str, Any]]:
    """A record's self-contained receipt (see api.receipts)."""
    record = scope.record(session, actor, score_id)
    version = store.get_version(session, record.ruleset_id, record.version)
    return record, receipts.build(store.record_fields(record), version.text)


def grade_choices(session: Session, rulesets: list[RulesetRow]) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each ruleset's grades (id, title) as its latest version names them, to search by."""
    choices = []
    for row in rulesets:
        model = store.compiled_version(session, store.version_key(session, row.id, row.latest_version)).model
        choices.append((row.title, [(grade.id, grade.title) for grade in model.grades]))
    return choices
