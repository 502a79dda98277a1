"""The reference batch a single unit's relative indicators are compared with: a stored
batch of the same ruleset version, its units' own values and statuses read from their
stored results (each records its own value in its reference)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import InputError, LoadedRuleset
from engine.decimals import parse_exact
from engine.inputs import validate_input
from engine.messages import say
from engine.relative import Own, own_values, place_among
from engine.result import Reference

from .. import scope
from ..auth import Actor
from ..batches import batch_name
from ..problems import ApiProblem
from ..tables import ScoreRecord
from .batch_results import require_finished


def reference_in_batch(
    session: Session,
    actor: Actor,
    ruleset_id: str,
    version: int,
    ruleset: LoadedRuleset,
    batch_id: str | None,
    unit_id: str,
    data: dict,
) -> Reference | None:
    """The unit's reference among a stored batch (it takes its own row's place there),
    or None when the ruleset has no relative indicator. A relative ruleset without a
    batch is refused by the engine itself (needs_reference)."""
    model = ruleset.model
    if not model.relative_indicators():
        if batch_id is not None:
            message = say("relative.reference_not_needed")
            raise ApiProblem(422, "No reference needed", message, [{"field": "reference_batch", "message": message}])
        return None
    if batch_id is None:
        return None
    batch = scope.batch(session, actor, batch_id)
    if (batch.ruleset_id, batch.version) != (ruleset_id, version):
        message = say("relative.batch_not_found", batch=batch_id)
        raise ApiProblem(422, "Not a reference batch", message, [{"field": "reference_batch", "message": message}])
    require_finished(batch)
    try:
        own = own_values(model, validate_input(model, data), unit_id)
    except InputError:
        return None  # the engine refuses the data with every problem
    query = select(ScoreRecord.unit_id, ScoreRecord.status, ScoreRecord.result).where(ScoreRecord.batch_id == batch.id)
    query = query.order_by(ScoreRecord.batch_row)
    peers = {unit: _own(unit, status, result) for unit, status, result in session.execute(query)}
    return place_among(model, batch_name(batch), peers, own)


def _own(unit_id: str, status: str, result: dict) -> Own:
    reference = result.get("reference") or {}
    values = {name: parse_exact(found["value"]) for name, found in reference.get("indicators", {}).items()}
    return Own(unit_id, values, status == "disqualified")
