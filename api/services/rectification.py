"""Rectification items (docs/rectification.md): opened with the score record that warrants
them, in its transaction; reconciled when a later record supersedes it (items no longer
warranted are closed as 不再需要, new ones opened, the rest kept); marked done with the
evidence; listed per jurisdiction with their state as of the service's day; and counted,
when overdue, into an input of the unit's next submission (`from: rectification_overdue`).

The table holds each item as it stands; every change is an audit event of kind
`rectification` in the chain, so `GET /audit/verify` vouches for all of them."""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import LoadedRuleset
from engine.messages import listing, say
from engine.model import Rectification, Ruleset
from engine.rectification import openings
from engine.result import FilledInput
from engine.unit_kinds import KIND_OF

from .. import scope, store
from ..auth import Actor
from ..problems import ApiProblem
from ..tables import AuditEvent, RectificationItem, ScoreRecord, Unit
from .filling import Found
from .workdays import today  # the service's day in China: what deadlines are reckoned against

EVENT = "rectification"
STATES = ("open", "overdue", "done")  # what a listing filters by; `closed` items are kept, not listed
MAX_WITHIN = 3650


def state_of(item: RectificationItem, day: date) -> str:
    """open, overdue (open past its deadline), done or closed (不再需要)."""
    if item.state == "open" and item.due < day.isoformat():
        return "overdue"
    return item.state


def _subject(item: RectificationItem) -> str:
    return f"{item.unit_id}/{item.period}/{item.ruleset_id}"


def _place(session: Session, code: str) -> tuple[str | None, str] | None:
    unit = session.get(Unit, code)
    return None if unit is None else (unit.parent_code, unit.kind)


def _responsible(place, unit_id: str, declared: Rectification) -> str:
    """The unit that answers for the item: the unit itself, or the nearest unit above it of
    the declared kind (the unit itself when it has none above it, or is not in the tree).
    `place` gives a unit's parent code and kind (None for a unit not in the tree)."""
    if declared.responsible == "unit":
        return unit_id
    wanted = KIND_OF[declared.responsible]
    found = place(unit_id)
    while found is not None and found[0] is not None:
        code = found[0]
        found = place(code)
        if found is not None and found[1] == wanted:
            return code
    return unit_id


def _facts(item: RectificationItem, action: str) -> dict[str, Any]:
    return {"id": item.id, "action": action, "ruleset": item.ruleset_id, "unit": item.unit_id, "period": item.period}


def opener(ruleset: LoadedRuleset, actor: Actor, corrects: str | None = None):
    """What a new score record of the ruleset runs in its transaction (store.NewScore's
    `after`): None for a first record under a version without rectification items, which
    reads nothing; a record that supersedes another is reconciled even so (the record it
    replaces, under another version, may have opened some)."""
    if not ruleset.model.rectification and corrects is None:
        return None
    return functools.partial(reconcile, ruleset, actor)


def reconcile(ruleset: LoadedRuleset, actor: Actor, chain: store.Chain, record: ScoreRecord) -> None:
    """The items the new record warrants, in the chain's turn that writes it: open the new
    ones, keep those already open or done, close the open ones it no longer warrants."""
    session = chain.session
    day = today()
    warranted = {o.item.id: o for o in openings(ruleset.model, record.result, record.period)}
    standing = session.scalars(
        select(RectificationItem).where(
            RectificationItem.ruleset_id == record.ruleset_id,
            RectificationItem.unit_id == record.unit_id,
            RectificationItem.period == record.period,
            RectificationItem.state.in_(("open", "done")),
        )
    ).all()
    kept = {item.item for item in standing}
    for item in standing:
        if item.state == "open" and item.item not in warranted:
            item.state, item.closed_record = "closed", record.id
            reason = say("rectification.closed_reason", record=record.id)
            facts = {**_facts(item, "close"), "record": record.id, "reason": reason}
            chain.append(EVENT, _subject(item), facts, actor)
    place = functools.partial(_place, session)
    opened = [_opened(record, o, day, place) for key, o in warranted.items() if key not in kept]
    session.add_all(item for item, _ in opened)
    chain.append_all(EVENT, [event for _, event in opened], actor)
    session.flush()


def batch_opener(session: Session, ruleset: LoadedRuleset, actor: Actor):
    """What a batch's records run in the transaction of each chunk (store.append_scores'
    `after`): the items they warrant opened, all at once. A batch's record is the first of
    its unit and period (api.services.batch_units.admit refuses the others), so there is
    nothing to reconcile; the responsible units are found in the tree read once here.
    None for a ruleset without rectification items."""
    if not ruleset.model.rectification:
        return None
    tree = {
        code: (parent, kind) for code, parent, kind in session.execute(select(Unit.code, Unit.parent_code, Unit.kind))
    }
    return functools.partial(_open_all, ruleset, actor, tree)


def _open_all(ruleset: LoadedRuleset, actor: Actor, tree: dict, chain: store.Chain, records: list[ScoreRecord]) -> None:
    day = today()
    opened = [
        _opened(record, opening, day, tree.get)
        for record in records
        for opening in openings(ruleset.model, record.result, record.period)
    ]
    chain.session.add_all(item for item, _ in opened)
    chain.append_all(EVENT, [event for _, event in opened], actor)
    chain.session.flush()


def _opened(record: ScoreRecord, opening, day: date, place) -> tuple[RectificationItem, tuple[str, dict[str, Any]]]:
    """A new open item the record warrants, and its event (subject, facts)."""
    item = RectificationItem(
        id=str(uuid.uuid4()),
        ruleset_id=record.ruleset_id,
        version=record.version,
        item=opening.item.id,
        unit_id=record.unit_id,
        period=record.period,
        responsible=_responsible(place, record.unit_id, opening.item),
        title=opening.title,
        because=opening.because,
        opened_record=record.id,
        opened_on=day.isoformat(),
        due=(day + timedelta(days=opening.item.deadline_days)).isoformat(),
        state="open",
    )
    facts = {
        **_facts(item, "open"),
        "item": item.item,
        "version": item.version,
        "title": item.title,
        "because": item.because,
        "responsible": item.responsible,
        "record": record.id,
        "opened_on": item.opened_on,
        "due": item.due,
    }
    return item, (_subject(item), facts)


# ---------------------------------------------------------------- tracking


def get_item(session: Session, actor: Actor, item_id: str, *roles: str) -> RectificationItem:
    """An item of a unit in the actor's subtrees (404 else)."""
    found = session.scalars(scope.rectification_items(actor, *roles).where(RectificationItem.id == item_id)).first()
    if found is None:
        raise ApiProblem(404, "Unknown rectification item", say("rectification.unknown", id=item_id))
    return found


def mark_done(session: Session, actor: Actor, item_id: str, evidence: str) -> RectificationItem:
    """The item done, with the evidence, who and when, as a chained event; refused
    without evidence, for an item not open (done, or no longer needed) and out of scope."""
    text = evidence.strip()
    if not text:
        message = say("rectification.evidence_needed")
        raise ApiProblem(422, "Evidence needed", message, [{"field": "evidence", "message": message}])
    with store.chain_turn(session) as chain:
        item = get_item(session, actor, item_id, "submitter", "reviewer", "admin")
        if item.state != "open":
            state = say(f"rectification.state.{item.state}")
            raise ApiProblem(409, "Rectification closed", say("rectification.not_open", id=item.id, state=state))
        item.state, item.evidence, item.done_by, item.done_on = "done", text, actor.label, today().isoformat()
        chain.append(EVENT, _subject(item), {**_facts(item, "done"), "evidence": text, "done_on": item.done_on}, actor)
        session.flush()
    session.refresh(item)
    return item


@dataclass(frozen=True)
class Filters:
    """What a listing asks for; each left None is not filtered by."""

    under: str | None = None  # the code of a unit whose subtree is listed
    ruleset: str | None = None
    period: str | None = None
    state: str | None = None  # open, overdue or done
    within: int | None = None  # open items due within this many days, and the overdue


def _bad_filter(field: str, message: str) -> ApiProblem:
    return ApiProblem(422, "Bad filter", message, [{"field": field, "message": message}])


def listed(session: Session, actor: Actor, filters: Filters, day: date | None = None) -> list[RectificationItem]:
    """The items of the actor's subtrees that match, soonest due first; items no longer
    needed are not listed (their events stay in the chain)."""
    day = day or today()
    if filters.state is not None and filters.state not in STATES:
        raise _bad_filter("state", say("rectification.bad_state", got=filters.state))
    if filters.within is not None and not 0 <= filters.within <= MAX_WITHIN:
        raise _bad_filter("within", say("rectification.bad_within", got=filters.within))
    query = scope.rectification_items(actor)
    if filters.under:
        top = scope.unit(session, actor, filters.under, field="under")
        subtree = select(Unit.code).where(Unit.path.startswith(top.path, autoescape=True))
        query = query.where(RectificationItem.unit_id.in_(subtree))
    for column, value in ((RectificationItem.ruleset_id, filters.ruleset), (RectificationItem.period, filters.period)):
        if value:
            query = query.where(column == value)
    today_text = day.isoformat()
    if filters.state == "done":
        query = query.where(RectificationItem.state == "done")
    elif filters.state == "overdue":
        query = query.where(RectificationItem.state == "open", RectificationItem.due < today_text)
    elif filters.state == "open":
        query = query.where(RectificationItem.state == "open", RectificationItem.due >= today_text)
    else:
        query = query.where(RectificationItem.state != "closed")
    if filters.within is not None:
        last = (day + timedelta(days=filters.within)).isoformat()
        query = query.where(RectificationItem.state == "open", RectificationItem.due <= last)
    order = (RectificationItem.due, RectificationItem.unit_id, RectificationItem.item)
    return list(session.scalars(query.order_by(*order)))


def opened_by(session: Session, record_id: str) -> list[RectificationItem]:
    """The items a score record opened (whatever they have become since), soonest due first."""
    query = select(RectificationItem).where(RectificationItem.opened_record == record_id)
    return list(session.scalars(query.order_by(RectificationItem.due, RectificationItem.item)))


def days_left(item: RectificationItem, day: date) -> int:
    """Days until the deadline (negative: overdue by that many)."""
    return (date.fromisoformat(item.due) - day).days


def unit_names(session: Session, codes: set[str]) -> dict[str, str]:
    """The names of units of the tree by code (a code not in the tree names itself)."""
    if not codes:
        return {}
    rows = session.execute(select(Unit.code, Unit.name).where(Unit.code.in_(codes)))
    return {code: name for code, name in rows}


def history(session: Session, item: RectificationItem) -> list[dict[str, Any]]:
    """The item's events in the chain, oldest first: opened, done, no longer needed."""
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.kind == EVENT, AuditEvent.subject == _subject(item))
        .order_by(AuditEvent.seq)
    )
    return [
        {"action": e.data["action"], "actor": e.actor, "at": e.created_at, "event": e.id, "data": e.data}
        for e in events
        if e.data.get("id") == item.id
    ]


# ---------------------------------------------------------------- feeding the next period


def _overdue_sentence(items: list[RectificationItem], day: date) -> str:
    if not items:
        return say("detail.rectification_overdue_none", as_of=day.isoformat())
    parts = [
        say("detail.rectification_overdue_item", title=i.title, period=i.period, due=i.due, id=i.id) for i in items
    ]
    return say("detail.rectification_overdue", as_of=day.isoformat(), count=len(items), items=listing(parts))


def overdue_counts(session: Session, ruleset: Ruleset, ruleset_id: str, period: str, units: list[str]) -> Found:
    """For each `from: rectification_overdue` input, each unit's count of its items of this
    ruleset from earlier periods that are still open past their deadline, as of today."""
    names = [name for name, spec in ruleset.inputs.items() if spec.filled_from == "rectification_overdue"]
    if not names:
        return {}
    day = today()
    query = select(RectificationItem).where(
        RectificationItem.ruleset_id == ruleset_id,
        RectificationItem.state == "open",
        RectificationItem.due < day.isoformat(),
        RectificationItem.period < period,
    )
    if len(units) == 1:
        query = query.where(RectificationItem.unit_id == units[0])
    overdue: dict[str, list[RectificationItem]] = {}
    for item in session.scalars(query.order_by(RectificationItem.due, RectificationItem.id)):
        overdue.setdefault(item.unit_id, []).append(item)
    found: Found = {}
    for unit in units:
        items = overdue.get(unit, [])
        source = _overdue_sentence(items, day)
        ids = [item.id for item in items]
        found[unit] = {
            name: (len(items), FilledInput(input=name, items=ids, as_of=day.isoformat(), source=source))
            for name in names
        }
    return found


def views(session: Session, items: list[RectificationItem], day: date | None = None) -> list[dict[str, Any]]:
    """The items as the API, the CLI and the pages show them: with their state as of the
    day, the days left, and the names of their units."""
    day = day or today()
    names = unit_names(session, {i.unit_id for i in items} | {i.responsible for i in items})
    return [
        {
            "id": i.id,
            "ruleset": i.ruleset_id,
            "version": i.version,
            "item": i.item,
            "unit": i.unit_id,
            "unit_name": names.get(i.unit_id, i.unit_id),
            "period": i.period,
            "responsible": i.responsible,
            "responsible_name": names.get(i.responsible, i.responsible),
            "title": i.title,
            "because": i.because,
            "opened_record": i.opened_record,
            "opened_on": i.opened_on,
            "due": i.due,
            "state": state_of(i, day),
            "state_title": say(f"rectification.state.{state_of(i, day)}"),
            "days_left": days_left(i, day),
            "done_on": i.done_on,
            "done_by": i.done_by,
            "evidence": i.evidence,
            "closed_record": i.closed_record,
        }
        for i in items
    ]
