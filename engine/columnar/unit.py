"""A unit scored columnar, as a batch holds it: its figures at once, its full result's JSON
written by the per-unit path (the engine of record) whenever something asks for it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ..decimals import Exact
from ..pool import UnitRow
from ..scored import Remake, ScoredUnit
from .figures import Figures


class Shared:
    """One object per distinct figure of a batch: a million units repeat few contributions
    and totals, and a Decimal each (104 bytes) would be most of a unit's memory. Figures
    are told apart by their text, so "4.5" and "4.50" stay what they are."""

    def __init__(self):
        self.seen: dict[Any, Any] = {}

    def figure(self, value: Exact) -> Exact:
        return self.seen.setdefault((type(value), str(value)), value)

    def figures(self, values: tuple[Exact, ...]) -> tuple[Exact, ...]:
        return tuple(self.seen.setdefault((type(v), str(v)), v) for v in values)

    def flags(self, values: tuple[bool, ...]) -> tuple[bool, ...]:
        return self.seen.setdefault(values, values)  # booleans: equal tuples are the same


def columnar_unit(figures: Figures, row: UnitRow, remake: Remake, shared: Shared) -> ScoredUnit:
    """The unit's figures, with its JSON on demand (the CSV report and quotas never ask)."""
    base, groups, unrounded = figures.sums
    standing = figures.standing
    unit = ScoredUnit(
        None,
        row.unit,
        figures.status,
        shared.figure(figures.total),
        figures.grade,
        shared.figures(figures.contributions),
        figures.vetoes,
        (),  # marks: scoring makes none; a quota's tie mark comes with the result it rebuilds
        figures.raised,
        None,
        replace(standing, total=shared.figure(standing.total), reaches=shared.flags(standing.reaches)),
        (shared.figure(base), shared.figures(groups), shared.figure(unrounded)),
        row.reference,  # a relative batch's: the result names it, and the batch sees it was used
    )
    return unit.forget_json(remake, row)
