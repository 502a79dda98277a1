"""What `kaoping check` tells an editor beyond refusals: likely mistakes and the range.

- bands on one number input that leave values without a band and have no `else`;
- bands that can never be reached (an earlier band already covers them, or the
  input's range excludes them);
- grades that no reachable total can earn;
- the lowest and highest total a unit can reach.

Band analysis covers the common form (each `when` compares one input with values,
joined by `and`); bands of any other form are not judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from .decimals import ZERO, plain
from .expressions import And, Compare, Name, Node, Number, String
from .model import ClassWeights, Count, Dimension, Indicator, Ruleset

INFINITY = Decimal("Infinity")


@dataclass(frozen=True)
class Interval:
    low: Decimal
    low_closed: bool
    high: Decimal
    high_closed: bool

    @property
    def empty(self) -> bool:
        return self.low > self.high or (self.low == self.high and not (self.low_closed and self.high_closed))

    def text(self) -> str:
        left = "[" if self.low_closed else "("
        right = "]" if self.high_closed else ")"
        low = "-∞" if self.low == -INFINITY else plain(self.low)
        high = "∞" if self.high == INFINITY else plain(self.high)
        return f"{left}{low}, {high}{right}"


def _bound(op: str, value: Decimal) -> Interval:
    everything = Interval(-INFINITY, False, INFINITY, False)
    return {
        ">": Interval(value, False, INFINITY, False),
        ">=": Interval(value, True, INFINITY, False),
        "<": Interval(-INFINITY, False, value, False),
        "<=": Interval(-INFINITY, False, value, True),
        "==": Interval(value, True, value, True),
    }.get(op, everything)


def _intersect(a: Interval, b: Interval) -> Interval:
    if (a.low, not a.low_closed) >= (b.low, not b.low_closed):
        low, low_closed = a.low, a.low_closed
    else:
        low, low_closed = b.low, b.low_closed
    if (a.high, a.high_closed) <= (b.high, b.high_closed):
        high, high_closed = a.high, a.high_closed
    else:
        high, high_closed = b.high, b.high_closed
    return Interval(low, low_closed, high, high_closed)


def _as_integers(interval: Interval) -> Interval:
    """The same interval over whole numbers only, with closed integer bounds."""

    def up(value: Decimal, closed: bool) -> Decimal:
        if value.is_infinite():
            return value
        whole = Decimal(math.ceil(value))
        return whole + 1 if whole == value and not closed else whole

    def down(value: Decimal, closed: bool) -> Decimal:
        if value.is_infinite():
            return value
        whole = Decimal(math.floor(value))
        return whole - 1 if whole == value and not closed else whole

    low, high = up(interval.low, interval.low_closed), down(interval.high, interval.high_closed)
    return Interval(low, not low.is_infinite(), high, not high.is_infinite())


def _comparisons(node: Node) -> list[Compare] | None:
    parts = node.items if isinstance(node, And) else (node,)
    if all(isinstance(p, Compare) for p in parts):
        return list(parts)
    return None


def _band_region(node: Node) -> tuple[str, str, object] | None:
    """(input, "number"|"choice", interval or value set) for a single-input band."""
    parts = _comparisons(node)
    if not parts:
        return None
    names = set()
    interval = Interval(-INFINITY, False, INFINITY, False)
    choice: set[str] | None = None
    for part in parts:
        left, right, op = part.left, part.right, part.op
        if isinstance(left, Number | String) and isinstance(right, Name):
            left, right = right, left
            op = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}.get(op, op)
        if not isinstance(left, Name):
            return None
        names.add(left.id)
        if isinstance(right, Number) and op != "!=":
            interval = _intersect(interval, _bound(op, right.value))
        elif isinstance(right, String) and op == "==" and right.value != "NA":
            choice = {right.value} if choice is None else choice & {right.value}
        else:
            return None
    if len(names) != 1:
        return None
    if choice is not None:
        return names.pop(), "choice", choice
    return names.pop(), "number", interval


def _input_interval(ruleset: Ruleset, name: str) -> Interval:
    spec = ruleset.inputs[name]
    low = spec.min if spec.min is not None else -INFINITY
    high = spec.max if spec.max is not None else INFINITY
    return Interval(low, spec.min is not None, high, spec.max is not None)


def _uncovered(domain: Interval, covered: list[Interval], integer: bool) -> list[Interval]:
    """The parts of `domain` outside every interval of `covered`."""
    gaps = [_as_integers(domain) if integer else domain]
    for cover in covered:
        remaining = []
        for gap in gaps:
            below = _intersect(gap, Interval(-INFINITY, False, cover.low, not cover.low_closed))
            above = _intersect(gap, Interval(cover.high, not cover.high_closed, INFINITY, False))
            for piece in (below, above):
                piece = _as_integers(piece) if integer else piece
                if not piece.empty:
                    remaining.append(piece)
        gaps = remaining
    return gaps


def band_warnings(ruleset: Ruleset) -> list[str]:
    warnings: list[str] = []
    for d, dimension in enumerate(ruleset.dimensions):
        for i, indicator in enumerate(dimension.indicators):
            bands = indicator.score.bands
            if not bands:
                continue
            path = f"dimensions[{d}].indicators[{i}].score.bands"
            regions = [_band_region(b.when.root) if b.when is not None else None for b in bands if not b.is_else]
            if any(r is None for r in regions) or len({r[0] for r in regions}) != 1:
                continue
            name, kind = regions[0][0], regions[0][1]
            if kind == "choice" or any(r[1] != kind for r in regions):
                warnings.extend(_choice_bands(ruleset, name, regions, path, has_else=bands[-1].is_else))
                continue
            integer = ruleset.inputs[name].type == "integer"
            domain = _input_interval(ruleset, name)
            covered: list[Interval] = []
            for b, (_, _, interval) in enumerate(regions):
                if not _uncovered(_intersect(interval, domain), covered, integer):
                    warnings.append(
                        f"{path}[{b}]: can never be reached (earlier bands or the range of {name} cover it)"
                    )
                covered.append(interval)
            if not bands[-1].is_else:
                gaps = _uncovered(domain, covered, integer)
                if gaps:
                    shown = ", ".join(g.text() for g in gaps)
                    warnings.append(
                        f"{path}: values of {name} in {shown} match no band and there is no else (0 points)"
                    )
    return warnings


def _choice_bands(ruleset, name, regions, path, has_else) -> list[str]:
    if any(r[1] != "choice" for r in regions):
        return []
    warnings = []
    seen: set[str] = set()
    for b, (_, _, values) in enumerate(regions):
        if not values - seen:
            warnings.append(f"{path}[{b}]: can never be reached (earlier bands cover {', '.join(sorted(values))})")
        seen |= values
    missing = set(ruleset.inputs[name].choices or ()) - seen
    if missing and not has_else:
        warnings.append(f"{path}: {', '.join(sorted(missing))} of {name} match no band and there is no else (0 points)")
    return warnings


# ---------------------------------------------------------------- reachable totals


def _indicator_range(ruleset: Ruleset, indicator: Indicator) -> tuple[Decimal, Decimal]:
    score = indicator.score
    full = indicator.points
    if score.bands is not None:
        values = [b.value for b in score.bands]
        if not score.bands[-1].is_else:
            values.append(ZERO)
        return min(values), max(values)
    if score.deduct is not None or score.award is not None:
        return _count_range(ruleset, score.deduct or score.award, full, deduct=score.deduct is not None)
    return ZERO, full


def _count_range(ruleset: Ruleset, count: Count, full: Decimal, deduct: bool) -> tuple[Decimal, Decimal]:
    root = count.of.root
    if not isinstance(root, Name) or root.id not in ruleset.inputs:
        return ZERO, full
    spec = ruleset.inputs[root.id]
    from .scoring import count_units  # the same arithmetic the score uses

    ends = [v for v in (spec.min, spec.max) if v is not None]
    if len(ends) < 2:
        return ZERO, full
    units = [count_units(count, v)[0] * count.points for v in ends]
    points = [max(ZERO, min(full, full - u if deduct else u)) for u in units]
    return min(points), max(points)


def _dimension_range(ruleset: Ruleset, dimension: Dimension, weight: Decimal | None) -> tuple[Decimal, Decimal]:
    low = sum((_indicator_range(ruleset, i)[0] for i in dimension.indicators), ZERO)
    high = sum((_indicator_range(ruleset, i)[1] for i in dimension.indicators), ZERO)
    if weight is None:
        return low, high
    full = dimension.full_points
    return weight * low / full, weight * high / full


def _adjustment_range(ruleset: Ruleset) -> tuple[Decimal, Decimal]:
    low_total = high_total = ZERO
    for group in ruleset.adjustments:
        low = high = ZERO
        for item in group.items:
            if item.when is not None:
                low += min(ZERO, item.points)
                high += max(ZERO, item.points)
                continue
            spec = ruleset.inputs[item.per]
            ends = [item.points * v for v in (spec.min, spec.max) if v is not None]
            unbounded = len(ends) < 2
            low += -INFINITY if unbounded and item.points > 0 and spec.min is None else min(ends + [ZERO])
            high += INFINITY if unbounded and (item.points > 0) == (spec.max is None) else max(ends + [ZERO])
        if group.cap is not None:
            low, high = (
                (min(low, group.cap), min(high, group.cap))
                if group.cap >= 0
                else (max(low, group.cap), max(high, group.cap))
            )
        low_total += low
        high_total += high
    return low_total, high_total


def total_range(ruleset: Ruleset) -> tuple[Decimal, Decimal]:
    """The lowest and highest total (before rounding) a valid unit can reach."""
    classes = _weight_classes(ruleset)
    adj_low, adj_high = _adjustment_range(ruleset)
    lows, highs = [], []
    for weights in classes:
        ranges = [_dimension_range(ruleset, d, weights[d.id]) for d in ruleset.dimensions]
        lows.append(sum((r[0] for r in ranges), ZERO))
        highs.append(sum((r[1] for r in ranges), ZERO))
    return max(ZERO, min(lows) + adj_low), max(ZERO, max(highs) + adj_high)


def _weight_classes(ruleset: Ruleset) -> list[dict[str, Decimal | None]]:
    by_class = [d.weight for d in ruleset.dimensions if isinstance(d.weight, ClassWeights)]
    if not by_class:
        return [{d.id: d.weight for d in ruleset.dimensions}]
    choices = ruleset.inputs[by_class[0].by].choices or []
    return [
        {d.id: d.weight.values[c] if isinstance(d.weight, ClassWeights) else d.weight for d in ruleset.dimensions}
        for c in choices
    ]


def grade_warnings(ruleset: Ruleset, highest: Decimal) -> list[str]:
    warnings = []
    for g, grade in enumerate(ruleset.grades):
        if grade.min is not None and grade.min > highest:
            warnings.append(
                f"grades[{g}]: {grade.title} needs {plain(grade.min)}"
                f" but the highest reachable total is {plain(highest)}"
            )
    return warnings


@dataclass
class CheckReport:
    indicators: int
    conditions: int
    lowest_total: Decimal
    highest_total: Decimal
    warnings: list[str]


def check_ruleset(ruleset: Ruleset, conditions: int) -> CheckReport:
    low, high = total_range(ruleset)
    warnings = band_warnings(ruleset) + grade_warnings(ruleset, high)
    indicators = sum(len(d.indicators) for d in ruleset.dimensions)
    return CheckReport(indicators, conditions, low, high, warnings)
