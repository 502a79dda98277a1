"""Party members' events in the service (docs/member-points.md): posted one by one or
imported from a file, each checked like a submission by the member points ruleset in
force for its year, stored as a chained audit event with who posted it (and, imported,
the file and row), indexed in `member_events`. A wrong event is corrected or withdrawn by
a new chained record that names it; nothing stored is edited."""

from __future__ import annotations

import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from engine import InputError
from engine.errors import BatchFileError
from engine.events import BRANCH, DATE, KIND, MEMBER, Event, event_date, validate_event
from engine.events_file import read_events
from engine.messages import say
from engine.points_loader import LoadedPoints
from engine.pool import RowError

from .. import scope, store
from ..auth import Actor
from ..catalog import points_loaded
from ..problems import ApiProblem, input_problem
from ..tables import AuditEvent, MemberEvent, Unit
from . import workdays
from .versions import in_force

POSTED, WITHDRAWN = "points.event", "points.withdrawn"


@dataclass(frozen=True)
class Source:
    """Where an event came from: who posted it and, for an import, the file and its row."""

    actor: Actor
    file: str | None = None
    row: int | None = None


def points_version(session: Session, ruleset_id: str, year: str, field: str = DATE) -> tuple[int, LoadedPoints]:
    """The member points ruleset in force for a year, and its number (422 when none is)."""
    store.get_ruleset(session, ruleset_id)
    number = in_force(session, ruleset_id, year)
    if number is None:
        message = say("detail.no_version_in_force", ruleset=ruleset_id, period=year)
        raise ApiProblem(422, "No version in force", message, [{"field": field, "message": message}])
    return number, points_loaded(store.get_version(session, ruleset_id, number))


def _unprocessable(field: str, key: str, **params: object) -> ApiProblem:
    message = say(key, **params)
    return ApiProblem(422, "Event refused", message, [{"field": field, "message": message}])


def _year(data: Any) -> str:
    """The year an event is checked for: its date's, else the current year's ruleset
    checks it (and refuses the date with every other problem)."""
    date = event_date(data.get(DATE)) if isinstance(data, dict) else None
    return (date or workdays.today().isoformat())[:4]


def member_branch(session: Session, ruleset_id: str, member: str) -> str | None:
    """The branch a member belongs to: the one their first stored event named (a
    withdrawn one does not count)."""
    withdrawal = aliased(MemberEvent)
    query = (
        select(MemberEvent.branch)
        .outerjoin(withdrawal, withdrawal.withdraws == MemberEvent.id)
        .where(MemberEvent.ruleset_id == ruleset_id, MemberEvent.member == member)
        .where(MemberEvent.kind.is_not(None), withdrawal.id.is_(None))
    )
    return session.scalar(query.order_by(MemberEvent.seq).limit(1))


def _record(chain: store.Chain, ruleset_id: str, number: int, event: Event, source: Source, withdraws: str | None):
    """One event as a chained audit event and its index row."""
    event_id = str(uuid.uuid4())
    data = {
        "event": event_id,
        "ruleset": ruleset_id,
        "version": number,
        MEMBER: event.member,
        BRANCH: event.branch,
        DATE: event.date,
        KIND: event.kind,
        "fields": event.values,
        "file": source.file,
        "row": source.row,
        "withdraws": withdraws,
    }
    written = chain.append(POSTED, f"{ruleset_id}/{event.branch}", data, source.actor)
    row = MemberEvent(
        id=event_id,
        seq=written["seq"],
        ruleset_id=ruleset_id,
        version=number,
        member=event.member,
        branch=event.branch,
        date=event.date,
        kind=event.kind,
        withdraws=withdraws,
        posted_by=source.actor.label,
        posted_at=written["created_at"],
        source_file=source.file,
        source_row=source.row,
    )
    chain.session.add(row)
    return row


def _withdrawable(session: Session, actor: Actor, ruleset_id: str, event_id: str, field: str) -> MemberEvent:
    """A stored event of the ruleset, in the actor's subtree as a submitter, not withdrawn yet."""
    found = session.get(MemberEvent, event_id)
    if found is None or found.ruleset_id != ruleset_id or found.kind is None:
        raise ApiProblem(404, "Unknown event", say("points.unknown_event", id=event_id))
    scope.unit(session, actor, found.branch, "submitter", field=field)
    if session.scalar(select(MemberEvent.id).where(MemberEvent.withdraws == event_id)) is not None:
        message = say("points.withdrawn_already", id=event_id)
        raise ApiProblem(409, "Withdrawn already", message, [{"field": field, "message": message}])
    return found


def post_event(session: Session, actor: Actor, ruleset_id: str, data: Any, corrects: str | None = None) -> MemberEvent:
    """One event checked and stored; with `corrects`, it also withdraws that event."""
    number, ruleset = points_version(session, ruleset_id, _year(data))
    try:
        event = validate_event(ruleset.model, data)
    except InputError as error:
        raise input_problem(error) from None
    if event.branch is None:
        raise _unprocessable(BRANCH, "points.no_branch")
    scope.unit(session, actor, event.branch, "submitter", field=BRANCH)
    with store.chain_turn(session) as chain:
        if corrects is not None:
            _withdrawable(session, actor, ruleset_id, corrects, "corrects")
        belongs = member_branch(session, ruleset_id, event.member)
        if belongs is not None and belongs != event.branch:
            raise _unprocessable(BRANCH, "points.other_branch", member=event.member, branch=belongs)
        return _record(chain, ruleset_id, number, event, Source(actor), corrects)


def withdraw_event(session: Session, actor: Actor, ruleset_id: str, event_id: str, reason: str) -> MemberEvent:
    """The withdrawal of a wrongly posted event: a new chained record naming it and why."""
    if not reason.strip():
        raise _unprocessable("reason", "points.withdraw_reason")
    with store.chain_turn(session) as chain:
        old = _withdrawable(session, actor, ruleset_id, event_id, "event")
        data = {"event": str(uuid.uuid4()), "ruleset": ruleset_id, "withdraws": old.id, "reason": reason.strip()}
        written = chain.append(WITHDRAWN, f"{ruleset_id}/{old.branch}", data, actor)
        row = MemberEvent(
            id=data["event"],
            seq=written["seq"],
            ruleset_id=ruleset_id,
            version=old.version,
            member=old.member,
            branch=old.branch,
            withdraws=old.id,
            posted_by=actor.label,
            posted_at=written["created_at"],
        )
        session.add(row)
    return row


def _read_file(ruleset: LoadedPoints, filename: str, content: bytes) -> tuple[list[Event], list[RowError]]:
    name = Path(filename).name or "events.csv"
    with tempfile.TemporaryDirectory(prefix="kaoping-events-") as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return read_events(ruleset.model, path)
        except BatchFileError as error:
            message = str(error)
            raise ApiProblem(422, "Events file refused", message, [{"field": "file", "message": message}]) from None


def _row_problem(event: Event, field: str, key: str, **params: object) -> RowError:
    message = say("row.problem", row=event.row, problem=say(key, **params))
    return RowError(event.row, event.member, field, "invalid", message)  # type: ignore[arg-type]


def _placement_problems(session: Session, actor: Actor, ruleset_id: str, year: str, events: list[Event]):
    """Each row outside the year, without a branch, outside the actor's subtree, or
    naming another branch than its member's."""
    problems: list[RowError] = []
    paths = actor.paths("submitter")
    known: dict[str, str | None] = {}
    belongs: dict[str, str] = {}
    for event in events:
        if event.date[:4] != year:
            problems.append(_row_problem(event, DATE, "points.outside_year", date=event.date, year=year))
        if event.branch is None:
            problems.append(_row_problem(event, BRANCH, "points.no_branch"))
            continue
        if event.branch not in known:
            known[event.branch] = session.scalar(select(Unit.path).where(Unit.code == event.branch))
        path = known[event.branch]
        if path is None or not scope.covers(paths, path):
            problems.append(_row_problem(event, BRANCH, "detail.unknown_unit", code=event.branch))
            continue
        if event.member not in belongs:
            belongs[event.member] = member_branch(session, ruleset_id, event.member) or event.branch
        if belongs[event.member] != event.branch:
            branch = belongs[event.member]
            problems.append(_row_problem(event, BRANCH, "points.other_branch", member=event.member, branch=branch))
    return problems


def import_events(
    session: Session, actor: Actor, ruleset_id: str, year: str, filename: str, content: bytes
) -> list[MemberEvent]:
    """Every event of a file (CSV or XLSX) of the year, or none: a file with any refused
    row is refused whole, each problem with its row number."""
    if not (len(year) == 4 and year.isdigit()):
        raise _unprocessable("year", "points.bad_year", year=year)
    number, ruleset = points_version(session, ruleset_id, year, field="year")
    events, errors = _read_file(ruleset, filename, content)
    with store.chain_turn(session) as chain:
        errors += _placement_problems(session, actor, ruleset_id, year, events)
        if errors:
            rows = len({e.row for e in errors})
            items = [
                {"row": e.row, "field": e.field, "code": e.code, "message": e.message, "got": e.value} for e in errors
            ]
            raise ApiProblem(422, "Events file refused", say("points.rows_refused", rows=rows, file=filename), items)
        if not events:
            raise _unprocessable("file", "file.empty", file=filename)
        name = Path(filename).name
        return [_record(chain, ruleset_id, number, e, Source(actor, name, e.row), None) for e in events]


def stored_events(session: Session, ruleset_id: str, *where) -> list[tuple[MemberEvent, dict, str | None]]:
    """The ruleset's stored events matching `where`, oldest first, each with its chained
    data and the id of the record that withdrew it (None: it counts)."""
    withdrawal = aliased(MemberEvent)
    query = (
        select(MemberEvent, AuditEvent.data, withdrawal.id)
        .join(AuditEvent, AuditEvent.seq == MemberEvent.seq)
        .outerjoin(withdrawal, withdrawal.withdraws == MemberEvent.id)
        .where(MemberEvent.ruleset_id == ruleset_id, MemberEvent.kind.is_not(None), *where)
        .order_by(MemberEvent.seq)
    )
    return [(row, data, withdrawn) for row, data, withdrawn in session.execute(query)]
