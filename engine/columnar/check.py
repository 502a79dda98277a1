"""A columnar unit's figures against the per-unit path's, figure by figure."""

from __future__ import annotations

from ..scored import ScoredUnit
from .figures import Figures

# what the cross-check compares: every figure a ScoredUnit holds but its JSON
COMPARED = ("status", "total", "grade", "contributions", "vetoes", "raised", "standing", "sums")


def differing(figures: Figures | ScoredUnit, unit: ScoredUnit) -> str | None:
    """The first figure in which columnar figures (or a columnar unit) and the per-unit
    unit differ, or None."""
    return next((name for name in COMPARED if getattr(figures, name) != getattr(unit, name)), None)
