"""The per-unit JSON of every columnar unit, made in a scoring pool's workers while this
process scores the batch columnar.

A store that keeps each unit's full result (the service's score records) needs the
per-unit path's explanation of every unit, not of a sample: made one by one in the
batch's own process it would take longer than the columnar scoring saved. The pool
scores the rows per unit in a thread of its own (the workers are other processes; the
thread mostly waits for them) while the columnar figures are computed here; each unit's
outcome is then checked against its figures, so the whole batch is cross-checked, and a
difference stops the batch (ColumnarMismatch)."""

from __future__ import annotations

import threading
from collections.abc import Callable

from ..loader import LoadedRuleset
from ..pool import ScoringPool, UnitRow, score_rows
from .run import ColumnarRun, confirm


def explained(
    ruleset: LoadedRuleset, rows: list[UnitRow], pool: ScoringPool | None, score: Callable[[], ColumnarRun]
) -> ColumnarRun:
    """`score()` (the columnar run of `rows`) with each of its units given the per-unit
    path's JSON, scored in `pool` meanwhile (in this process, after, without one), once
    its figures are checked; all of them count as cross-checked. The rows the columnar
    path leaves are scored per unit here too, and again by the batch: a few."""
    if pool is None:  # nothing to overlap
        run = score()
        _per_unit(ruleset, [row for row in rows if row.row in run.units], None, outcomes := {}, failed := [])
    else:
        outcomes, failed = {}, []
        worker = threading.Thread(
            target=_per_unit, args=(ruleset, rows, pool, outcomes, failed), name="kaoping-explain", daemon=True
        )
        worker.start()
        try:
            run = score()
        finally:
            worker.join()
    if failed:
        raise failed[0]
    by_row = {row.row: row for row in rows}
    for number, unit in run.units.items():
        confirm(by_row[number], unit, outcomes[number])
        run.units[number] = outcomes[number].unit  # the same figures, and the JSON the store keeps
    run.cross_checked = len(run.units)
    return run


def _per_unit(
    ruleset: LoadedRuleset, rows: list[UnitRow], pool: ScoringPool | None, outcomes: dict, failed: list
) -> None:
    """Each row's per-unit outcome into `outcomes`; what stops the scoring into `failed`."""
    try:
        for outcome in pool.run(rows) if pool else score_rows(ruleset, rows):
            outcomes[outcome.row if not isinstance(outcome, list) else outcome[0].row] = outcome
    except BaseException as error:  # raised again in the batch's own thread
        failed.append(error)
