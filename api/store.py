"""Persistence of rulesets, versions and score records; the audit chain lives here.

A score record is written once: its `record_hash` is the SHA-256 of its canonical
JSON, which includes the previous record's hash, so changing or removing any record
breaks every link after it. Appends are serialized by locking the chain's head row
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
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar

import orjson
from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from engine import LoadedRuleset

from .auth import Actor
from .catalog import compiled
from .db import WRITE_AT_ONCE, JsonText
from .problems import ApiProblem
from .recordhash import GENESIS, HASHED_FIELDS, canonical, hash_fields
from .tables import ChainHead, RulesetRow, RulesetVersionRow, ScoreRecord


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
        raise ApiProblem(404, "Unknown ruleset", f"there is no ruleset '{ruleset_id}'")
    return row


def get_version(session: Session, ruleset_id: str, number: int) -> RulesetVersionRow:
    get_ruleset(session, ruleset_id)
    row = session.scalars(
        select(RulesetVersionRow).where(RulesetVersionRow.ruleset_id == ruleset_id, RulesetVersionRow.number == number)
    ).first()
    if row is None:
        raise ApiProblem(404, "Unknown version", f"ruleset '{ruleset_id}' has no version {number}")
    return row


class VersionKey(NamedTuple):
    """What names a compiled version: versions never change, so this is all a score
    needs to read of one once its process has compiled it."""

    ruleset_id: str
    number: int
    content_hash: str


# prebuilt once: building and caching a statement per request costs more than running it
_PUBLISHED = (
    select(RulesetVersionRow.number, RulesetVersionRow.content_hash)
    .join(RulesetRow, RulesetRow.id == RulesetVersionRow.ruleset_id)
    .where(RulesetRow.id == bindparam("ruleset"), RulesetVersionRow.number == RulesetRow.published_version)
)
_NUMBERED = select(RulesetVersionRow.number, RulesetVersionRow.content_hash).where(
    RulesetVersionRow.ruleset_id == bindparam("ruleset"), RulesetVersionRow.number == bindparam("number")
)
_TEXT = select(RulesetVersionRow.text).where(
    RulesetVersionRow.ruleset_id == bindparam("ruleset"), RulesetVersionRow.number == bindparam("number")
)


def scoring_version(session: Session, ruleset_id: str, number: int | None) -> VersionKey:
    """The version a score uses: `number`, or the published one, in one query."""
    if number is None:
        row = session.connection().execute(_PUBLISHED, {"ruleset": ruleset_id}).first()
    else:
        row = session.connection().execute(_NUMBERED, {"ruleset": ruleset_id, "number": number}).first()
    if row is None:
        get_ruleset(session, ruleset_id)  # 404 for an unknown ruleset
        raise ApiProblem(404, "Unknown version", f"ruleset '{ruleset_id}' has no version {number}")
    return VersionKey(ruleset_id, row.number, row.content_hash)


def compiled_version(session: Session, key: VersionKey) -> LoadedRuleset:
    """The compiled ruleset of a version; its text is read only when this process has
    not compiled it yet."""
    return compiled(
        key, lambda: session.connection().execute(_TEXT, {"ruleset": key[0], "number": key[1]}).scalar_one()
    )


def list_rulesets(session: Session) -> list[RulesetRow]:
    return list(session.scalars(select(RulesetRow).order_by(RulesetRow.id)))


def list_versions(session: Session, ruleset_id: str) -> list[RulesetVersionRow]:
    return list(
        session.scalars(
            select(RulesetVersionRow)
            .where(RulesetVersionRow.ruleset_id == ruleset_id)
            .order_by(RulesetVersionRow.number)
        )
    )


def create_ruleset(session: Session, loaded: LoadedRuleset, actor: Actor, note: str | None = None) -> RulesetRow:
    """A new ruleset whose version 1 is published at once."""
    begin_writing(session)
    if session.get(RulesetRow, loaded.id) is not None:
        raise ApiProblem(409, "Ruleset exists", f"ruleset '{loaded.id}' exists; post a new version to change it")
    moment = now()
    row = RulesetRow(
        id=loaded.id,
        title=loaded.model.title,
        published_version=1,
        latest_version=1,
        created_at=moment,
        created_by=actor.label,
    )
    session.add(row)
    session.add(
        RulesetVersionRow(
            ruleset_id=loaded.id,
            number=1,
            text=loaded.text,
            content_hash=loaded.content_hash,
            note=note,
            created_at=moment,
            created_by=actor.label,
            published_at=moment,
            published_by=actor.label,
        )
    )
    _commit_or_conflict(session, f"ruleset '{loaded.id}' was created by someone else at the same time")
    return row


def add_version(
    session: Session, ruleset_id: str, loaded: LoadedRuleset, actor: Actor, base_version: int | None, note: str | None
) -> RulesetVersionRow:
    """A new draft version; 409 when the editor's base is not the latest version."""
    begin_writing(session)
    row = get_ruleset(session, ruleset_id)
    if loaded.id != ruleset_id:
        raise ApiProblem(
            422,
            "Ruleset id does not match",
            f"the text declares id '{loaded.id}', not '{ruleset_id}'",
            [{"path": "id", "message": f"must be '{ruleset_id}'"}],
        )
    if base_version is not None and base_version != row.latest_version:
        raise ApiProblem(
            409,
            "Edit conflict",
            f"这次修改基于第 {base_version} 版, 但最新的是第 {row.latest_version} 版;"
            " 请先查看最新版, 再在它的基础上提交",
        )
    latest = get_version(session, ruleset_id, row.latest_version)
    if latest.content_hash == loaded.content_hash:
        raise ApiProblem(
            409,
            "Nothing changed",
            f"内容与第 {latest.number} 版相同, 没有保存新版本",
            [{"path": "(ruleset)", "message": f"内容与第 {latest.number} 版相同"}],
        )
    number = row.latest_version + 1
    row.latest_version = number
    version = RulesetVersionRow(
        ruleset_id=ruleset_id,
        number=number,
        text=loaded.text,
        content_hash=loaded.content_hash,
        note=note,
        created_at=now(),
        created_by=actor.label,
    )
    session.add(version)
    _commit_or_conflict(session, f"another version of '{ruleset_id}' was saved at the same time; post again")
    return version


def publish(session: Session, ruleset_id: str, number: int, actor: Actor) -> RulesetVersionRow:
    begin_writing(session)
    version = get_version(session, ruleset_id, number)
    row = get_ruleset(session, ruleset_id)
    row.published_version = number
    if version.published_at is None:
        version.published_at = now()
        version.published_by = actor.label
    session.commit()
    return version


def _commit_or_conflict(session: Session, message: str) -> None:
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ApiProblem(409, "Conflict", message) from None


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


def find_idempotent(session: Session, actor: Actor, key: str) -> ScoreRecord | None:
    return session.scalars(
        select(ScoreRecord).where(ScoreRecord.actor_token_id == actor.token_id, ScoreRecord.idempotency_key == key)
    ).first()


def get_score(session: Session, score_id: str) -> ScoreRecord:
    record = session.scalars(select(ScoreRecord).where(ScoreRecord.id == score_id)).first()
    if record is None:
        raise ApiProblem(404, "Unknown score", f"there is no score '{score_id}'")
    return record


_HEAD = select(ChainHead.last_seq, ChainHead.last_hash).where(ChainHead.id == 1).with_for_update()
_ADVANCE = update(ChainHead).where(ChainHead.id == 1).values(last_seq=bindparam("seq"), last_hash=bindparam("hash"))
_INSERT = insert(ScoreRecord.__table__)


def append_scores(
    session: Session, scores: list[NewScore], guard: Callable[[], None] | None = None
) -> list[ScoreRecord]:
    """Write score records at the end of the chain, all or none. The records returned
    are not attached to the session: they are what was written, for the response.
    `guard` runs first in the same transaction; what it raises writes nothing (a batch
    checks there that it still holds its lease).

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
        connection.execute(_ADVANCE, {"seq": seq, "hash": previous})
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if sqlite:
            _sqlite_queue(session).release()
    return [ScoreRecord(**row) for row in rows]


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
    session: Session, ruleset: str | None, unit: str | None, period: str | None, offset: int, limit: int
) -> tuple[int, list[ScoreRecord]]:
    query = select(ScoreRecord)
    if ruleset:
        query = query.where(ScoreRecord.ruleset_id == ruleset)
    if unit:
        query = query.where(ScoreRecord.unit_id == unit)
    if period:
        query = query.where(ScoreRecord.period == period)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(ScoreRecord.seq).offset(offset).limit(limit))
    return total, list(rows)


def scores_under(session: Session, ruleset_id: str, version: int) -> list[ScoreRecord]:
    """The current record of each unit and period scored under a version (not superseded)."""
    records = list(
        session.scalars(
            select(ScoreRecord)
            .where(ScoreRecord.ruleset_id == ruleset_id, ScoreRecord.version == version)
            .order_by(ScoreRecord.seq)
        )
    )
    superseded = {r.supersedes for r in records if r.supersedes}
    latest: dict[tuple[str, str], ScoreRecord] = {}
    for record in records:
        if record.id not in superseded:
            latest[(record.unit_id, record.period)] = record
    return list(latest.values())


@dataclass
class ChainReport:
    records: int
    intact: bool
    first_broken_seq: int | None = None
    problem: str | None = None


def verify_chain(session: Session, batch: int = 1000) -> ChainReport:
    """Walk every record in order and recompute its hash and its link."""
    previous, expected_seq, count = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = list(
            session.scalars(
                select(ScoreRecord).where(ScoreRecord.seq > last_seq).order_by(ScoreRecord.seq).limit(batch)
            )
        )
        if not rows:
            break
        for record in rows:
            count += 1
            if record.seq != expected_seq:
                return ChainReport(count, False, expected_seq, f"record {expected_seq} is missing")
            if record.prev_hash != previous:
                return ChainReport(count, False, record.seq, "its previous-hash does not match the record before it")
            if record_hash(record) != record.record_hash:
                return ChainReport(
                    count, False, record.seq, "its content does not match its hash (changed after writing)"
                )
            previous, expected_seq, last_seq = record.record_hash, expected_seq + 1, record.seq
    head = session.get(ChainHead, 1)
    if head is not None and (head.last_seq != last_seq or head.last_hash != previous):
        return ChainReport(count, False, last_seq + 1, "the chain's head does not point at the last record")
    return ChainReport(count, True)
