"""Persistence of rulesets, versions and score records; the audit chain lives here.

A score record is written once: its `record_hash` is the SHA-256 of its canonical
JSON, which includes the previous record's hash, so changing or removing any record
breaks every link after it. Administrative events (api.tables.AuditEvent) take their
places in the same chain. Appends are serialized by locking the chain's head row
(on SQLite, which has no row locks, by taking the database's write lock at once).
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import threading
import time
import uuid
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar

import orjson
from sqlalchemy import Select, bindparam, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from engine import LoadedRuleset
from engine.messages import say
from engine.points_loader import LoadedPoints

from .auth import Actor
from .catalog import any_compiled, compiled
from .db import WRITE_AT_ONCE, JsonText
from .problems import ApiProblem
from .recordhash import EVENT_FIELDS, GENESIS, HASHED_FIELDS, canonical, hash_fields
from .tables import AuditEvent, ChainHead, CurrentScore, RulesetRow, RulesetVersionRow, ScoreRecord


class _AppendQueue:
    """Mutual exclusion of appends across threads (a lock) and processes (flock)."""

    def __init__(self, path: str):
        self._threads = threading.Lock()
        self._file = open(path, "a+b")  # noqa: SIM115 - held for the life of the process

    def acquire(self) -> None:
        self._threads.acquire()
        fcntl.flock(self._file, fcntl.LOCK_EX)

    def release(self) -> None:
        fcntl.flock(self._file, fcntl.LOCK_UN)
        self._threads.release()


_queues: dict[str, _AppendQueue] = {}
_queues_lock = threading.Lock()


def _sqlite_queue(session: Session) -> _AppendQueue:
    path = f"{session.get_bind().url.database}.append-lock"
    with _queues_lock:
        if path not in _queues:
            _queues[path] = _AppendQueue(path)
        return _queues[path]


def now() -> datetime:
    return datetime.now(UTC)


def timestamp(moment: datetime) -> str:
    """A moment as RFC 3339 in UTC with `Z`, to the microsecond: the one form of every
    time the service writes as text (a record's `created_at` is hashed as written)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record_hash(record: ScoreRecord) -> str:
    return hash_fields({f: getattr(record, f) for f in HASHED_FIELDS})


def record_fields(record: ScoreRecord) -> dict[str, Any]:
    """The record exactly as it was hashed, with its hash."""
    return {**{f: getattr(record, f) for f in HASHED_FIELDS}, "record_hash": record.record_hash}


def begin_writing(session: Session) -> None:
    """Start a transaction that will write. On SQLite it takes the write lock at once:
    a transaction that reads and then writes would otherwise fail at once ("database
    is locked") when another writer is busy, instead of waiting its turn."""
    if session.get_bind().dialect.name == "sqlite":
        session.commit()
        session.connection(execution_options={WRITE_AT_ONCE: True})


T = TypeVar("T")
BUSY_ATTEMPTS = 5  # each waits up to the busy timeout; between them 0.05 s, doubling


def writing(session: Session, work: Callable[[], T]) -> T:
    """Run `work` in a transaction begun as a write, and commit it. On SQLite the
    transaction queues with the appenders (see append_scores), and when the database is
    still busy it is tried again after a bounded backoff: a write that only lost a race
    for the lock is not failed."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    delay, attempts = 0.05, BUSY_ATTEMPTS
    while True:
        attempts -= 1
        if sqlite:
            _sqlite_queue(session).acquire()
        try:
            begin_writing(session)
            result = work()
            session.commit()
            return result
        except OperationalError as error:
            session.rollback()
            if not (sqlite and _busy(error)) or attempts == 0:
                raise
        except BaseException:
            session.rollback()
            raise
        finally:
            if sqlite:
                _sqlite_queue(session).release()
        time.sleep(delay)
        delay *= 2


def _busy(error: OperationalError) -> bool:
    """Whether SQLite refused for a lock held elsewhere (SQLITE_BUSY or SQLITE_LOCKED)."""
    code = getattr(error.orig, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


# ---------------------------------------------------------------- rulesets


def get_ruleset(session: Session, ruleset_id: str) -> RulesetRow:
    row = session.get(RulesetRow, ruleset_id)
    if row is None:
        raise ApiProblem(404, "Unknown ruleset", say("detail.unknown_ruleset", id=ruleset_id))
    return row


def get_version(session: Session, ruleset_id: str, number: int) -> RulesetVersionRow:
    get_ruleset(session, ruleset_id)
    row = session.scalars(
        select(RulesetVersionRow).where(RulesetVersionRow.ruleset_id == ruleset_id, RulesetVersionRow.number == number)
    ).first()
    if row is None:
        raise ApiProblem(404, "Unknown version", say("detail.unknown_version", ruleset=ruleset_id, number=number))
    return row


class VersionKey(NamedTuple):
    """What names a compiled version: versions never change, so this is all a score
    needs to read of one once its process has compiled it."""

    ruleset_id: str
    number: int
    content_hash: str


# prebuilt once: building and caching a statement per request costs more than running it
_NUMBERED = select(RulesetVersionRow.number, RulesetVersionRow.content_hash).where(
    RulesetVersionRow.ruleset_id == bindparam("ruleset"), RulesetVersionRow.number == bindparam("number")
)
_TEXT = select(RulesetVersionRow.text).where(
    RulesetVersionRow.ruleset_id == bindparam("ruleset"), RulesetVersionRow.number == bindparam("number")
)


def version_key(session: Session, ruleset_id: str, number: int) -> VersionKey:
    """What names a stored version, in one query."""
    row = session.connection().execute(_NUMBERED, {"ruleset": ruleset_id, "number": number}).first()
    if row is None:
        get_ruleset(session, ruleset_id)  # 404 for an unknown ruleset
        raise ApiProblem(404, "Unknown version", say("detail.unknown_version", ruleset=ruleset_id, number=number))
    return VersionKey(ruleset_id, row.number, row.content_hash)


def compiled_version(session: Session, key: VersionKey) -> LoadedRuleset:
    """The compiled ruleset of a version; its text is read only when this process has
    not compiled it yet."""
    return compiled(key, _text_of(session, key))


def _text_of(session: Session, key: VersionKey) -> Callable[[], str]:
    return lambda: session.connection().execute(_TEXT, {"ruleset": key[0], "number": key[1]}).scalar_one()


def list_rulesets(session: Session) -> list[RulesetRow]:
    return list(session.scalars(select(RulesetRow).order_by(RulesetRow.id)))


def scoring_rulesets(session: Session) -> list[RulesetRow]:
    """The rulesets that score units: member points rulesets (docs/member-points.md) left out."""
    rows = []
    for row in list_rulesets(session):
        key = version_key(session, row.id, row.latest_version)
        if not isinstance(any_compiled(key, _text_of(session, key)), LoadedPoints):
            rows.append(row)
    return rows


def list_versions(session: Session, ruleset_id: str) -> list[RulesetVersionRow]:
    return list(
        session.scalars(
            select(RulesetVersionRow)
            .where(RulesetVersionRow.ruleset_id == ruleset_id)
            .order_by(RulesetVersionRow.number)
        )
    )


class Chain:
    """The chain during one writer's turn: events appended here commit together with the
    changes they record, in the transaction chain_turn began."""

    def __init__(self, session: Session):
        self.session = session

    def append(self, kind: str, subject: str, data: dict[str, Any], actor: Actor) -> dict[str, Any]:
        return self.append_all(kind, [(subject, data)], actor)[0]

    def append_all(self, kind: str, events: list[tuple[str, dict[str, Any]]], actor: Actor) -> list[dict[str, Any]]:
        """Events (subject, data) of one kind at the head, in order: one insert for all."""
        if not events:
            return []
        connection = self.session.connection()
        seq, previous = connection.execute(_HEAD).one()
        moment, rows = now().isoformat(), []
        for subject, data in events:
            seq += 1
            row = {
                "seq": seq,
                "id": str(uuid.uuid4()),
                "kind": kind,
                "subject": subject,
                "data": json.loads(canonical(data)),
                "actor": actor.label,
                "created_at": moment,
                "prev_hash": previous,
            }
            row["record_hash"] = previous = hash_fields({f: row[f] for f in EVENT_FIELDS})
            rows.append(row)
        connection.execute(_EVENT_INSERT, rows)
        connection.execute(_ADVANCE, {"seq": seq, "hash": previous})
        return rows

    def append_score(self, new: NewScore) -> ScoreRecord:
        """A score record at the head, in this turn (a stage writes its record and the
        event naming it together); it becomes the one that counts, as append_scores does."""
        row = _unchained_fields(new)
        connection = self.session.connection()
        seq, previous = connection.execute(_HEAD).one()
        _chain(row, seq + 1, previous)
        connection.execute(_INSERT, [{**row, "result": JsonText(new.result_json)}])
        _make_current(connection, [row])
        connection.execute(_ADVANCE, {"seq": row["seq"], "hash": row["record_hash"]})
        record = ScoreRecord(**row)
        _after(self, [new], [record])
        return record


@contextmanager
def chain_turn(session: Session) -> Iterator[Chain]:
    """A writing transaction that holds the chain's turn (the same queue score appends
    wait in); it commits when the block ends and leaves nothing behind when it fails.
    A unique constraint broken at the commit is a 409."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        _sqlite_queue(session).acquire()
    try:
        begin_writing(session)
        session.connection().execute(_HEAD).one()  # the head is locked from here on
        yield Chain(session)
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiProblem(409, "Conflict", say("detail.conflict")) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        if sqlite:
            _sqlite_queue(session).release()


# ---------------------------------------------------------------- score records


@dataclass
class NewScore:
    """What the service knows about a score before it is written; the result comes as
    the JSON the engine made of it, stored as it is and parsed once, for the hash."""

    ruleset: LoadedRuleset
    version: int
    unit_id: str
    unit_name: str | None
    unit_parent: str | None
    period: str
    submitted: dict
    result_json: str
    actor: Actor
    supersedes: str | None = None
    batch_id: str | None = None
    batch_row: int | None = None
    idempotency_key: str | None = None
    request_hash: str | None = None
    # run in the transaction that writes the record, after it: what it appends to the
    # chain (the rectification items the record opens) is written with it or not at all
    after: Callable[[Chain, ScoreRecord], None] | None = None


def _after(chain: Chain, scores: list[NewScore], records: list[ScoreRecord]) -> None:
    for new, record in zip(scores, records, strict=True):
        if new.after is not None:
            new.after(chain, record)


def find_idempotent(session: Session, actor: Actor, key: str) -> ScoreRecord | None:
    return session.scalars(
        select(ScoreRecord).where(ScoreRecord.actor_token_id == actor.token_id, ScoreRecord.idempotency_key == key)
    ).first()


def get_score(session: Session, score_id: str) -> ScoreRecord:
    record = session.scalars(select(ScoreRecord).where(ScoreRecord.id == score_id)).first()
    if record is None:
        raise ApiProblem(404, "Unknown score", say("detail.unknown_score", id=score_id))
    return record


_HEAD = select(ChainHead.last_seq, ChainHead.last_hash).where(ChainHead.id == 1).with_for_update()
_ADVANCE = update(ChainHead).where(ChainHead.id == 1).values(last_seq=bindparam("seq"), last_hash=bindparam("hash"))
_INSERT = insert(ScoreRecord.__table__)
_EVENT_INSERT = insert(AuditEvent.__table__)
_CURRENT_INSERT = insert(CurrentScore.__table__)
_CURRENT_DELETE = delete(CurrentScore).where(
    CurrentScore.ruleset_id == bindparam("c_ruleset"),
    CurrentScore.unit_id == bindparam("c_unit"),
    CurrentScore.period == bindparam("c_period"),
)


def append_scores(
    session: Session,
    scores: list[NewScore],
    guard: Callable[[], None] | None = None,
    after: Callable[[Chain, list[ScoreRecord]], None] | None = None,
) -> list[ScoreRecord]:
    """Write score records at the end of the chain, all or none. The records returned
    are not attached to the session: they are what was written, for the response.
    `guard` runs first in the same transaction; what it raises writes nothing (a batch
    checks there that it still holds its lease). Each score's `after` runs last in it,
    then `after` with all the records (a batch opens their rectification items at once).

    Appenders take turns, so all that does not depend on the chain's head is prepared
    before taking a turn: a shorter turn is a shorter queue."""
    rows = [_unchained_fields(new) for new in scores]
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:
        # appenders queue on a file lock beside the database (SQLite's own busy wait
        # sleeps in coarse steps); the transaction then takes the write lock at once
        _sqlite_queue(session).acquire()
    try:
        begin_writing(session)
        if guard is not None:
            guard()
        connection = session.connection()
        seq, previous = connection.execute(_HEAD).one()
        for row in rows:
            seq += 1
            _chain(row, seq, previous)
            previous = row["record_hash"]
        stored = [{**row, "result": JsonText(new.result_json)} for row, new in zip(rows, scores, strict=True)]
        connection.execute(_INSERT, stored)
        _make_current(connection, rows)
        connection.execute(_ADVANCE, {"seq": seq, "hash": previous})
        records = [ScoreRecord(**row) for row in rows]
        _after(Chain(session), scores, records)
        if after is not None:
            after(Chain(session), records)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if sqlite:
            _sqlite_queue(session).release()
    return records


def _make_current(connection, rows: list[dict[str, Any]]) -> None:
    """Each new record becomes the one that counts for its unit and period: in place of
    the record it supersedes, or as the first (a second first breaks the primary key)."""
    corrections = [
        {"c_ruleset": r["ruleset_id"], "c_unit": r["unit_id"], "c_period": r["period"]} for r in rows if r["supersedes"]
    ]
    if corrections:
        connection.execute(_CURRENT_DELETE, corrections)
    connection.execute(
        _CURRENT_INSERT,
        [
            {"ruleset_id": r["ruleset_id"], "unit_id": r["unit_id"], "period": r["period"], "record_id": r["id"]}
            for r in rows
        ],
    )


class _Pending:
    """One caller's score waiting for its group to be written."""

    def __init__(self, new: NewScore):
        self.new = new
        self.record: ScoreRecord | None = None
        self.error: Exception | None = None
        self.finished = False

    def outcome(self) -> ScoreRecord:
        if self.error is not None:
            raise self.error
        assert self.record is not None
        return self.record


class _GroupCommit:
    """Single scores appended by the threads of one process, written in groups.

    Every append waits for the disk (a commit is a sync); while one group is being
    written, the scores that arrive wait and are then written together, in one
    transaction and one sync, instead of each queueing for its own turn. Each caller
    still gets its own record, or its own error."""

    def __init__(self):
        self._turn = threading.Condition()
        self._waiting: list[_Pending] = []
        self._writing = False

    def append(self, session: Session, new: NewScore) -> ScoreRecord:
        pending = _Pending(new)
        with self._turn:
            self._waiting.append(pending)
            while self._writing and not pending.finished:
                self._turn.wait()
            if pending.finished:
                return pending.outcome()
            self._writing = True  # this caller writes the group: its own score and those waiting
            group, self._waiting = self._waiting, []
        try:
            _write_group(session, group)
        finally:
            with self._turn:
                self._writing = False
                self._turn.notify_all()
        return pending.outcome()


def _write_group(session: Session, group: list[_Pending]) -> None:
    """All of the group in one transaction; when one score is refused (an idempotency
    key used at the same time by another request), each is written on its own, so that
    only the refused one fails."""
    try:
        try:
            records = append_scores(session, [p.new for p in group])
        except IntegrityError:
            if len(group) == 1:
                raise
            for pending in group:
                try:
                    [pending.record] = append_scores(session, [pending.new])
                except IntegrityError as error:
                    pending.error = error
        else:
            for pending, record in zip(group, records, strict=True):
                pending.record = record
    except Exception as error:  # every caller of the group hears of it
        for pending in group:
            if pending.record is None and pending.error is None:
                pending.error = error
    finally:
        for pending in group:
            pending.finished = True


_groups: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def append_score(session: Session, new: NewScore) -> ScoreRecord:
    """Write one score record, in a group with those other threads append meanwhile."""
    bind = session.get_bind()
    with _queues_lock:
        group = _groups.get(bind)
        if group is None:
            group = _groups[bind] = _GroupCommit()
    return group.append(session, new)


def _unchained_fields(new: NewScore) -> dict[str, Any]:
    """Every column of a new record but those its place in the chain decides."""
    result = orjson.loads(new.result_json)  # the engine's own JSON: no number orjson would misread
    return {
        "id": str(uuid.uuid4()),
        "ruleset_id": new.ruleset.id,
        "version": new.version,
        "content_hash": new.ruleset.content_hash,
        "engine_version": result["engine"]["version"],
        "unit_id": new.unit_id,
        "unit_name": new.unit_name,
        "unit_parent": new.unit_parent,
        "period": new.period,
        "input": json.loads(canonical(new.submitted)),
        "normalized": result["input"],
        "result": result,
        "total": result["total"],
        "grade": result["grade"]["id"] if result["grade"] else None,
        "status": result["status"],
        "actor": new.actor.label,
        "supersedes": new.supersedes,
        "batch_id": new.batch_id,
        "batch_row": new.batch_row,
        "actor_token_id": new.actor.token_id,
        "idempotency_key": new.idempotency_key,
        "request_hash": new.request_hash,
    }


def _chain(row: dict[str, Any], seq: int, previous: str) -> None:
    """Give a record its place at the head of the chain, its time and its hash."""
    row.update(seq=seq, prev_hash=previous, created_at=timestamp(now()))
    row["record_hash"] = hash_fields({f: row[f] for f in HASHED_FIELDS})


def list_scores(
    session: Session,
    visible: Select,
    filters: dict[str, str | None],
    superseded: bool,
    offset: int,
    limit: int,
    newest_first: bool = False,
) -> tuple[int, list[ScoreRecord]]:
    """A page of the records of `visible` (api.scope.records): current ones only unless
    `superseded`, filtered by ruleset, unit and period; oldest first unless `newest_first`."""
    query = visible
    for column, value in filters.items():
        if value:
            query = query.where(getattr(ScoreRecord, column) == value)
    if not superseded:
        query = query.join(CurrentScore, CurrentScore.record_id == ScoreRecord.id)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    order = ScoreRecord.seq.desc() if newest_first else ScoreRecord.seq
    rows = session.scalars(query.order_by(order).offset(offset).limit(limit))
    return total, list(rows)


def current_record(session: Session, ruleset_id: str, unit_id: str, period: str) -> str | None:
    """The id of the record that counts for the unit and period, if there is one."""
    return session.scalar(
        select(CurrentScore.record_id).where(
            CurrentScore.ruleset_id == ruleset_id, CurrentScore.unit_id == unit_id, CurrentScore.period == period
        )
    )


def superseded_by(session: Session, record_id: str) -> str | None:
    return session.scalar(select(ScoreRecord.id).where(ScoreRecord.supersedes == record_id))


def scores_under(session: Session, visible: Select, ruleset_id: str, version: int) -> list[ScoreRecord]:
    """The current records of `visible` scored under a version."""
    query = (
        visible.join(CurrentScore, CurrentScore.record_id == ScoreRecord.id)
        .where(ScoreRecord.ruleset_id == ruleset_id, ScoreRecord.version == version)
        .order_by(ScoreRecord.seq)
    )
    return list(session.scalars(query))


@dataclass
class ChainReport:
    records: int
    events: int
    intact: bool
    first_broken_seq: int | None = None
    problem: str | None = None


def event_hash(event: AuditEvent) -> str:
    return hash_fields({f: getattr(event, f) for f in EVENT_FIELDS})


def verify_chain(session: Session, batch: int = 1000) -> ChainReport:
    """Walk every record and event in the order of the chain, recomputing each hash and link."""
    previous, expected_seq, records, events = GENESIS, 1, 0, 0
    top = max(
        session.scalar(select(func.max(ScoreRecord.seq))) or 0, session.scalar(select(func.max(AuditEvent.seq))) or 0
    )
    while expected_seq <= top:
        window = (expected_seq, expected_seq + batch)
        links = [
            *session.scalars(select(ScoreRecord).where(ScoreRecord.seq.between(window[0], window[1] - 1))),
            *session.scalars(select(AuditEvent).where(AuditEvent.seq.between(window[0], window[1] - 1))),
        ]
        links.sort(key=lambda link: link.seq)
        for link in links:
            is_event = isinstance(link, AuditEvent)
            events, records = events + is_event, records + (not is_event)
            if link.seq != expected_seq:
                return ChainReport(records, events, False, expected_seq, f"record {expected_seq} is missing")
            if link.prev_hash != previous:
                return ChainReport(
                    records, events, False, link.seq, "its previous-hash does not match the record before it"
                )
            if (event_hash(link) if is_event else record_hash(link)) != link.record_hash:
                what = "administrative event" if is_event else "record"
                return ChainReport(
                    records,
                    events,
                    False,
                    link.seq,
                    f"the {what}'s content does not match its hash (changed after writing)",
                )
            previous, expected_seq = link.record_hash, expected_seq + 1
        if expected_seq < min(window[1], top + 1):  # a whole stretch of the chain is gone
            return ChainReport(records, events, False, expected_seq, f"record {expected_seq} is missing")
    head = session.get(ChainHead, 1)
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != previous):
        return ChainReport(records, events, False, expected_seq, "the chain's head does not point at the last record")
    return ChainReport(records, events, True)
