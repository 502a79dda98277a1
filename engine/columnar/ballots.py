"""Ballots for the columnar path: counted per unit, as engine.ballots counts them; their
figures (exact rates and satisfactions) become columns the expressions read
(engine.columnar.exact_columns).

Counting a ballot is a handful of fractions per unit; what costs is scoring, so each unit's
ballots are counted by the per-unit code itself and only the scoring is columnar.
"""

from __future__ import annotations

from typing import Any

from ..ballots import count_ballots, figure_titles, may_be_na
from ..errors import InputError
from ..model import Ruleset


def counted(model: Ruleset, values: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
    """Each unit's values with its ballots' figures, and the indices of the units whose
    ballots cannot be counted (the per-unit path refuses them, saying why)."""
    if not model.ballots:
        return values, []
    found, refused = [], []
    for k, unit in enumerate(values):
        try:
            _, figures = count_ballots(model, unit)
        except InputError:
            refused.append(k)
            figures = {}
        found.append({**unit, **figures})
    return found, refused


def figure_names(model: Ruleset) -> frozenset[str]:
    """The names of every ballot figure expressions may read."""
    return frozenset(name for ballot in model.ballots for name in figure_titles(ballot))


def figure_may_be_na(model: Ruleset, name: str) -> bool:
    """Whether a ballot figure can be "NA" (a group left out by `empty_groups: reweight`)."""
    return any(may_be_na(ballot, name) for ballot in model.ballots if name.startswith(f"{ballot.id}."))
