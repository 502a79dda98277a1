"""Reading a unit's stages for people: each step with what it changed from the record
before it (fields with old, new and reason; points per indicator; total; grade), and
a unit's timeline over periods and stages. Every read is filtered by api.scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.messages import say
from engine.unit_kinds import KIND_OF

from .. import scope, store
from ..auth import Actor
from ..problems import ApiProblem
from ..tables import AuditEvent, ScoreRecord, Unit
from . import finality
from . import stages as staging
from .versions import period_problem


def _records(session: Session, steps: list[AuditEvent]) -> dict[str, ScoreRecord]:
    ids = {i for step in steps for i in (step.data["record"], step.data["based_on"]) if i}
    return {r.id: r for r in session.scalars(select(ScoreRecord).where(ScoreRecord.id.in_(ids)))} if ids else {}


def difference(before: ScoreRecord | None, after: ScoreRecord, reasons: dict[str, str]) -> dict[str, Any]:
    """What a stage's record changed from the record it was based on."""
    old_input = before.input if before else {}
    old_points = {i["id"]: i["points"] for i in before.result["indicators"]} if before else {}
    return {
        "fields": [
            {"field": f, "old": old_input.get(f), "new": after.input.get(f), "reason": reasons.get(f)}
            for f in staging.changed_fields(old_input, after.input)
        ]
        if before
        else [],
        "indicators": [
            {"id": i["id"], "title": i["title"], "old": old_points.get(i["id"]), "new": i["points"]}
            for i in after.result["indicators"]
        ],
        "total": {"old": before.total if before else None, "new": after.total},
        "grade": {"old": before.grade if before else None, "new": after.grade},
    }


def _step(step: AuditEvent, records: dict[str, ScoreRecord], titles: dict[str, str]) -> dict[str, Any]:
    data = step.data
    record = records.get(data["record"]) if data["record"] else None
    return {
        "id": step.id,
        "seq": step.seq,
        "period": data["period"],
        "ruleset_id": data["ruleset"],
        "version": data["version"],
        "stage": data["stage"],
        "title": titles.get(data["stage"], data["stage"]),
        "action": data["action"],
        "action_title": say(f"stage.action.{data['action']}"),
        "to": data.get("to"),
        "reason": data.get("reason"),
        "record": data["record"],
        "based_on": data["based_on"],
        "actor": step.actor,
        "at": step.created_at,
        "difference": difference(records.get(data["based_on"] or ""), record, data["reasons"]) if record else None,
    }


def unit_stages(session: Session, actor: Actor, ruleset_id: str, unit_code: str, period: str) -> dict[str, Any]:
    """The ruleset's stages, whose turn it is, and every step so far with its differences."""
    unit = staging.opening(session, actor, unit_code, period)
    steps = staging.steps_of(session, ruleset_id, unit.code, period)
    _, ruleset = staging.ruleset_for(session, ruleset_id, period, steps)
    stages = ruleset.model.stages
    due = staging.due_index(stages, steps)
    records = _records(session, steps)
    titles = {s.id: s.title for s in stages}
    return {
        "ruleset_id": ruleset_id,
        "unit": unit.code,
        "period": period,
        "stages": [s.model_dump() for s in stages],
        "due": stages[due].id if due < len(stages) else None,
        "current": store.current_record(session, ruleset_id, unit.code, period),
        "steps": [_step(step, records, titles) for step in steps],
    }


def step(session: Session, actor: Actor, ruleset_id: str, unit_code: str, period: str, event_id: str) -> dict[str, Any]:
    """One step as unit_stages shows it (the answer to taking it)."""
    steps = unit_stages(session, actor, ruleset_id, unit_code, period)["steps"]
    return next(s for s in steps if s["id"] == event_id)


def timeline(session: Session, actor: Actor, unit_code: str) -> list[dict[str, Any]]:
    """Every step of a unit, every ruleset and period, in period order, then as taken."""
    unit = scope.unit(session, actor, unit_code, field="unit")
    mine = AuditEvent.subject.startswith(f"{unit.code}/", autoescape=True)  # a code holds no "/"
    steps = list(
        session.scalars(select(AuditEvent).where(AuditEvent.kind == staging.STAGE_EVENT, mine).order_by(AuditEvent.seq))
    )
    records = _records(session, steps)
    titles: dict[tuple[str, int], dict[str, str]] = {}  # the stages' titles, per ruleset version
    grades: dict[tuple[str, int], dict[str, str]] = {}  # and its grades'
    for step in steps:
        key = (step.data["ruleset"], step.data["version"])
        if key not in titles:
            model = store.compiled_version(session, store.version_key(session, *key)).model
            titles[key] = {s.id: s.title for s in model.stages}
            grades[key] = {g.id: g.title for g in model.grades}
    views = [_step(s, records, titles[(s.data["ruleset"], s.data["version"])]) for s in steps]
    results = finality.of_unit(session, actor, unit.code)
    final = {(f["ruleset_id"], f["period"]): f["record"] for f in results if f["status"] == "final"}
    for view in views:
        record = records.get(view["record"] or "")
        view["total"], view["grade"] = (record.total, record.grade) if record else (None, None)
        key = (view["ruleset_id"], view["version"])
        view["grade_title"] = grades[key].get(view["grade"]) if view["grade"] else None
        view["to_title"] = titles[key].get(view["to"], view["to"]) if view["to"] else None
        view["final"] = record is not None and final.get((view["ruleset_id"], view["period"])) == record.id
    return sorted(views, key=lambda v: (v["period"], v["seq"]))


def _last(step: AuditEvent) -> dict[str, Any]:
    return {"title": say(f"stage.action.{step.data['action']}"), "actor": step.actor, "at": step.created_at}


def awaiting(session: Session, actor: Actor, ruleset_id: str, period: str, limit: int) -> dict[str, Any]:
    """The units of the actor's subtrees that the ruleset's first stage is taken at, each
    with the stage whose turn it is (None once all are taken): what awaits whom. At most
    `limit` units, in the order of the tree; `count` says how many there are."""
    problem = period_problem(period)
    if problem:
        raise ApiProblem(422, "Bad stage request", problem, [{"field": "period", "message": problem}])
    steps = staging.steps_of_period(session, ruleset_id, period)
    _, ruleset = staging.ruleset_for(session, ruleset_id, period, [])
    by_version = {None: ruleset.model.stages}
    kind = KIND_OF[ruleset.model.stages[0].level]
    query = select(Unit).where(scope.under(Unit.path, actor.paths()), Unit.kind == kind)
    count = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = []
    for unit in session.scalars(query.order_by(Unit.path).limit(limit)):
        taken = steps.get(unit.code, [])
        version = taken[0].data["version"] if taken else None
        if version not in by_version:  # a unit's stages are its first step's version's
            by_version[version] = staging.ruleset_for(session, ruleset_id, period, taken)[1].model.stages
        stages = by_version[version]
        due = staging.due_index(stages, taken)
        last = taken[-1] if taken else None
        rows.append(
            {
                "unit": unit.code,
                "name": unit.name,
                "due": stages[due].id if due < len(stages) else None,
                "due_title": stages[due].title if due < len(stages) else None,
                "last": _last(last) if last else None,
            }
        )
    return {"count": count, "units": rows}
