"""The per-unit JSON of every columnar unit, made in a scoring pool's workers.

A store that keeps each unit's full result (the service's score records) needs the
per-unit path's explanation of every unit, not of a sample: made one by one in the
batch's own process it would take longer than the columnar scoring saved. Each is
checked against the unit's columnar figures as it arrives, so the whole batch is
cross-checked; a difference stops the batch (ColumnarMismatch)."""

from __future__ import annotations

from ..loader import LoadedRuleset
from ..pool import ScoringPool, UnitRow, score_rows
from .run import ColumnarRun, confirm


def explain_all(ruleset: LoadedRuleset, run: ColumnarRun, rows: list[UnitRow], pool: ScoringPool | None) -> None:
    """Give each of the run's units the per-unit path's JSON, scored in `pool` (in this
    process without one), after checking its figures (the sample cross-checked already
    is scored again: a hundredth more, for one rule for all); all of them now count as
    cross-checked."""
    todo = [row for row in rows if row.row in run.units]
    by_row = {row.row: row for row in todo}
    for outcome in pool.run(todo) if pool else score_rows(ruleset, todo):
        row = by_row[outcome.row if not isinstance(outcome, list) else outcome[0].row]
        unit = run.units[row.row]
        confirm(row, unit, outcome, unit)
    run.cross_checked = len(todo)
