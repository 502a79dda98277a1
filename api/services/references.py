"""The reference batch a single unit's relative indicators are compared with: a stored
batch of the same ruleset version named by the request, or else the batch published as
the reference of the ruleset and period. Its units' own values and statuses are read
from their stored results (each records its own value in its reference)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import InputError, LoadedRuleset
from engine.decimals import parse_exact
from engine.inputs import validate_input
from engine.messages import say
from engine.relative import Own, own_values, place_among
from engine.result import Reference

from .. import scope, store
from ..auth import Actor
from ..batches import batch_name
from ..catalog import loaded
from ..problems import ApiProblem
from ..tables import AuditEvent, Batch, ScoreRecord
from .batch_results import require_finished

PUBLISHED = "reference.published"


def _subject(ruleset_id: str, period: str) -> str:
    return f"{ruleset_id}/{period}"


def published_event(session: Session, ruleset_id: str, period: str) -> AuditEvent | None:
    """The latest publication of a reference batch for the ruleset and period: the one in force."""
    query = select(AuditEvent).where(AuditEvent.kind == PUBLISHED, AuditEvent.subject == _subject(ruleset_id, period))
    return session.scalars(query.order_by(AuditEvent.seq.desc()).limit(1)).first()


def publish_reference(session: Session, actor: Actor, batch_id: str) -> AuditEvent:
    """Make a finished batch of a relative ruleset the reference of its ruleset and period,
    in place of the one published before (named in the event)."""
    with store.chain_turn(session) as chain:
        batch = scope.batch(session, actor, batch_id)
        require_finished(batch)
        version = store.get_version(session, batch.ruleset_id, batch.version)
        if not loaded(version).model.relative_indicators():
            message = say("relative.reference_not_needed")
            raise ApiProblem(422, "No reference needed", message, [{"field": "batch", "message": message}])
        before = published_event(session, batch.ruleset_id, batch.period)
        data = {
            "batch": batch.id,
            "version": batch.version,
            "period": batch.period,
            "name": batch_name(batch),
            "replaces": before.data["batch"] if before is not None else None,
        }
        chain.append(PUBLISHED, _subject(batch.ruleset_id, batch.period), data, actor)
    return published_event(session, batch.ruleset_id, batch.period)


def _published_batch(session: Session, ruleset_id: str, version: int, period: str) -> Batch | None:
    """The published reference batch of the period, refused when scored under another version."""
    event = published_event(session, ruleset_id, period)
    if event is None:
        return None
    if event.data["version"] != version:
        message = say(
            "relative.published_other_version", batch=event.data["name"], used=event.data["version"], version=version
        )
        raise ApiProblem(422, "Not a reference batch", message, [{"field": "reference_batch", "message": message}])
    return session.get(Batch, event.data["batch"])


def reference_in_batch(
    session: Session,
    actor: Actor,
    version: tuple[str, int, LoadedRuleset],
    period: str,
    batch_id: str | None,
    unit_id: str,
    data: dict,
) -> Reference | None:
    """The unit's reference among a stored batch (it takes its own row's place there),
    or None when the ruleset has no relative indicator. A relative ruleset with neither a
    batch named nor one published for the period is refused by the engine (needs_reference)."""
    ruleset_id, number, ruleset = version
    model = ruleset.model
    if not model.relative_indicators():
        if batch_id is not None:
            message = say("relative.reference_not_needed")
            raise ApiProblem(422, "No reference needed", message, [{"field": "reference_batch", "message": message}])
        return None
    if batch_id is None:
        batch = _published_batch(session, ruleset_id, number, period)
        if batch is None:
            return None
        name = say("relative.published_name", name=batch_name(batch), period=period)
    else:
        batch = scope.batch(session, actor, batch_id)
        if (batch.ruleset_id, batch.version) != (ruleset_id, number):
            message = say("relative.batch_not_found", batch=batch_id)
            raise ApiProblem(422, "Not a reference batch", message, [{"field": "reference_batch", "message": message}])
        require_finished(batch)
        name = batch_name(batch)
    try:
        own = own_values(model, validate_input(model, data), unit_id)
    except InputError:
        return None  # the engine refuses the data with every problem
    query = select(ScoreRecord.unit_id, ScoreRecord.status, ScoreRecord.result).where(ScoreRecord.batch_id == batch.id)
    query = query.order_by(ScoreRecord.batch_row)
    peers = {unit: _own(unit, status, result) for unit, status, result in session.execute(query)}
    return place_among(model, name, peers, own)


def _own(unit_id: str, status: str, result: dict) -> Own:
    reference = result.get("reference") or {}
    values = {name: parse_exact(found["value"]) for name, found in reference.get("indicators", {}).items()}
    return Own(unit_id, values, status == "disqualified")
