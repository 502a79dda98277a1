"""A unit scored columnar, as a batch holds it: its figures at once, its full result's JSON
made by the per-unit path (the engine of record) the first time something asks for it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..model import Ruleset
from ..quotas import QUOTA_TIE, QuotaDecision, quota_move
from ..result import UnitRef
from ..scored import ScoredUnit
from .figures import Figures


class ColumnarUnit(ScoredUnit):
    """A ScoredUnit whose `json` is written on demand (the CSV report and quotas never ask)."""

    __slots__ = ("_json", "_write")

    def __init__(self, figures: Figures, unit: UnitRef | None, write: Callable[[], str]):
        self._write = write
        self._json: str | None = None
        super().__init__(
            None,  # type: ignore[arg-type]  # the JSON comes on demand
            unit,
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

    @property
    def json(self) -> str:  # type: ignore[override]
        if self._json is None:
            self._json = self._write()
        return self._json

    @json.setter
    def json(self, value: str | None) -> None:
        self._json = value

    def moved(self, ruleset: Ruleset, decision: QuotaDecision) -> ColumnarUnit:
        """The unit as the quotas moved it, its figures at once (grade, move, tie mark) and
        its full result, the per-unit one with the move applied, when first asked for: a
        county's quotas move thousands of units, and rebuilding each would cost seconds."""
        move = quota_move(ruleset, self.standing.reaches, decision)
        unit = object.__new__(ColumnarUnit)
        for name in ScoredUnit._SENT[1:]:
            setattr(unit, name, getattr(self, name))
        unit._result, unit._json = None, None
        unit._write = lambda: ScoredUnit.moved(self, ruleset, decision).json
        unit.grade, unit.quota = move.to_grade, move
        unit.flags = self.flags + ((QUOTA_TIE,) if decision.tied else ())
        unit.standing = replace(self.standing, grade=move.to_grade)
        return unit
