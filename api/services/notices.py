"""Public notices (公示) of results (docs/notices.md): creating one for a batch or a
subtree, which snapshots the listed units' current records into a chained event; closing
it once its period is over and no objection is open; reading notices with the finality of
each listed unit. Objections live in api.services.objections."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.messages import listing, say
from engine.tabular import UNWRITABLE

from .. import scope, store
from ..auth import Actor
from ..problems import ApiProblem
from ..schemas import NoticeIn
from ..tables import AuditEvent, CurrentScore, ScoreRecord, Unit
from . import notice_ledger as ledger
from . import stages as staging
from .batch_results import require_finished
from .versions import period_problem
from .workdays import closing_day, today

MAX_DAYS = 366  # how far ahead a notice may open, and how long its period may be


def _unprocessable(field: str, message: str) -> ApiProblem:
    return ApiProblem(422, "Bad notice", message, [{"field": field, "message": message}])


def _unknown(notice_id: str) -> ApiProblem:
    return ApiProblem(404, "Unknown notice", say("notice.unknown", id=notice_id))


def _coverage(session: Session, actor: Actor, body: NoticeIn) -> tuple[Unit | None, str, str, str | None]:
    """The subtree, ruleset and period a notice covers: a finished batch's, or those given."""
    subtree = (body.unit, body.ruleset, body.period)
    if body.batch is not None:
        if any(subtree):
            raise _unprocessable("batch", say("notice.batch_or_subtree"))
        batch = scope.batch(session, actor, body.batch)
        root = session.get(Unit, batch.unit_code) if batch.unit_code else None
        if not scope.covers(actor.paths("admin"), root.path if root else None):
            raise ApiProblem(404, "Unknown batch", say("detail.unknown_batch", id=body.batch))
        require_finished(batch)
        return root, batch.ruleset_id, batch.period, batch.id
    missing = [name for name, value in zip(("unit", "ruleset", "period"), subtree, strict=True) if not value]
    if missing:
        errors = [{"field": f, "message": say("notice.subtree_needs", field=f)} for f in missing]
        raise ApiProblem(422, "Bad notice", "; ".join(e["message"] for e in errors), errors)
    problem = period_problem(body.period)
    if problem:
        raise _unprocessable("period", problem)
    root = scope.unit(session, actor, body.unit, "admin", field="unit")
    store.get_ruleset(session, body.ruleset)
    return root, body.ruleset, body.period, None


def _refuse_unprintable(body: NoticeIn) -> None:
    """Every printed text of the notice must say something, and in characters a Word
    document can hold (the notice is kept for good, so its file must always be made)."""
    errors = []
    for name in ("title", "issuer", "contact", "text"):
        value, field = getattr(body, name), say(f"notice.field.{name}")
        if not value.strip():
            errors.append({"field": name, "message": say("notice.blank", field=field)})
        elif UNWRITABLE.search(value):
            errors.append({"field": name, "message": say("notice.unprintable", field=field)})
    if errors:
        raise ApiProblem(422, "Bad notice", "; ".join(e["message"] for e in errors), errors)


def _dates(body: NoticeIn) -> tuple[date, date]:
    """The notice period. A date mistyped years ahead is refused: its units would stay in a
    notice that cannot be closed, and listed in no other, until then."""
    if (body.closes is None) == (body.working_days is None):
        raise _unprocessable("closes", say("notice.closes_or_days"))
    if (body.opens - today()).days > MAX_DAYS:
        raise _unprocessable("opens", say("notice.opens_too_far", opens=body.opens, days=MAX_DAYS))
    closes = body.closes or closing_day(body.opens, body.working_days)
    if closes < body.opens:
        raise _unprocessable("closes", say("notice.closes_before_opens", opens=body.opens, closes=closes))
    if (closes - body.opens).days > MAX_DAYS:
        raise _unprocessable("closes", say("notice.closes_too_far", opens=body.opens, closes=closes, days=MAX_DAYS))
    return body.opens, closes


def _snapshot(session: Session, ruleset_id: str, period: str, root: Unit | None, batch_id: str | None):
    """The current records of the listed units, in the order of the tree."""
    query = (
        select(ScoreRecord, Unit.name)
        .join(CurrentScore, CurrentScore.record_id == ScoreRecord.id)
        .join(Unit, Unit.code == ScoreRecord.unit_id)
        .where(ScoreRecord.ruleset_id == ruleset_id, ScoreRecord.period == period)
    )
    if root is not None:
        query = query.where(scope.under(Unit.path, [root.path]))
    if batch_id is not None:
        query = query.where(
            ScoreRecord.unit_id.in_(select(ScoreRecord.unit_id).where(ScoreRecord.batch_id == batch_id))
        )
    return list(session.execute(query.order_by(Unit.path)))


def _row(session: Session, titles: dict[int, dict[str, str]], record: ScoreRecord, name: str) -> dict[str, Any]:
    if record.version not in titles:
        model = store.compiled_version(session, store.version_key(session, record.ruleset_id, record.version)).model
        titles[record.version] = {g.id: g.title for g in model.grades}
    grade_title = titles[record.version].get(record.grade or "")
    return {
        "unit": record.unit_id,
        "name": name,
        "record": record.id,
        "version": record.version,
        "grade": record.grade,
        "grade_title": grade_title,
        "total": record.total,
    }


def _unlistable(session: Session, ruleset_id: str, period: str, rows: list[dict[str, Any]]) -> list[str]:
    """Why units cannot be listed: already in a notice, an upheld objection not yet
    re-reviewed, or stages begun and not all taken (a unit scored outside the stages of
    its ruleset, by a batch or a single score, has none)."""
    notices = ledger.of_period(session, ruleset_id, period)
    steps = staging.steps_of_period(session, ruleset_id, period)
    stages = {}
    reasons = []
    for row in rows:
        state, _ = ledger.status(notices, row["unit"], row["record"])
        if state != "not_noticed":
            reasons.append(say("notice.unit_not_listable", unit=row["name"], status=say(f"finality.{state}")))
            continue
        if row["version"] not in stages:
            key = store.version_key(session, ruleset_id, row["version"])
            stages[row["version"]] = store.compiled_version(session, key).model.stages
        taken = steps.get(row["unit"])
        if taken and staging.due_index(stages[row["version"]], taken) != len(stages[row["version"]]):
            reasons.append(say("notice.unit_in_stages", unit=row["name"]))
    return reasons


def create(session: Session, actor: Actor, body: NoticeIn) -> str:
    """Snapshot the listed units' current records into a chained notice; its id."""
    _refuse_unprintable(body)
    root, ruleset_id, period, batch_id = _coverage(session, actor, body)
    opens, closes = _dates(body)
    notice_id = uuid.uuid4().hex[:12]
    with store.chain_turn(session) as chain:
        titles: dict[int, dict[str, str]] = {}
        rows = [
            _row(session, titles, record, name)
            for record, name in _snapshot(session, ruleset_id, period, root, batch_id)
        ]
        if not rows:
            raise ApiProblem(409, "Nothing to notice", say("notice.empty", ruleset=ruleset_id, period=period))
        refused = _unlistable(session, ruleset_id, period, rows)
        if refused:
            raise ApiProblem(409, "Not listable", "; ".join(refused))
        data = {
            "id": notice_id,
            "ruleset": ruleset_id,
            "period": period,
            "unit": root.code if root else None,
            "batch": batch_id,
            "title": body.title.strip(),
            "issuer": body.issuer.strip(),
            "contact": body.contact.strip(),
            "text": body.text.strip(),
            "opens": opens.isoformat(),
            "closes": closes.isoformat(),
            "working_days": body.working_days,
            "show_total": body.show_total,
            "units": rows,
        }
        chain.append(ledger.NOTICE, ledger.subject(ruleset_id, period, notice_id), data, actor)
    return notice_id


def visible(session: Session, actor: Actor, notice_id: str, *roles: str) -> ledger.NoticeState:
    """The notice, when its subtree lies in the actor's (with one of the roles); 404 else."""
    state = ledger.one(session, notice_id)
    if state is None:
        raise _unknown(notice_id)
    if not _sees(session, actor, state.data, *roles):
        raise _unknown(notice_id)
    return state


def _sees(session: Session, actor: Actor, data: dict[str, Any], *roles: str) -> bool:
    root = session.get(Unit, data["unit"]) if data["unit"] else None
    return scope.covers(actor.paths(*roles), root.path if root else None)


def closable_from(data: dict[str, Any]) -> date:
    """The first day a notice may be closed: the day after the last of its period."""
    return date.fromisoformat(data["closes"]) + timedelta(days=1)


def period_over(data: dict[str, Any]) -> bool:
    """Whether the notice's period has ended, so that it may be closed (a page offers it then)."""
    return today() >= closable_from(data)


def close(session: Session, actor: Actor, notice_id: str) -> None:
    """Close a notice whose last day has passed and whose objections are all resolved."""
    with store.chain_turn(session) as chain:
        state = visible(session, actor, notice_id, "admin")
        if state.closed is not None:
            raise ApiProblem(409, "Notice closed", say("notice.already_closed", id=notice_id))
        if not period_over(state.data):
            raise ApiProblem(409, "Notice open", say("notice.not_over", closes=state.data["closes"]))
        still = state.open_objections()
        if still:
            names = listing(f"{o.data['objection']} ({_name(state, o.data['unit'])})" for o in still)
            raise ApiProblem(409, "Objections open", say("notice.objections_open", objections=names))
        closed = {"id": notice_id, "closed_on": today().isoformat()}
        chain.append(ledger.CLOSED, state.event.subject, closed, actor)


def _name(state: ledger.NoticeState, unit: str) -> str:
    return (state.listed(unit) or {"name": unit})["name"]


def view(session: Session, state: ledger.NoticeState) -> dict[str, Any]:
    """A notice as the API shows it: its fields, its objections, each unit's finality."""
    data = state.data
    notices = ledger.of_period(session, data["ruleset"], data["period"])
    of_period = select(CurrentScore.unit_id, CurrentScore.record_id).where(
        CurrentScore.ruleset_id == data["ruleset"], CurrentScore.period == data["period"]
    )
    currents = {unit: record for unit, record in session.execute(of_period)}
    units = []
    for row in data["units"]:
        current = currents.get(row["unit"])
        finality, _ = ledger.status(notices, row["unit"], current)
        units.append({**row, "current": current, "finality": finality, "finality_title": say(f"finality.{finality}")})
    return {**_summary(state), "units": units, "objections": [_objection(state, o) for o in state.objections.values()]}


def phase(data: dict[str, Any], closed: bool) -> str:
    """Where a notice stands today: pending (before its first day), open, over (its last
    day has passed but no one has closed it yet) or closed."""
    if closed:
        return "closed"
    day = today().isoformat()
    return "pending" if day < data["opens"] else "over" if day > data["closes"] else "open"


def _summary(state: ledger.NoticeState) -> dict[str, Any]:
    stage = phase(state.data, state.closed is not None)
    return {
        **{k: v for k, v in state.data.items() if k != "units"},
        "phase": stage,
        "phase_title": say(f"notice.phase.{stage}"),
        "count": len(state.data["units"]),
        "created_by": state.event.actor,
        "created_at": state.event.created_at,
        "closed": state.closed is not None,
        "closed_on": state.closed.data["closed_on"] if state.closed else None,
        "open_objections": len(state.open_objections()),
    }


def _objection(state: ledger.NoticeState, event) -> dict[str, Any]:
    resolution = state.resolutions.get(event.data["objection"])
    return {
        **{k: event.data[k] for k in ("objection", "unit", "objector", "contact", "text", "received")},
        "unit_name": _name(state, event.data["unit"]),
        "recorded_by": event.actor,
        "outcome": resolution.data["outcome"] if resolution else None,
        "reason": resolution.data["reason"] if resolution else None,
        "resolved_by": resolution.actor if resolution else None,
        "reopened": resolution.data["reopened"] if resolution else None,
    }


def listed(session: Session, actor: Actor, ruleset_id: str | None, period: str | None) -> list[dict[str, Any]]:
    """The notices the actor may see, newest first, without their unit lists."""
    shown = []
    query = select(AuditEvent).where(AuditEvent.kind == ledger.NOTICE).order_by(AuditEvent.seq.desc())
    for event in session.scalars(query):
        data = event.data
        wanted = ruleset_id in (None, data["ruleset"]) and period in (None, data["period"])
        if wanted and _sees(session, actor, data):
            state = ledger.one(session, data["id"])
            assert state is not None
            shown.append(_summary(state))
    return shown
