"""The stages of a unit's appraisal for a period (docs/stages.md): whose turn it is,
what each stage may change, and the chained records each step leaves.

A step is an audit event of kind "stage" and, unless it sends the unit back, a score
record of the data as that stage has it, superseding the record before it: the unit's
current score is always its latest stage's. Both are written in one turn of the chain,
and the turn is checked inside it, so two reviewers cannot both take the same step."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import LoadedRuleset
from engine.messages import listing, say
from engine.model import Stage
from engine.unit_kinds import KIND_OF, level_title

from .. import metrics, scope, store
from ..auth import Actor
from ..problems import ApiProblem
from ..recordhash import canonical
from ..schemas import REASON_LENGTH, UnitIn
from ..tables import AuditEvent, ScoreRecord, Unit
from . import rectification
from .filled import source_of
from .scoring import score_for_record, unit_ref
from .stage_steps import STAGE_EVENT, steps_of, subject
from .versions import official_version, period_problem

SENDING = ("return", "reopen")  # steps that make the stage they name in "to" due


@dataclass(frozen=True)
class Act:
    """What a stage sends: the first stage the unit's whole data, a later one the
    values it changes with a reason for each (none: it accepts the data as it is)."""

    data: dict[str, Any] | None = None
    changes: dict[str, Any] | None = None
    reasons: dict[str, str] | None = None


def steps_of_period(session: Session, ruleset_id: str, period: str) -> dict[str, list[AuditEvent]]:
    """Every unit's steps for the period, by unit: one query for all the units of a notice."""
    query = select(AuditEvent).where(
        AuditEvent.kind == STAGE_EVENT, AuditEvent.subject.endswith(f"/{period}/{ruleset_id}", autoescape=True)
    )
    steps: dict[str, list[AuditEvent]] = {}
    for step in session.scalars(query.order_by(AuditEvent.seq)):
        steps.setdefault(step.data["unit"], []).append(step)
    return steps


def due_index(stages: list[Stage], steps: list[AuditEvent]) -> int:
    """The index of the stage whose turn it is; len(stages) once the last has acted.
    After a return or a reopening, the stage the unit was sent to."""
    if not steps:
        return 0
    last = steps[-1].data
    target = last["to"] if last["action"] in SENDING else last["stage"]
    index = next(i for i, s in enumerate(stages) if s.id == target)
    return index if last["action"] in SENDING else index + 1


def ruleset_for(session: Session, ruleset_id: str, period: str, steps: list[AuditEvent]) -> tuple[int, LoadedRuleset]:
    """A unit's stages all score under the version its first stage used."""
    number = steps[0].data["version"] if steps else official_version(session, ruleset_id, period, None)
    ruleset = store.compiled_version(session, store.version_key(session, ruleset_id, number))
    if not ruleset.model.stages:
        raise ApiProblem(409, "No stages", say("stage.no_stages", ruleset=ruleset_id))
    return number, ruleset


def stage_index(stages: list[Stage], stage_id: str) -> int:
    for index, stage in enumerate(stages):
        if stage.id == stage_id:
            return index
    message = say("stage.unknown", stage=stage_id, stages=listing(s.id for s in stages))
    raise ApiProblem(404, "Unknown stage", message, [{"field": "stage", "message": message}])


def _check_turn(stages: list[Stage], steps: list[AuditEvent], index: int, unit: Unit, period: str) -> None:
    due = due_index(stages, steps)
    if due == len(stages):
        raise ApiProblem(409, "Finished", say("stage.finished", unit=unit.name, period=period, stage=stages[-1].title))
    if due != index:
        raise ApiProblem(409, "Out of turn", say("stage.out_of_turn", due=stages[due].title, stage=stages[index].title))


def _check_grant(session: Session, actor: Actor, stage: Stage, unit: Unit) -> None:
    """The actor must hold the stage's role at a unit of the stage's level whose subtree
    holds the unit (an admin grant does not stand in for another role)."""
    codes = [g.unit for g in actor.grants if g.role == stage.role and g.path and unit.path.startswith(g.path)]
    kinds = set(session.scalars(select(Unit.kind).where(Unit.code.in_(codes)))) if codes else set()
    if KIND_OF[stage.level] not in kinds:
        role = say(f"role.{stage.role}")
        message = say("stage.not_yours", stage=stage.title, level=level_title(stage.level), role=role, unit=unit.name)
        raise ApiProblem(403, "Not your stage", message)


def holds(session: Session, actor: Actor, stage: Stage, unit: Unit) -> bool:
    """Whether the actor may take the stage for the unit (a page offers it only then)."""
    try:
        _check_grant(session, actor, stage, unit)
    except ApiProblem:
        return False
    return True


def _title(ruleset: LoadedRuleset, field: str) -> str:
    spec = ruleset.model.inputs.get(field)
    return f"{spec.title} ({field})" if spec else field


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Inputs whose values differ as the records hash them (a request's 5.0 is the stored 5)."""
    return sorted(k for k in set(before) | set(after) if canonical(before.get(k)) != canonical(after.get(k)))


def _input(ruleset: LoadedRuleset, stage: Stage, index: int, base: ScoreRecord | None, act: Act) -> dict[str, Any]:
    """The data as this stage has it; a later stage's changes each need a reason."""
    if index == 0:
        if act.data is None or act.changes is not None or act.reasons:
            raise _unprocessable("data", say("stage.data_needed", stage=stage.title))
        return act.data
    if act.data is not None:
        raise _unprocessable("data", say("stage.changes_only", stage=stage.title))
    assert base is not None
    data = {**base.input, **(act.changes or {})}
    changed, reasons = changed_fields(base.input, data), act.reasons or {}
    if changed and not stage.may_edit:
        raise ApiProblem(409, "Confirms only", say("stage.confirms_only", stage=stage.title))
    _refuse_filled(ruleset, changed)
    errors = (
        [
            {"field": f"reasons.{f}", "message": say("stage.reason_missing", field=_title(ruleset, f))}
            for f in changed
            if not reasons.get(f, "").strip()
        ]
        + [
            {"field": f"reasons.{f}", "message": say("stage.reason_unchanged", field=_title(ruleset, f))}
            for f in sorted(set(reasons) - set(changed))
        ]
        + [_too_long(f"reasons.{f}", reason) for f, reason in sorted(reasons.items()) if len(reason) > REASON_LENGTH]
    )
    if errors:
        raise ApiProblem(422, "Reasons", "; ".join(e["message"] for e in errors), errors)
    return data


def _refuse_filled(ruleset: LoadedRuleset, changed: list[str]) -> None:
    """A value the service fills (from rectification items, points, quarters, the grade
    before) is corrected where it comes from, not by a stage."""
    inputs = ruleset.model.inputs
    errors = [
        {"field": f"changes.{f}", "message": say("stage.filled_unchanged", field=_title(ruleset, f), source=source)}
        for f in changed
        if f in inputs and (source := source_of(inputs[f])) is not None
    ]
    if errors:
        raise ApiProblem(422, "Filled input", "; ".join(e["message"] for e in errors), errors)


def _unprocessable(field: str, message: str) -> ApiProblem:
    return ApiProblem(422, "Bad stage request", message, [{"field": field, "message": message}])


def opening(session: Session, actor: Actor, unit_code: str, period: str) -> Unit:
    """The unit, when the period is one and the unit is in the actor's subtrees (404 else)."""
    problem = period_problem(period)
    if problem:
        raise _unprocessable("period", problem)
    return scope.unit(session, actor, unit_code, field="unit")


def act(session: Session, actor: Actor, ruleset_id: str, unit_code: str, period: str, stage_id: str, given: Act):
    """Take the stage whose turn it is: the step's event, with its new score record."""
    unit = opening(session, actor, unit_code, period)
    with store.chain_turn(session) as chain:
        steps = steps_of(session, ruleset_id, unit.code, period)
        number, ruleset = ruleset_for(session, ruleset_id, period, steps)
        stages = ruleset.model.stages
        index = stage_index(stages, stage_id)
        _check_turn(stages, steps, index, unit, period)
        stage = stages[index]
        _check_grant(session, actor, stage, unit)
        current = store.current_record(session, ruleset_id, unit.code, period)
        if not steps and current is not None:
            raise ApiProblem(
                409, "Already scored", say("stage.already_scored", unit=unit.name, period=period, current=current)
            )
        base = store.get_score(session, current) if current else None
        data = _input(ruleset, stage, index, base, given)
        ref = unit_ref(session, unit, UnitIn(id=unit.code))  # name and parent from the tree
        data, result = score_for_record(session, actor, (ruleset_id, number, ruleset), ref, period, data)
        new = store.NewScore(
            ruleset=ruleset,
            version=number,
            unit_id=ref["id"],
            unit_name=ref["name"],
            unit_parent=ref["parent"],
            period=period,
            submitted=data,
            result_json=result.model_dump_json(),
            actor=actor,
            supersedes=current,
            after=rectification.opener(ruleset, actor, current),
        )
        record = chain.append_score(new)
        action = "submit" if index == 0 else ("edit" if given.reasons else "accept")
        reasons = {f: r.strip() for f, r in (given.reasons or {}).items()}
        facts = _facts(ruleset_id, number, unit.code, period, stage.id, action)
        event = chain.append(
            STAGE_EVENT,
            subject(unit.code, period, ruleset_id),
            {**facts, "record": record.id, "based_on": current, "reasons": reasons},
            actor,
        )
    metrics.count_score(ruleset_id, record.status)
    return event


def _too_long(field: str, reason: str) -> dict[str, str]:
    """A reason longer than people may give, named as the request's own check names it."""
    return {"field": field, "message": say("request.string_too_long", limit=REASON_LENGTH, length=len(reason))}


def send_back(session: Session, actor: Actor, ruleset_id: str, unit_code: str, period: str, stage_id: str, reason: str):
    """The stage whose turn it is returns the unit to the stage before it, with a reason;
    the unit's current score stays that stage's until the stage is taken again."""
    unit = opening(session, actor, unit_code, period)
    if not reason.strip():
        raise _unprocessable("reason", say("stage.return_reason"))
    if len(reason) > REASON_LENGTH:
        raise _unprocessable("reason", _too_long("reason", reason)["message"])
    with store.chain_turn(session) as chain:
        steps = steps_of(session, ruleset_id, unit.code, period)
        if not steps:
            raise ApiProblem(409, "Nothing to send back", say("stage.nothing_to_return", unit=unit.name, period=period))
        number, ruleset = ruleset_for(session, ruleset_id, period, steps)
        stages = ruleset.model.stages
        index = stage_index(stages, stage_id)
        _check_turn(stages, steps, index, unit, period)
        if index == 0:
            raise ApiProblem(409, "First stage", say("stage.first_cannot_return", stage=stages[0].title))
        _check_grant(session, actor, stages[index], unit)
        facts = _facts(ruleset_id, number, unit.code, period, stages[index].id, "return")
        current = store.current_record(session, ruleset_id, unit.code, period)
        data = {**facts, "to": stages[index - 1].id, "reason": reason.strip(), "record": None, "based_on": current}
        return chain.append(STAGE_EVENT, subject(unit.code, period, ruleset_id), data, actor)


def _facts(ruleset_id: str, number: int, unit: str, period: str, stage: str, action: str) -> dict[str, Any]:
    return {"ruleset": ruleset_id, "version": number, "unit": unit, "period": period, "stage": stage, "action": action}


def reopen(chain: store.Chain, actor: Actor, ruleset_id: str, unit: Unit, period: str, reason: str, cause: str):
    """An upheld objection (docs/notices.md) sends a unit whose stages are finished (the
    caller knows) back to its last reviewer stage (the first stage when none is a
    reviewer's), in the caller's turn of the chain; that stage is then due and re-reviews
    the unit as usual."""
    session = chain.session
    steps = steps_of(session, ruleset_id, unit.code, period)
    number, ruleset = ruleset_for(session, ruleset_id, period, steps)
    stages = ruleset.model.stages
    reviewers = [s for s in stages if s.role == "reviewer"]
    to = reviewers[-1] if reviewers else stages[0]
    facts = _facts(ruleset_id, number, unit.code, period, stages[-1].id, "reopen")
    current = store.current_record(session, ruleset_id, unit.code, period)
    data = {**facts, "to": to.id, "reason": reason, "cause": cause, "record": None, "based_on": current}
    return chain.append(STAGE_EVENT, subject(unit.code, period, ruleset_id), data, actor)
