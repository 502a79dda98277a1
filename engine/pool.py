"""Score many units on all cores, with crashes contained.

durable_rules can kill a process (a segfault, SIGFPE), so scoring runs in worker
processes, each with its own engine. The pool knows which units each worker holds:
when a worker dies it is replaced, the units it held are retried once each on
their own, and a unit that kills a worker again is reported as an error row. No
unit is lost and none is scored into the results twice.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from .collector import paused
from .errors import InputError, KaopingError
from .grouped import score_parts
from .lean import result_json
from .messages import say
from .result import FilledInput, Reference, UnitRef
from .runtime import EngineFailure
from .scored import ScoredUnit

CHUNK = 100


@dataclass(frozen=True)
class UnitRow:
    """One unit to score: its row number in the input, who it is, its data, and the inputs
    the service filled from earlier records (engine.result.FilledInput)."""

    row: int
    unit: UnitRef
    data: dict[str, Any]
    filled: tuple[FilledInput, ...] = ()
    reference: Reference | None = None  # its place in the batch, for relative indicators


@dataclass(frozen=True)
class RowError:
    row: int
    unit_id: str | None
    field: str
    code: str
    message: str
    value: str | None = None  # the value given, as the problem shows it


@dataclass(frozen=True)
class Scored:
    row: int
    unit: ScoredUnit


Outcome = Scored | list[RowError]


def _problems(row: UnitRow, error: Exception) -> list[RowError]:
    if isinstance(error, InputError):
        return [RowError(row.row, row.unit.id, p.field, p.code, p.message, p.got) for p in error.problems]
    return [RowError(row.row, row.unit.id, "", "engine", str(error))]


def score_rows(ruleset, rows: Iterable[UnitRow]) -> list[Outcome]:
    """Score rows in this process (the worker's loop, and the single-process path), their
    matching shared a group of units at a time (engine.grouped)."""
    rows = list(rows)
    asked = [
        (row.data, {"unit": row.unit, "filled": list(row.filled) or None, "reference": row.reference}) for row in rows
    ]
    model = ruleset.model
    with paused():
        figures = score_parts(ruleset, asked, lambda part: ScoredUnit.of_part(model, part, result_json(part)))
    return [
        _problems(row, unit) if isinstance(unit, KaopingError) else Scored(row.row, unit)
        for row, unit in zip(rows, figures, strict=True)
    ]


def crash_if_asked(rows: list[UnitRow]) -> None:
    """Lets tests kill a worker on a chosen unit (KAOPING_TEST_CRASH_UNIT)."""
    crash_on = os.environ.get("KAOPING_TEST_CRASH_UNIT")
    if crash_on and any(r.unit.id == crash_on for r in rows):
        os.abort()


def _worker(ruleset_text: str, version: int | str | None, conn: Connection) -> None:
    from . import load_ruleset

    ruleset = load_ruleset(ruleset_text, version=version)
    while True:
        task = conn.recv()
        if task is None:
            return
        chunk_id, rows = task
        crash_if_asked(rows)
        conn.send((chunk_id, score_rows(ruleset, rows)))  # a unit's full result travels as its JSON


@dataclass
class _Chunk:
    id: int
    rows: list[UnitRow]
    retry: bool = False


@dataclass
class _Worker:
    process: multiprocessing.Process
    conn: Connection
    holding: _Chunk | None = None
    fed: bool = False  # given a chunk once


@dataclass
class PoolStats:
    workers_replaced: int = 0
    units_retried: int = 0
    crashed_rows: list[int] = field(default_factory=list)


class ScoringPool:
    """Worker processes sized to the machine, fed chunks of units."""

    def __init__(self, ruleset_text: str, version: int | str | None = None, workers: int | None = None):
        self.text = ruleset_text
        self.version = version
        self.size = max(1, workers or os.cpu_count() or 1)
        self.context = multiprocessing.get_context("spawn")  # never fork a process holding engine state
        self.workers: list[_Worker] = []
        self.stats = PoolStats()
        self.deaths_without_result = 0

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_worker, args=(self.text, self.version, child), daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def __enter__(self) -> ScoringPool:
        self.workers = [self._start() for _ in range(self.size)]
        return self

    def __exit__(self, *exc) -> None:
        """Stop the workers. One never given work holds nothing and may still be booting
        (a second of loading the ruleset): it is stopped at once rather than waited for,
        as when a columnar batch left it nothing to score."""
        for worker in self.workers:
            if not worker.fed:
                worker.process.kill()
                continue
            with contextlib.suppress(BrokenPipeError, OSError):
                worker.conn.send(None)
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.is_alive():
                worker.process.kill()

    def run(self, rows: Iterable[UnitRow], chunk: int = CHUNK) -> Iterator[Outcome]:
        """Outcomes as they come (not in row order), one per row."""
        pending: deque[_Chunk] = deque()
        source = iter(rows)
        next_id = 0

        def refill() -> None:
            nonlocal next_id
            while len(pending) < 2 * self.size:
                batch = [row for _, row in zip(range(chunk), source, strict=False)]
                if not batch:
                    return
                pending.append(_Chunk(next_id, batch))
                next_id += 1

        refill()
        while True:
            received: list = list(self._dispatch(pending))
            busy = [w for w in self.workers if w.holding is not None]
            if not busy and not received:
                return
            if busy:
                ready = wait([w.conn for w in busy] + [w.process.sentinel for w in busy])
                for worker in busy:
                    if worker.conn in ready:
                        try:
                            _chunk_id, outcomes = worker.conn.recv()
                        except (EOFError, OSError):
                            received.extend(self._replace(worker, pending))
                            continue
                        worker.holding = None
                        self.deaths_without_result = 0
                        received.extend(outcomes)
                    elif worker.process.sentinel in ready:
                        received.extend(self._replace(worker, pending))
                refill()
                received.extend(self._dispatch(pending))  # workers busy again before this process works
            yield from received

    def _dispatch(self, pending: deque[_Chunk]) -> Iterator[Outcome]:
        """Give every idle worker its next chunk (a worker found dead is replaced)."""
        for worker in list(self.workers):
            if worker.holding is None and pending:
                worker.holding = pending.popleft()
                worker.fed = True
                try:
                    worker.conn.send((worker.holding.id, worker.holding.rows))
                except (BrokenPipeError, OSError):
                    yield from self._replace(worker, pending)

    def _replace(self, worker: _Worker, pending: deque[_Chunk]) -> Iterator[Outcome]:
        """A worker died: start another; retry its units alone, once; report a repeat."""
        chunk = worker.holding
        worker.process.join(timeout=1)
        self.deaths_without_result += 1
        if self.deaths_without_result > 2 * self.size + 2:
            raise EngineFailure(
                f"scoring workers keep stopping before returning any result (exit code {worker.process.exitcode});"
                " the ruleset may not load in a fresh process"
            )
        index = self.workers.index(worker)
        self.workers[index] = self._start()
        self.stats.workers_replaced += 1
        if chunk is None:
            return
        if chunk.retry:
            row = chunk.rows[0]
            self.stats.crashed_rows.append(row.row)
            code = worker.process.exitcode
            yield [
                RowError(
                    row.row,
                    row.unit.id,
                    "",
                    "crashed",
                    say("row.crashed", code=code),
                )
            ]
            return
        self.stats.units_retried += len(chunk.rows)
        for row in reversed(chunk.rows):
            pending.appendleft(_Chunk(-1, [row], retry=True))
