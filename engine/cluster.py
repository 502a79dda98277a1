"""Score a batch's units on a Dask distributed cluster, as the local pool does on one machine.

The rows go to the cluster in partitions of a few hundred, a bounded number at a time,
so outcomes stream back while the rest wait. Each worker process compiles a ruleset
once (kept by its content hash) and scores a partition with the very loop the local
workers run (engine.pool.score_rows), so a unit's outcome is the same object, sent the
same way (a ScoredUnit travels as its figures and its result's JSON). Quotas, ranks and
the summary are still decided on the gathered figures by engine.batch.finish.

A partition that keeps killing workers is scored again one unit to a task; a unit whose task
kills a worker again is reported as an error row, as in the local pool.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from itertools import islice

from .errors import KaopingError
from .loader import LoadedRuleset
from .messages import say
from .pool import Outcome, PoolStats, RowError, UnitRow, crash_if_asked, score_rows

PARTITION = 200
KEPT = 8  # compiled rulesets a worker keeps; the one used longest ago goes first

_compiled: OrderedDict[str, LoadedRuleset] = OrderedDict()  # in each worker process, by content hash


class ClusterUnreachable(KaopingError):
    """The scheduler at the address given cannot be reached."""


def ruleset_key(text: str, version: int | str | None) -> str:
    return hashlib.sha256(f"{version!r}\n{text}".encode()).hexdigest()


def _score_partition(key: str, text: str, version: int | str | None, rows: list[UnitRow]) -> list[Outcome]:
    """A worker's task: the partition scored with the ruleset it compiled once."""
    ruleset = _compiled.get(key)
    if ruleset is None:
        from . import load_ruleset

        ruleset = _compiled[key] = load_ruleset(text, version=version)
        while len(_compiled) > KEPT:
            _compiled.popitem(last=False)
    _compiled.move_to_end(key)
    crash_if_asked(rows)
    return score_rows(ruleset, rows)


class ClusterPool:
    """A ScoringPool whose workers are a Dask cluster's, reached at `address`."""

    def __init__(self, ruleset_text: str, version: int | str | None, address: str):
        self.text = ruleset_text
        self.version = version
        self.address = address
        self.key = ruleset_key(ruleset_text, version)
        self.stats = PoolStats()
        self.client = None

    def __enter__(self) -> ClusterPool:
        from distributed import Client
        from distributed.comm import resolve_address

        try:
            resolve_address(self.address)  # a malformed address or unknown host, before a client half starts
            self.client = Client(self.address, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as error:
            raise ClusterUnreachable(say("cluster.unreachable", address=self.address)) from error
        return self

    def __exit__(self, *exc) -> None:
        self.client.close()

    def _submit(self, rows: list[UnitRow]):
        # the text travels with each task: data scattered once would be lost with the worker holding it
        return self.client.submit(_score_partition, self.key, self.text, self.version, rows, pure=False)

    def run(self, rows: Iterable[UnitRow], chunk: int = PARTITION) -> Iterator[Outcome]:
        """Outcomes as they come (not in row order), one per row."""
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        source = iter(rows)
        held: dict[str, tuple[list[UnitRow], bool]] = {}  # a task's key -> its rows, and whether a retry
        running = as_completed(loop=self.client.loop)

        def submit(part: list[UnitRow], retry: bool = False) -> None:
            future = self._submit(part)
            held[future.key] = (part, retry)
            running.add(future)

        def submit_next() -> None:
            part = list(islice(source, chunk))
            if part:
                submit(part)

        for _ in range(2 * (sum(self.client.nthreads().values()) or 1)):
            submit_next()
        for future in running:
            part, retry = held.pop(future.key)
            try:
                outcomes = future.result()
            except KilledWorker:
                outcomes = []
                if retry:  # the unit alone killed a worker again
                    self.stats.crashed_rows.append(part[0].row)
                    outcomes.append([RowError(part[0].row, part[0].unit.id, "", "crashed", say("row.crashed_cluster"))])
                else:
                    self.stats.units_retried += len(part)
                    for one in part:
                        submit([one], retry=True)
            finally:
                future.release()
            if not retry:
                submit_next()
            yield from outcomes
