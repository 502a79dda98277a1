"""Batches in the service: accept a file, score it in the background, store every unit.

The same engine path as `kaoping batch` (a worker pool, a journal under the data
directory, quotas, rankings) runs in a background thread of the service process.
Each unit then becomes an ordinary score record with the batch's id, written in
chunks; a batch interrupted at any point (the process killed) is picked up again
when the service starts: scored rows come from the journal and records already
stored are not written twice.

One batch is worked on by one process only, the holder of its lease: the lease is
renewed by a heartbeat while the batch is read and scored, and every write of the
batch's progress or records checks, in its own transaction, that the lease is still
this process's. A process that lost it (frozen, or cut off from the database, while
another runner took the batch up) stops without writing again.
"""

from __future__ import annotations

import functools
import json
import logging
import multiprocessing
import queue
import tempfile
import threading
import uuid
from dataclasses import asdict, replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import Text, cast, or_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from engine.batch import BatchReport, assemble, rows_read, run_batch, scoring_pool
from engine.cluster import ClusterUnreachable
from engine.columnar.run import ColumnarMismatch
from engine.decimals import exact_text
from engine.errors import BatchFileError
from engine.messages import say
from engine.pool import RowError
from engine.quotas import apply_decision, decide_quotas
from engine.result import Result
from engine.scored import ScoredUnit, standing_of
from engine.tabular import check_file, read_units

from . import store
from .auth import Actor
from .catalog import loaded
from .services import batch_units, rectification
from .services.filled import fill_rows
from .tables import Batch, ScoreRecord

log = logging.getLogger("kaoping.batches")
STORE_CHUNK = 500


def parse_file(version_row, filename: str, content: bytes, encoding: str | None = None):
    """The units and unreadable rows of an uploaded file (BatchFileError if unreadable)."""
    return _with_upload(filename, content, lambda path: read_units(loaded(version_row).model, path, encoding))


def check_upload(version_row, filename: str, content: bytes, encoding: str | None = None) -> None:
    """BatchFileError unless the upload is a kind of file, in an encoding, with columns
    the version reads."""
    _with_upload(filename, content, lambda path: check_file(loaded(version_row).model, path, encoding))


def _with_upload(filename: str, content: bytes, read):
    """`read` of the upload saved under its own name (messages name the file the person
    sent), or a plain one when that name is not one a file can have."""
    name = Path(filename).name
    if name in ("", ".", "..") or "\x00" in name or len(name.encode()) > 200:
        name = f"upload{Path(filename).suffix.lower()[:10]}"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        return read(path)


UNFINISHED = ("queued", "running", "storing")


class LeaseLost(Exception):
    """This process no longer holds the batch's lease: another runner works on it now."""


class _Lease:
    """A batch's lease as its holder keeps it: renewed every third of its length by a
    heartbeat thread, and checked (and renewed) in the transaction of each write."""

    def __init__(self, sessions: sessionmaker[Session], batch_id: str, owner: str, length: timedelta):
        self.sessions, self.batch_id, self.owner, self.length = sessions, batch_id, owner, length
        self.lost = threading.Event()
        self.ended = threading.Event()
        self.heart = threading.Thread(target=self._beat, name="kaoping-batch-lease", daemon=True)

    def __enter__(self) -> _Lease:
        self.heart.start()
        return self

    def __exit__(self, *_) -> None:
        self.ended.set()
        self.heart.join()

    def check(self, session: Session, **values) -> None:
        """In the session's (writing) transaction: renew the lease and write `values` to
        the batch, if the lease is still ours; LeaseLost (and nothing written) if not."""
        renewed = session.execute(
            update(Batch)
            .where(Batch.id == self.batch_id, Batch.lease_owner == self.owner, Batch.status.in_(UNFINISHED))
            .values(lease_until=store.now() + self.length, **values)
        ).rowcount
        if renewed != 1:
            self.lost.set()
            raise LeaseLost(self.batch_id)

    def write(self, **values) -> None:
        """`values` written to the batch in a transaction of their own, under the lease."""
        if self.lost.is_set():
            raise LeaseLost(self.batch_id)
        with self.sessions() as session:
            store.writing(session, lambda: self.check(session, **values))

    def held(self) -> None:
        """LeaseLost once the heartbeat has found the lease taken: the work stops."""
        if self.lost.is_set():
            raise LeaseLost(self.batch_id)

    def _beat(self) -> None:
        while not self.ended.wait(self.length.total_seconds() / 3):
            try:
                self.write()
            except LeaseLost:
                log.warning("batch lease taken over by another runner", extra={"batch_id": self.batch_id})
                return
            except SQLAlchemyError:  # the database may be away for a moment: the next beat tries again
                log.exception("could not renew the batch lease", extra={"batch_id": self.batch_id})


def failure_text(error: BaseException) -> str:
    """What a person reads for a failed batch: a sentence of the catalogue, never empty and
    never the database's own words (which hold SQL)."""
    if isinstance(error, BatchFileError | ClusterUnreachable | ColumnarMismatch):
        return str(error)
    if isinstance(error, MemoryError):
        return say("detail.batch_memory")
    if isinstance(error, SQLAlchemyError):
        return say("detail.batch_database")
    return say("detail.batch_error", error=type(error).__name__)


class BatchRunner:
    """One background thread per service process that works through batches.

    Each batch runs in a child process of its own (which starts the scoring pool):
    its heavy Python work would otherwise hold the interpreter lock and keep the
    service from answering. A batch is worked on by the runner holding its lease,
    renewed as it goes; a batch whose lease has lapsed (its process died) is taken
    up by any runner, so a restarted service, or another worker process, finishes it.
    """

    def __init__(
        self,
        sessions: sessionmaker[Session],
        data_dir: Path,
        workers: int | None = None,
        lease_seconds: float = 60,
        database_url: str | None = None,
        owner: str | None = None,
        cluster: str | None = None,
    ):
        self.sessions = sessions
        self.data_dir = data_dir
        self.folder = data_dir / "batches"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.workers = workers
        self.cluster = cluster  # a Dask scheduler's address: the batches score on its cluster
        self.lease_seconds = lease_seconds
        self.lease = timedelta(seconds=lease_seconds)
        self.database_url = database_url
        self.me = owner or uuid.uuid4().hex
        self.child: multiprocessing.Process | None = None
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._loop, name="kaoping-batches", daemon=True)

    def start(self) -> None:
        """Start working, beginning with any batch an earlier process left unfinished."""
        for batch_id in self._unfinished():
            self.queue.put(batch_id)
        self.thread.start()

    def submit(self, batch_id: str) -> None:
        self.queue.put(batch_id)

    def claim(self, batch_id: str) -> bool:
        """Take or renew the batch's lease; False when another live process holds it."""
        with self.sessions() as session:
            return store.writing(session, lambda: self._take(session, batch_id)) == 1

    def _take(self, session: Session, batch_id: str) -> int:
        moment = store.now()
        return session.execute(
            update(Batch)
            .where(
                Batch.id == batch_id,
                Batch.status.in_(UNFINISHED),
                or_(Batch.lease_until.is_(None), Batch.lease_until < moment, Batch.lease_owner == self.me),
            )
            .values(lease_owner=self.me, lease_until=moment + self.lease)
        ).rowcount

    def _unfinished(self) -> list[str]:
        with self.sessions() as session:
            return list(session.scalars(select(Batch.id).where(Batch.status.in_(UNFINISHED))))

    def stop(self) -> None:
        """End the thread; a batch in progress is stopped and resumed by a later runner."""
        self.stopping.set()
        self.queue.put(None)
        child = self.child
        if child is not None and child.is_alive():
            child.terminate()
        if self.thread.is_alive():
            self.thread.join(timeout=30)

    def _run_child(self, batch_id: str) -> None:
        """Work on the batch in a child process and wait for it."""
        context = multiprocessing.get_context("spawn")
        self.child = context.Process(
            target=_process_in_child,
            name=f"kaoping-batch-{batch_id[:8]}",
            args=(self.database_url, self.data_dir, self.workers, self.lease_seconds, self.me, batch_id, self.cluster),
        )
        self.child.start()
        self.child.join()
        code, self.child = self.child.exitcode, None
        if code != 0 and not self.stopping.is_set():
            self.fail(batch_id, say("detail.batch_crashed", code=code))

    def fail(self, batch_id: str, message: str) -> None:
        """A batch must end as failed, never hang as running; unless another runner
        holds it now, and fails or finishes it itself."""
        moment = store.now()
        with self.sessions() as session:
            store.writing(
                session,
                lambda: session.execute(
                    update(Batch)
                    .where(Batch.id == batch_id, Batch.status.in_(UNFINISHED), Batch.lease_owner == self.me)
                    .values(status="failed", failure=message, finished_at=moment)
                ),
            )

    def _loop(self) -> None:
        while not self.stopping.is_set():
            try:
                batch_id = self.queue.get(timeout=self.lease.total_seconds() / 2)
            except queue.Empty:
                batch_id = ""
            if batch_id is None or self.stopping.is_set():
                return
            try:
                if not batch_id:  # now and then, take up batches whose process died
                    for unfinished in self._unfinished():
                        self.queue.put(unfinished)
                    continue
                if not self.claim(batch_id):
                    continue
            except Exception:  # the database may be away for a moment: the thread must live on
                log.exception("batch runner could not reach the database")
                continue
            try:
                if self.database_url is None:
                    self.process(batch_id)
                else:
                    self._run_child(batch_id)
            except Exception as error:  # the child could not even be started
                log.exception("batch failed", extra={"batch_id": batch_id})
                try:
                    self.fail(batch_id, failure_text(error))
                except Exception:  # left unfinished: its lease lapses and a runner takes it up again
                    log.exception("batch runner could not record the batch's failure", extra={"batch_id": batch_id})

    def process(self, batch_id: str) -> None:
        """Work the batch to its end, as failed if it cannot be done; nothing more once
        its lease is lost."""
        try:
            self._work(batch_id)
        except LeaseLost:
            log.warning("batch left to the runner that took its lease", extra={"batch_id": batch_id})
        except Exception as error:
            log.exception("batch failed", extra={"batch_id": batch_id})
            self.fail(batch_id, failure_text(error))

    def _work(self, batch_id: str) -> None:
        with self.sessions() as session:
            batch = session.get(Batch, batch_id)
            if batch is None or batch.status in ("done", "failed"):
                return
            version = store.get_version(session, batch.ruleset_id, batch.version)
            content = batch.content
        ruleset = loaded(version)
        actor = batch_units.batch_actor(batch)
        journal = self.folder / f"{batch_id}.journal"
        with _Lease(self.sessions, batch_id, self.me, self.lease) as lease:
            with scoring_pool(ruleset, self.workers, self.cluster) as pool:  # its workers boot while the file is read
                rows, read_errors = parse_file(version, batch.filename, content, batch.encoding)
                with self.sessions() as session:
                    rows, read_errors = batch_units.admit(session, batch, rows, read_errors)
                    rows, read_errors = fill_rows(
                        session, ruleset.model, batch.ruleset_id, batch.period, rows, read_errors
                    )
                    session.commit()
                lease.write(status="running", rows=rows_read(rows, read_errors))
                progress = _Progress(lease)
                report = run_batch(
                    ruleset,
                    rows,
                    pool=pool,
                    journal=journal,
                    progress=progress,
                    read_errors=read_errors,
                    batch_name=batch_name(batch),
                    columnar=True,
                    explain=True,  # every columnar unit's per-unit JSON, checked against its figures
                    keep_json=True,  # every unit's JSON is stored: kept rather than written twice
                )
            progress.flush()
            lease.write(status="storing", scored=len(report.units))
            self._store(lease, batch, report, actor, {row.row: row.data for row in rows})
            lease.write(
                status="done",
                finished_at=store.now(),
                summary=_jsonable(report.summary),
                errors=[asdict(e) for e in report.errors],
                error_rows=report.summary["error_rows"],
            )
        journal.unlink(missing_ok=True)

    def _store(
        self, lease: _Lease, batch: Batch, report: BatchReport, actor: Actor, submitted: dict[int, dict]
    ) -> None:
        """Each unit as a score record, in chunks, each under the lease; rows already
        stored are skipped."""
        with self.sessions() as session:
            stored = set(session.scalars(select(ScoreRecord.batch_row).where(ScoreRecord.batch_id == batch.id)))
            session.commit()
            todo = [u for u in report.units if u.row not in stored]
            opens = rectification.batch_opener(session, report.ruleset, actor)  # the items the records open
            for start in range(0, len(todo), STORE_CHUNK):
                chunk = todo[start : start + STORE_CHUNK]
                scores = [
                    store.NewScore(
                        ruleset=report.ruleset,
                        version=batch.version,
                        unit_id=u.scored.unit.id,
                        unit_name=u.scored.unit.name,
                        unit_parent=u.scored.unit.parent,
                        period=batch.period,
                        submitted=submitted[u.row],
                        result_json=u.scored.json,
                        actor=actor,
                        batch_id=batch.id,
                        batch_row=u.row,
                    )
                    for u in chunk
                ]
                count = len(stored) + start + len(chunk)
                guard = functools.partial(lease.check, session, stored=count)
                store.append_scores(session, scores, guard=guard, after=opens)


class _Progress:
    """Counts scored units and writes the count now and then, under the batch's lease;
    stops the scoring once the lease is lost."""

    def __init__(self, lease: _Lease):
        self.lease, self.count, self.written = lease, 0, 0

    def __call__(self, count: int) -> None:
        self.lease.held()
        self.count += count
        if self.count - self.written >= 250:
            self.flush()

    def flush(self) -> None:
        self.lease.write(scored=self.count)
        self.written = self.count


def _jsonable(data):
    return json.loads(json.dumps(data, default=exact_text))


def _process_in_child(
    url: str, data_dir: Path, workers, lease_seconds: float, owner: str, batch_id: str, cluster: str | None
) -> None:
    """A batch's own process: its database connections, the runner's lease, the work."""
    from .db import make_engine, make_sessions

    engine = make_engine(url)
    try:
        runner = BatchRunner(make_sessions(engine), data_dir, workers, lease_seconds, owner=owner, cluster=cluster)
        runner.process(batch_id)
    finally:
        engine.dispose()


def new_batch(
    session: Session,
    version_row,
    period: str,
    filename: str,
    content: bytes,
    actor: Actor,
    encoding: str | None = None,
    unit_code: str | None = None,
    create_units: bool = False,
) -> Batch:
    """The batch, queued, in a transaction begun as a write (see store.writing)."""
    return store.writing(
        session,
        lambda: _added(session, version_row, period, filename, content, actor, encoding, unit_code, create_units),
    )


def _added(
    session: Session, version_row, period, filename, content, actor: Actor, encoding, unit_code, create_units
) -> Batch:
    batch = Batch(
        id=str(uuid.uuid4()),
        ruleset_id=version_row.ruleset_id,
        version=version_row.number,
        period=period,
        status="queued",
        filename=filename,
        encoding=encoding,
        content=content,
        rows=None,
        scored=0,
        stored=0,
        error_rows=0,
        actor=actor.label,
        actor_token_id=actor.token_id,
        created_at=store.now(),
        unit_code=unit_code,
        create_units=create_units,
    )
    session.add(batch)
    return batch


def batch_name(batch: Batch) -> str:
    """How a result names the batch its relative indicators were compared with."""
    return f"{batch.filename} [batch {batch.id}]"


def report_of(session: Session, batch: Batch) -> BatchReport:
    """The finished batch rebuilt from its stored records, for downloads."""
    version = store.get_version(session, batch.ruleset_id, batch.version)
    ruleset = loaded(version)
    stored = select(ScoreRecord.batch_row, ScoreRecord.id, cast(ScoreRecord.result, Text)).where(
        ScoreRecord.batch_id == batch.id
    )
    units, record_ids = {}, {}
    for row, record_id, text in session.execute(stored):
        units[row] = ScoredUnit.stored(ruleset.model, text)
        record_ids[row] = record_id
    errors = [RowError(**e) for e in batch.errors or []]
    report = assemble(ruleset, units, errors, batch.rows)
    report.record_ids = record_ids
    return report


def with_batch_quotas(session: Session, record: ScoreRecord, recomputed: Result) -> Result:
    """A batch unit's recomputed result with its batch's quotas decided again.

    Quotas depend on every unit of the batch, so the unit's fresh result is ranked
    against the other units of the batch at their grades before any quota move (as
    stored in their records); no other unit needs scoring again.
    """
    version = store.get_version(session, record.ruleset_id, record.version)
    model = loaded(version).model
    standings, target = [], 0
    query = select(ScoreRecord).where(ScoreRecord.batch_id == record.batch_id).order_by(ScoreRecord.batch_row)
    for index, other in enumerate(session.scalars(query)):
        if other.id == record.id:
            standings.append(standing_of(model, recomputed))
            target = index
            continue
        result = Result.model_validate(other.result)
        standing = standing_of(model, result)
        if result.quota is not None:
            standing = replace(standing, grade=result.quota.from_grade)
        standings.append(standing)
    decision = decide_quotas(model, standings).get(target)
    return recomputed if decision is None else apply_decision(model, recomputed, decision)
