"""Objections (异议) to a public notice (docs/notices.md): recorded by staff for the
objector during the notice period against a listed unit, and resolved once: dismissed
with a reason, or upheld, which sends the unit back to review (through its stages when
the ruleset has them). Each is a chained event in the notice's subject."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.orm import Session

from engine.messages import say

from .. import store
from ..auth import Actor
from ..problems import ApiProblem
from ..schemas import ObjectionIn, ResolutionIn
from ..tables import Unit
from . import notice_ledger as ledger
from . import stages as staging
from .notices import visible
from .workdays import today


def _unprocessable(field: str, message: str) -> ApiProblem:
    return ApiProblem(422, "Bad objection", message, [{"field": field, "message": message}])


def record(session: Session, actor: Actor, notice_id: str, body: ObjectionIn) -> str:
    """Record an objection received during the notice period; its id."""
    for name in ("contact", "text"):
        if not getattr(body, name).strip():
            raise _unprocessable(name, say("objection.blank", field=say(f"objection.field.{name}")))
    received = body.received or today()
    if received > today():
        raise _unprocessable("received", say("objection.in_future", received=received))
    objection_id = uuid.uuid4().hex[:12]
    with store.chain_turn(session) as chain:
        state = visible(session, actor, notice_id, "admin")
        opens, closes = date.fromisoformat(state.data["opens"]), date.fromisoformat(state.data["closes"])
        if state.closed is not None or not opens <= received <= closes:
            message = say("objection.outside_period", received=received, opens=opens, closes=closes)
            raise ApiProblem(409, "Outside notice period", message, [{"field": "received", "message": message}])
        if state.listed(body.unit) is None:
            message = say("objection.unit_not_listed", unit=body.unit)
            raise ApiProblem(422, "Bad objection", message, [{"field": "unit", "message": message}])
        data = {
            "notice": notice_id,
            "objection": objection_id,
            "unit": body.unit,
            "objector": (body.objector or "").strip() or None,
            "contact": body.contact.strip(),
            "text": body.text.strip(),
            "received": received.isoformat(),
        }
        chain.append(ledger.OBJECTION, state.event.subject, data, actor)
    return objection_id


def resolve(session: Session, actor: Actor, notice_id: str, objection_id: str, body: ResolutionIn) -> None:
    """Resolve an open objection once. Upheld: a unit with stages is sent back to its
    review stage in the same turn of the chain; without stages its result stays not
    final until a corrected score supersedes it and a new notice lists that."""
    reason = body.reason.strip()
    if not reason:
        raise _unprocessable("reason", say("objection.reason_needed"))
    with store.chain_turn(session) as chain:
        state = visible(session, actor, notice_id, "admin")
        objection = state.objections.get(objection_id)
        if objection is None:
            raise ApiProblem(404, "Unknown objection", say("objection.unknown", id=objection_id, notice=notice_id))
        if objection_id in state.resolutions:
            done = state.resolutions[objection_id].data["outcome"]
            raise ApiProblem(
                409, "Already resolved", say("objection.resolved_before", outcome=say(f"objection.{done}"))
            )
        reopened = None
        if body.outcome == "upheld":
            reopened = _send_back(chain, actor, state, objection.data["unit"], reason, objection_id)
        data = {
            "notice": notice_id,
            "objection": objection_id,
            "unit": objection.data["unit"],
            "outcome": body.outcome,
            "reason": reason,
            "reopened": reopened,
        }
        chain.append(ledger.RESOLVED, state.event.subject, data, actor)


def _send_back(chain: store.Chain, actor: Actor, state: ledger.NoticeState, code: str, reason: str, cause: str):
    """The stage event that returns the unit to review, when it went through stages that
    are finished (a unit scored outside them, or already back in review, has none)."""
    data, session = state.data, chain.session
    row = state.listed(code)
    assert row is not None
    stages = store.compiled_version(session, store.version_key(session, data["ruleset"], row["version"])).model.stages
    steps = staging.steps_of(session, data["ruleset"], code, data["period"])
    if not stages or not steps or staging.due_index(stages, steps) != len(stages):
        return None
    unit = session.get(Unit, code)  # a notice lists units of the tree, which are never removed
    assert unit is not None
    return staging.reopen(chain, actor, data["ruleset"], unit, data["period"], reason, cause)["id"]
