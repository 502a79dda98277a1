"""An official score: a unit of the tree, in the submitter's subtree, under the version
in force for its period, and the only current record of its unit and period unless it
corrects that record."""

from __future__ import annotations

import hashlib

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import InputError, Result, score
from engine.messages import say

from .. import metrics, scope, store
from ..auth import Actor
from ..problems import ApiProblem, input_problem
from ..tables import ScoreRecord, Unit
from . import rectification
from .filled import fill_submission
from .filling import FillRefused
from .references import reference_in_batch
from .stage_steps import steps_of
from .versions import kind_problem, official_version, period_problem

SUBMITTED_EVENT = "score.submitted"  # how a single score came in, when not through the API


def unit_ref(session: Session, unit: Unit, given) -> dict:
    """The unit as a record names it: its code of the tree, and the name and parent as
    submitted, or the tree's when left out."""
    parent = session.get(Unit, unit.parent_code) if unit.parent_code and given.parent is None else None
    return {
        "id": unit.code,
        "name": given.name if given.name is not None else unit.name,
        "parent": given.parent if given.parent is not None else (parent.name if parent else None),
    }


def request_hash(ruleset_id: str, document) -> str:
    """What names a request for idempotency: its ruleset and its canonical document."""
    return hashlib.sha256(ruleset_id.encode() + b"\n" + store.canonical(document).encode()).hexdigest()


def _duplicate(ruleset_id: str, unit_id: str, period: str, current: str) -> ApiProblem:
    message = say("detail.already_scored", unit=unit_id, period=period, current=current)
    return ApiProblem(409, "Already scored", message, [{"field": "supersedes", "message": message}])


def _stale(old: ScoreRecord, current: str | None) -> ApiProblem:
    message = say("detail.superseded", id=old.id, current=current)
    return ApiProblem(
        409, "Superseded already", message, [{"field": "supersedes", "message": message, "current": current}]
    )


def _in_stages(old: ScoreRecord) -> ApiProblem:
    """A unit in the stages is corrected by the stage whose turn it is, not around them."""
    message = say("detail.in_stages", unit=old.unit_id, period=old.period, ruleset=old.ruleset_id)
    return ApiProblem(409, "In stages", message, [{"field": "supersedes", "message": message}])


def score_and_store(
    session: Session,
    ruleset_id: str,
    body,
    data: dict,
    actor: Actor,
    key: str | None,
    request_hash: str,
    via: str | None = None,
) -> tuple[ScoreRecord, str, bool]:
    """The record, its JSON result, and whether it is new (not an idempotent replay).
    `via` names a way in other than the API ("web"): the record is then written with
    the event that says so (docs/provenance.md), in one turn of the chain."""
    if key:
        existing = store.find_idempotent(session, actor, key)
        if existing is not None:
            return _replay(existing, request_hash)
    problem = period_problem(body.period)
    if problem:
        raise ApiProblem(422, "Bad period", problem, [{"field": "period", "message": problem}])
    unit = scope.unit(session, actor, body.unit.id, "submitter")
    old = None
    if body.supersedes:
        old = scope.record(session, actor, body.supersedes, "submitter")
        if (old.ruleset_id, old.unit_id, old.period) != (ruleset_id, body.unit.id, body.period):
            message = say("detail.cannot_supersede", id=old.id, of=f"{old.ruleset_id}/{old.unit_id}/{old.period}")
            raise ApiProblem(422, "Cannot supersede", message, [{"field": "supersedes", "message": message}])
        if steps_of(session, ruleset_id, old.unit_id, old.period):
            raise _in_stages(old)
    current = store.current_record(session, ruleset_id, body.unit.id, body.period)
    if old is None and current is not None:
        raise _duplicate(ruleset_id, body.unit.id, body.period, current)
    if old is not None and current != old.id:
        raise _stale(old, current)
    number = official_version(session, ruleset_id, body.period, body.version, old)
    ruleset = store.compiled_version(session, store.version_key(session, ruleset_id, number))
    ref = unit_ref(session, unit, body.unit)
    data, result = score_for_record(session, actor, (ruleset_id, number, ruleset), ref, body.period, data, body)
    new = store.NewScore(
        ruleset=ruleset,
        version=number,
        unit_id=ref["id"],
        unit_name=ref["name"],
        unit_parent=ref["parent"],
        period=body.period,
        submitted=data,
        result_json=result.model_dump_json(),
        actor=actor,
        supersedes=body.supersedes,
        idempotency_key=key,
        request_hash=request_hash,
        after=rectification.opener(ruleset, actor, body.supersedes),
    )
    try:
        record = store.append_score(session, new) if via is None else _append_via(session, new, via)
    except IntegrityError:
        session.rollback()  # a fresh view: what won was written by another transaction
        existing = store.find_idempotent(session, actor, key) if key else None
        if existing is not None:
            return _replay(existing, request_hash)
        current = store.current_record(session, ruleset_id, body.unit.id, body.period)
        raise (_stale(old, current) if old else _duplicate(ruleset_id, body.unit.id, body.period, current)) from None
    metrics.count_score(ruleset_id, record.status)
    return record, new.result_json, True


def _append_via(session: Session, new: store.NewScore, via: str) -> ScoreRecord:
    """The record with the event that says how it came in (api.services.provenance reads it)."""
    with store.chain_turn(session) as chain:
        record = chain.append_score(new)
        chain.append(SUBMITTED_EVENT, record.id, {"record": record.id, "via": via}, new.actor)
    return record


def score_for_record(
    session: Session, actor: Actor, version: tuple, ref: dict, period: str, data: dict, body=None
) -> tuple[dict, Result]:
    """The data as it is scored (with what the service fills from earlier records) and its
    result, or the score's problems as a 422: a single score and a stage's step alike.
    `version` is (ruleset id, number, loaded ruleset); a relative ruleset's reference batch
    is the one `body` names, else the one published for the period (a stage names none)."""
    ruleset_id, number, ruleset = version
    wrong = kind_problem(ruleset.model, period)
    if wrong:
        raise ApiProblem(422, "Bad period", wrong, [{"field": "period", "message": wrong}])
    try:
        data, filled = fill_submission(session, ruleset.model, ruleset_id, ref["id"], period, data)
    except FillRefused as refused:
        problem = {"field": f"data.{refused.name}", "message": refused.refusal.message}
        raise ApiProblem(422, "Quarters missing", refused.refusal.message, [problem]) from None
    batch = getattr(body, "reference_batch", None)
    reference = reference_in_batch(session, actor, version, period, batch, ref["id"], data)
    try:
        result = score(ruleset, data, unit=ref, filled=filled or None, reference=reference)
    except InputError as error:
        metrics.count_score(ruleset_id, "refused")
        raise input_problem(error) from None
    return data, result


def _replay(existing: ScoreRecord, request_hash: str) -> tuple[ScoreRecord, None, bool]:
    if existing.request_hash != request_hash:
        raise ApiProblem(409, "Idempotency key reused", say("detail.idempotency"))
    return existing, None, False
