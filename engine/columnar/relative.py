"""Relative indicators for the columnar path: each unit's points from its reference (its
place among the batch, engine.batch.RelativeBatch), worked out per unit by
engine.relative.relative_points itself; the rest of the unit is scored columnar.

The points depend on the unit's own value and its reference, both per unit, and cost a few
comparisons each: so only these are per unit, put where the indicator's points are read.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..compiler import CompiledRuleset
from ..errors import UndefinedValue
from ..expressions import NA, UNKNOWN, evaluate
from ..relative import relative_points
from ..result import Reference
from .tally import Tallied


def points_name(indicator_id: str) -> str:
    """Where a unit's values hold a relative indicator's points (no input can be named so)."""
    return f"{indicator_id}@relative"


def with_relative(
    compiled: CompiledRuleset,
    values: list[dict[str, Any]],
    references: list[Reference | None] | None,
    left: list[int],
    tallied: Tallied,
) -> tuple[list[dict[str, Any]], list[int]]:
    """Each unit's values with the points of each relative indicator it is scored on, and
    `left` with the units the per-unit path must score: no reference for an indicator (the
    per-unit path refuses them), a value that divides by 0 or is unknown. An indicator may
    read ballot figures (`tallied`)."""
    indicators = compiled.ruleset.relative_indicators()
    if not indicators:
        return values, left
    skip = set(left)
    found, left = [], list(left)
    for k, unit in enumerate(values):
        reference = references[k] if references else None
        points = {} if k in skip else _points(compiled, indicators, _with_figures(unit, k, tallied), reference)
        if points is None:
            left.append(k)
        found.append({**unit, **(points or {})})
    return found, sorted(left)


def _with_figures(unit: dict[str, Any], k: int, tallied: Tallied) -> dict[str, Any]:
    """A unit's values and its ballot figures, as the per-unit path reads them."""
    if not tallied.columns:
        return unit
    figures = {name: NA if tallied.na[name][k] else tallied.value(name, k) for name in tallied.columns}
    return {**unit, **figures}


def _points(compiled: CompiledRuleset, indicators, unit: dict[str, Any], reference: Reference | None):
    """The unit's points of each relative indicator it reads no "NA" for, or None."""
    points = {}
    for indicator in indicators:
        if any(unit.get(name) is NA for name in compiled.indicator_inputs[indicator.id]):
            continue  # not applicable: its dimension is rescaled
        relative = indicator.score.relative
        found = reference.indicators.get(indicator.id) if reference is not None else None
        try:
            value = evaluate(relative.of.root, unit)
        except UndefinedValue:
            return None
        if found is None or value is NA or value is UNKNOWN:
            return None
        value = Decimal(int(value)) if isinstance(value, bool) else value
        points[points_name(indicator.id)] = relative_points(relative, indicator.points, value, found)
    return points
