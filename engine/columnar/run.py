"""A batch's units scored columnar where they can be and per unit where not, with a
seeded sample of the columnar ones scored again per unit and compared figure by figure.

A difference stops the batch: the per-unit path is the engine of record, so a columnar
figure it does not confirm is never reported.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from ..errors import KaopingError
from ..loader import LoadedRuleset
from ..messages import say
from ..pool import Outcome, RowError, UnitRow, score_rows
from ..scored import Remake, ScoredUnit
from .check import differing
from .figures import Figures, score_columns
from .unit import Shared, columnar_unit
from .validate import Validator

SAMPLE_AT_LEAST = 20
SAMPLE_SHARE = 100  # one unit in a hundred, when that is more


class ColumnarMismatch(KaopingError):
    """A columnar figure the per-unit path does not confirm."""


@dataclass
class ColumnarRun:
    """The columnar units by row, the rows left for the per-unit path, and the counts."""

    units: dict[int, ScoredUnit]
    left: list[UnitRow]
    cross_checked: int

    def counts(self, results: dict, errors: dict) -> dict:
        """What the batch summary says of the columnar path, from the batch's `results` and
        `errors` by row: a columnar unit scored again per unit (a relative indicator's peers
        changed when another unit was refused) counts as per unit."""
        columnar = sum(1 for row, unit in self.units.items() if results.get(row) is unit)
        per_unit = len(results) + len(errors) - columnar
        return {"columnar": columnar, "per_unit": per_unit, "cross_checked": self.cross_checked}


def score_columnar(ruleset: LoadedRuleset, rows: list[UnitRow], *, check_all: bool = False, seed: int = 0):
    """Score `rows` columnar where each unit allows, and cross-check a sample
    (every unit with `check_all`); ColumnarMismatch on any difference."""
    valid, left = Validator(ruleset.model).split(rows)  # the per-unit path refuses `left`, in its words
    figures, per_unit = score_columns(ruleset, [values for _, values in valid], [row.reference for row, _ in valid])
    left += [valid[k][0] for k in per_unit]
    remake, shared = Remake(ruleset), Shared()
    units = {valid[k][0].row: columnar_unit(f, valid[k][0], remake, shared) for k, f in figures.items()}
    found = {valid[k][0].row: (valid[k][0], f) for k, f in figures.items()}
    checked = _sample(sorted(found), check_all, seed)
    for row in checked:
        _cross_check(ruleset, *found[row])
    return ColumnarRun(units, sorted(left, key=lambda r: r.row), len(checked))


def _sample(rows: list[int], check_all: bool, seed: int) -> list[int]:
    if check_all:
        return rows
    size = min(len(rows), max(SAMPLE_AT_LEAST, math.ceil(len(rows) / SAMPLE_SHARE)))
    return sorted(random.Random(seed).sample(rows, size))


def _cross_check(ruleset: LoadedRuleset, row: UnitRow, figures: Figures) -> None:
    """The unit scored again per unit: its figures must be the columnar ones."""
    (outcome,) = score_rows(ruleset, [row])
    confirm(row, figures, outcome)


def confirm(row: UnitRow, figures: Figures | ScoredUnit, outcome: Outcome) -> None:
    """The unit's per-unit outcome must have the columnar figures (ColumnarMismatch if not)."""
    if isinstance(outcome, list):
        _mismatch(row, "status", figures.status, _refused(outcome))
    name = differing(figures, outcome.unit)
    if name is not None:
        _mismatch(row, name, getattr(figures, name), getattr(outcome.unit, name))


def _refused(errors: list[RowError]) -> str:
    return "; ".join(e.message for e in errors)


def _mismatch(row: UnitRow, name: str, columnar, per_unit) -> None:
    unit = row.unit.id if row.unit else "-"
    raise ColumnarMismatch(
        say("columnar.differs", unit=unit, row=row.row, figure=name, columnar=columnar, per_unit=per_unit)
    )
