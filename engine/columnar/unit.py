"""A unit scored columnar, as a batch holds it: its figures at once, its full result's JSON
written by the per-unit path (the engine of record) whenever something asks for it."""

from __future__ import annotations

from ..pool import UnitRow
from ..scored import Remake, ScoredUnit
from .figures import Figures


def columnar_unit(figures: Figures, row: UnitRow, remake: Remake) -> ScoredUnit:
    """The unit's figures, with its JSON on demand (the CSV report and quotas never ask)."""
    unit = ScoredUnit(
        None,
        row.unit,
        figures.status,
        figures.total,
        figures.grade,
        figures.contributions,
        figures.vetoes,
        (),  # marks: scoring makes none; a quota's tie mark comes with the result it rebuilds
        figures.raised,
        None,
        figures.standing,
        figures.sums,
    )
    return unit.forget_json(remake, row)
