"""Appraise a whole jurisdiction: score every row, apply quotas, rank, summarize.

Every input row ends in the results or in the errors. Scored outcomes are appended
to a journal as they arrive (engine.journal), so a batch whose process is killed can
be resumed: rows already in the journal are not scored again, and none is dropped.
Quotas, rankings and the summary need every unit, so they are computed at the end,
from each unit's figures; its full result is kept only when the caller asks.
"""

from __future__ import annotations

import gc
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path

from .decimals import ZERO, Exact, difference, product, quotient, total
from .journal import Journal
from .loader import LoadedRuleset
from .model import Ruleset
from .pool import Outcome, PoolStats, RowError, Scored, ScoringPool, UnitRow, score_rows
from .quotas import decide_quotas
from .relative import batch_own_values, references
from .result import Reference, Result
from .scored import Remake, ScoredUnit


@dataclass(slots=True)  # one per unit: a million of them
class Ranked:
    row: int
    scored: ScoredUnit
    rank: int | None  # by the ruleset's ranking rule (1224 ranking); None when unranked
    parent_rank: int | None

    @property
    def result(self) -> Result:
        return self.scored.result


@dataclass
class BatchReport:
    ruleset: LoadedRuleset
    units: list[Ranked]
    errors: list[RowError]
    rows_read: int
    summary: dict
    pool: PoolStats = field(default_factory=PoolStats)
    record_ids: dict[int, str] = field(default_factory=dict)  # row -> stored score record, in the service
    columns: dict[str, str] = field(default_factory=dict)  # input id -> its column header as written


# ---------------------------------------------------------------- running


@contextmanager
def scoring_pool(
    ruleset: LoadedRuleset, workers: int | None = None, cluster: str | None = None
) -> Iterator[ScoringPool | None]:
    """The worker processes a batch scores in (None when one process will do), or the
    Dask cluster's at the address `cluster`. Start them before reading the batch file:
    they boot while it is read."""
    if cluster:
        from .cluster import ClusterPool  # dask is imported only by batches that use a cluster

        with ClusterPool(ruleset.text, ruleset.version, cluster) as pool:
            yield pool
    elif (workers or os.cpu_count() or 1) > 1:
        with ScoringPool(ruleset.text, ruleset.version, workers) as pool:
            yield pool
    else:
        yield None


# the units a columnar batch leaves for the per-unit path, at most, that it scores in this
# process: a worker boots in about a second, in which it would score some 700
LEFT_IN_PROCESS = 500


def run_batch(
    ruleset: LoadedRuleset,
    rows: list[UnitRow],
    *,
    workers: int | None = None,
    pool: ScoringPool | None = None,
    journal: Path | None = None,
    progress: Callable[[int], None] | None = None,
    read_errors: Iterable[RowError] = (),
    batch_name: str = "",
    columnar: bool = False,
    check_all: bool = False,
    keep_json: bool = False,
    explain: bool = False,
) -> BatchReport:
    """Score rows (resuming from `journal` when it holds outcomes), then quotas and ranks.
    Scoring runs in `pool`, or in a pool of `workers` started for the batch. Relative
    indicators are scored against the batch itself, named `batch_name` in each result.
    With `columnar`, the units the columnar path supports are scored at once and a sample
    of them (every one with `check_all`) cross-checked per unit (docs/columnar.md); with
    `explain` as well, each columnar unit's per-unit JSON is made in the pool meanwhile and
    checked against its figures (engine.columnar.explained), for a caller that stores every
    unit's result. A unit keeps only its figures, its result's JSON written again from its
    row when asked for, unless `keep_json` keeps the JSON of the units scored per unit (the
    service stores every unit's, and would otherwise score each twice)."""
    journal = Journal(journal) if journal else None
    by_row = {row.row: row for row in rows}
    results, errors, journalled = journal.read(ruleset, by_row) if journal else ({}, {}, set())
    remake = Remake(ruleset)
    relative = RelativeBatch(ruleset, rows, batch_name) if ruleset.model.relative_indicators() else None
    if relative:
        todo = relative.todo(results, errors)
    else:
        todo = [row for row in rows if row.row not in results and row.row not in errors]
    if progress and len(todo) < len(rows):
        progress(len(rows) - len(todo))
    run = None
    stats = PoolStats()
    handle = journal.open() if journal else None
    # tens of thousands of results stay alive until the end: with the cyclic collector
    # on, each new one would make it scan them all again (results hold no cycles)
    collecting = gc.isenabled()
    gc.disable()
    try:
        if columnar:

            def columnar_run():
                return score_columnar_chunks(ruleset, todo, check_all, handle, progress)

            if explain:
                from .columnar.explained import explained

                with nullcontext(pool) if pool else scoring_pool(ruleset, workers) as active:
                    run = explained(ruleset, todo, active, columnar_run)
            else:
                run = columnar_run()
            results.update(run.units)
            todo = run.left

        def keep(outcome: Outcome) -> None:
            journalled.discard(outcome.row if isinstance(outcome, Scored) else outcome[0].row)
            if isinstance(outcome, Scored):
                unit = outcome.unit
                results[outcome.row] = unit if keep_json else unit.forget_json(remake, by_row[outcome.row])
            else:
                errors[outcome[0].row] = outcome
                results.pop(outcome[0].row, None)
            if handle:
                Journal.write(handle, outcome)
            if progress:
                progress(1)

        if todo:
            if run is not None and len(todo) <= LEFT_IN_PROCESS:
                scorer = nullcontext(None)  # this process: quicker than waiting for a worker to boot
            else:
                scorer = nullcontext(pool) if pool else scoring_pool(ruleset, workers)
            with scorer as active:
                while todo:
                    for outcome in active.run(todo) if active else score_rows(ruleset, todo):
                        keep(outcome)
                    # a unit refused in scoring leaves the peers: the others are scored again
                    todo = relative.todo(results, errors) if relative else []
            stats = active.stats if active else stats
    finally:
        if collecting:
            gc.enable()
        if handle:
            handle.close()
    all_errors = list(read_errors) + [e for row in sorted(errors) for e in errors[row]]
    counts = None
    if run is not None:  # a plain batch's summary stays as it was
        counts = run.counts(results, errors)  # before quotas: a unit they move is still the columnar one
        # columnar units read back from the journal: a resumed batch's count is an uninterrupted one's
        counts["columnar"] += len(journalled)
        counts["per_unit"] -= len(journalled)
    report = finish(ruleset, results, all_errors, rows_read(rows, read_errors), stats)
    if counts is not None:
        report.summary["columnar"] = counts
    return report


COLUMNAR_CHUNK = 50_000  # rows scored columnar at once: a chunk's working columns in memory, not the batch's


def score_columnar_chunks(ruleset: LoadedRuleset, rows: list[UnitRow], check_all: bool, handle, progress):
    """The columnar path over chunks of rows, each chunk's units journalled once scored (a
    kill loses one chunk at most); the cross-check samples each chunk as it would a batch."""
    from .columnar import run as columnar

    found = columnar.ColumnarRun({}, [], 0)
    for start in range(0, len(rows), COLUMNAR_CHUNK):
        part = columnar.score_columnar(ruleset, rows[start : start + COLUMNAR_CHUNK], check_all=check_all)
        if handle:
            for row, unit in part.units.items():
                Journal.write(handle, Scored(row, unit), columnar=True)
        if progress and part.units:
            progress(len(part.units))
        found.units.update(part.units)
        found.left += part.left
        found.cross_checked += part.cross_checked
    return found


class RelativeBatch:
    """The second pass of a batch with relative indicators: each unit's own values once,
    then each unit's reference among the units not refused; a unit is (re)scored when it
    has no result yet or its result was scored against another reference."""

    def __init__(self, ruleset: LoadedRuleset, rows: list[UnitRow], name: str):
        self.model = ruleset.model
        self.rows = rows
        self.name = name
        self.own = batch_own_values(self.model, rows)
        self.used: dict[int, Reference] = {}

    def todo(self, results: dict[int, ScoredUnit], errors: dict[int, list[RowError]]) -> list[UnitRow]:
        # the units as scored decide: refused ones leave, a result's status says who is disqualified
        peers = {
            row: own if row not in results else replace(own, disqualified=results[row].status == "disqualified")
            for row, own in self.own.items()
            if row not in errors
        }
        found = references(self.model, self.name, peers)
        nothing = Reference(batch=self.name, indicators={})
        todo = []
        for row in self.rows:
            if row.row in errors:
                continue
            reference = found.get(row.row, nothing)
            if row.row in results and self._used(row.row, results[row.row]) == reference:
                continue
            self.used[row.row] = reference
            todo.append(replace(row, reference=reference))
        return todo

    def _used(self, row: int, unit: ScoredUnit) -> Reference | None:
        if row not in self.used:  # read back from the journal
            self.used[row] = unit.reference
        return self.used[row]


def rows_read(rows: list[UnitRow], read_errors: Iterable[RowError]) -> int:
    """How many rows a batch file had: its units, and the rows unreadable as units."""
    return len(rows) + _distinct_rows(read_errors)


def _distinct_rows(errors: Iterable[RowError]) -> int:
    return len({e.row for e in errors})


def finish(
    ruleset: LoadedRuleset,
    results: dict[int, ScoredUnit],
    errors: list[RowError],
    rows_read: int,
    stats: PoolStats | None = None,
) -> BatchReport:
    """Quotas, rankings and the summary over every scored unit. Quotas are decided on
    the units' figures; only the units they move have their full results rebuilt."""
    order = sorted(results)
    model = ruleset.model
    for index, decision in decide_quotas(model, [results[row].standing for row in order]).items():
        row = order[index]
        results[row] = results[row].moved(model, decision)
    return assemble(ruleset, results, errors, rows_read, stats)


def assemble(
    ruleset: LoadedRuleset,
    results: dict[int, ScoredUnit],
    errors: list[RowError],
    rows_read: int,
    stats: PoolStats | None = None,
) -> BatchReport:
    """Rankings and the summary of units whose quotas are already applied."""
    units = rank(ruleset.model, [Ranked(row, results[row], None, None) for row in sorted(results)])
    return BatchReport(
        ruleset, units, errors, rows_read, summarize(ruleset, units, errors, rows_read), stats or PoolStats()
    )


def rank(model: Ruleset, units: list[Ranked]) -> list[Ranked]:
    """Standard competition ranking (1, 2, 2, 4) overall and within each parent unit, by
    the ruleset's ranking rule (default: grade first, then total; disqualified unranked)."""
    rule = model.ranking
    grades = {g.id: index for index, g in enumerate(model.grades)}
    worst = len(model.grades)

    def key(unit: Ranked) -> tuple:
        scored = unit.scored
        parts = {"grade": grades.get(scored.grade, worst), "total": -scored.total}
        return (scored.grade is None, *(parts[name] for name in rule.by))

    ranked = [u for u in units if u.scored.grade is not None or rule.disqualified == "last"]

    def positions(group: list[Ranked]) -> dict[int, int]:
        ordered = sorted(group, key=key)
        found: dict[int, int] = {}
        for index, unit in enumerate(ordered):
            same = index > 0 and key(unit) == key(ordered[index - 1])
            found[unit.row] = found[ordered[index - 1].row] if same else index + 1
        return found

    overall = positions(ranked)
    by_parent: dict[str | None, list[Ranked]] = defaultdict(list)
    for unit in ranked:
        by_parent[unit.scored.unit.parent if unit.scored.unit else None].append(unit)
    within: dict[int, int] = {}
    for group in by_parent.values():
        within.update(positions(group))
    for unit in units:
        unit.rank = overall.get(unit.row)
        unit.parent_rank = within.get(unit.row)
    return units


RANKED_BY = {"grade": "等次", "total": "总分"}


def ranking_rule(model: Ruleset) -> str:
    """The ranking rule in words, for the report and the summary."""
    order = "、".join(RANKED_BY[name] for name in model.ranking.by)
    last = "排在所有评定单位之后" if model.ranking.disqualified == "last" else "不排名"
    return f"依次按{order}排名 (等次高者在前, 总分高者在前, 相同者并列); 取消评定资格的单位{last}"


# ---------------------------------------------------------------- the summary


def quartiles(values: list[Exact]) -> dict[str, Exact | None]:
    """Mean, minimum, quartiles and maximum (linear interpolation between ranks), exact."""
    if not values:
        return {"mean": None, "min": None, "q1": None, "median": None, "q3": None, "max": None}
    # a float never orders two figures the wrong way round (it rounds monotonically) and
    # decides most comparisons at C speed; only figures whose floats tie are compared
    # exactly (a Decimal against a Fraction costs microseconds)
    ordered = sorted(values, key=lambda value: (float(value), value))

    def at(share: Decimal) -> Exact:
        position = share * (len(ordered) - 1)
        low = int(position)
        high = min(low + 1, len(ordered) - 1)
        return total((ordered[low], product(difference(ordered[high], ordered[low]), position - low)))

    return {
        "mean": quotient(total(ordered), Decimal(len(ordered))),
        "min": ordered[0],
        "q1": at(Decimal("0.25")),
        "median": at(Decimal("0.5")),
        "q3": at(Decimal("0.75")),
        "max": ordered[-1],
    }


def summarize(ruleset: LoadedRuleset, units: list[Ranked], errors: list[RowError], rows_read: int) -> dict:
    model = ruleset.model
    scored = len(units)
    counts = Counter(u.scored.grade or "disqualified" for u in units)
    distribution = [
        {
            "grade": g.id,
            "title": g.title,
            "count": counts.get(g.id, 0),
            "share": quotient(Decimal(counts.get(g.id, 0)), Decimal(scored)) if scored else ZERO,
        }
        for g in model.grades
    ]
    distribution.append(
        {
            "grade": None,
            "title": "取消评定资格",
            "count": counts.get("disqualified", 0),
            "share": quotient(Decimal(counts.get("disqualified", 0)), Decimal(scored)) if scored else ZERO,
        }
    )
    vetoes = Counter(v for u in units for v in u.scored.vetoes)
    titles = {v.id: v.title for v in model.vetoes}
    moved = [
        {
            "row": u.row,
            "unit": u.scored.unit.id if u.scored.unit else None,
            "from": u.scored.quota.from_grade,
            "to": u.scored.quota.to_grade,
            "tie": u.scored.quota.tie,
            "reason": u.scored.quota.reason,
        }
        for u in units
        if u.scored.quota is not None
    ]
    summary = {
        "rows": rows_read,
        "scored": scored,
        "error_rows": _distinct_rows(errors),
        "grades": distribution,
        "total": quartiles([u.scored.total for u in units]),
        "dimensions": {
            d.id: {"title": d.title, **quartiles([u.scored.contributions[n] for u in units])}
            for n, d in enumerate(model.dimensions)
        },
        "vetoes": [{"veto": v, "title": titles[v], "count": n} for v, n in vetoes.most_common()],
        "ranking": {**model.ranking.model_dump(), "rule": ranking_rule(model)},
        "quota_moves": moved,
    }
    if model.flags:
        summary["flags"] = flag_counts(model, units)
    return summary


def flag_counts(model: Ruleset, units: list[Ranked]) -> list[dict]:
    """How many units raised each declared flag, in the order the ruleset writes them."""
    counts = Counter(f for u in units for f in u.scored.raised)
    return [{"flag": f.id, "title": f.title, "severity": f.severity, "count": counts.get(f.id, 0)} for f in model.flags]
