"""What `kaoping check` tells an editor beyond refusals: likely mistakes and the range.

- bands on one number input that leave values without a band and have no `else`;
- bands that can never be reached (an earlier band already covers them, or the
  input's range excludes them);
- grades that no reachable total can earn;
- flags (extension) that no unit can raise, or that every unit raises, where their
  condition is a constant or compares one input, `total` or `grade` with values;
- rectification items (extension) no unit can open, or every unit opens;
- the lowest and highest total a unit can reach, counting only reachable points:
  exact where the ruleset is separable (each input read by one scoring element, each
  indicator of a form analysed here), a safe bound otherwise, with the reasons.

Band analysis covers the common form (each `when` compares one input with values,
joined by `and`); bands of any other form are not judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal

from .decimals import ZERO, plain, round_half_up
from .expressions import And, Boolean, Compare, Name, Node, Number, String
from .messages import say
from .model import ClassWeights, Dimension, Indicator, Ruleset

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
    first = _as_integers(domain) if integer else domain
    gaps = [] if first.empty else [first]
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


@dataclass(frozen=True)
class BandReach:
    """Which of an indicator's bands some valid value of its input reaches, and the
    values left without a band (for a number input: intervals; for a choice: choices)."""

    input: str
    kind: str  # number | choice
    regions: list  # per band before an else: Interval or set of choices
    reachable: list[bool]  # per band, the else band included
    gaps: list


def band_reach(ruleset: Ruleset, indicator: Indicator) -> BandReach | None:
    """The reach of bands of the common form (each `when` on one input); None otherwise."""
    bands = indicator.score.bands
    if not bands:
        return None
    regions = [_band_region(b.when.root) for b in bands if not b.is_else]
    if not regions or any(r is None for r in regions) or len({r[0] for r in regions}) != 1:
        return None
    name = regions[0][0]
    kinds = {r[1] for r in regions}
    if len(kinds) != 1 or name not in ruleset.inputs:  # a ballot's figure has no declared range
        return None
    kind = kinds.pop()
    reachable: list[bool] = []
    if kind == "choice":
        seen: set[str] = set()
        for _, _, values in regions:
            reachable.append(bool(values - seen))
            seen |= values
        gaps: list = sorted(set(ruleset.inputs[name].choices or ()) - seen)
    else:
        integer = ruleset.inputs[name].type == "integer"
        domain = _input_interval(ruleset, name)
        covered: list[Interval] = []
        for _, _, interval in regions:
            reachable.append(bool(_uncovered(_intersect(interval, domain), covered, integer)))
            covered.append(interval)
        gaps = _uncovered(domain, covered, integer)
    if bands[-1].is_else:
        reachable.append(bool(gaps))
    return BandReach(name, kind, [r[2] for r in regions], reachable, gaps)


def band_warnings(ruleset: Ruleset) -> list[str]:
    warnings: list[str] = []
    for d, dimension in enumerate(ruleset.dimensions):
        for i, indicator in enumerate(dimension.indicators):
            reach = band_reach(ruleset, indicator)
            if reach is None:
                continue
            path = f"dimensions[{d}].indicators[{i}].score.bands"
            name = reach.input
            for b, reachable in enumerate(reach.reachable[: len(reach.regions)]):
                if reachable:
                    continue
                if reach.kind == "choice":
                    covered = ", ".join(sorted(reach.regions[b]))
                    warnings.append(f"{path}[{b}]: " + say("check.band_covered", covered=covered))
                else:
                    warnings.append(f"{path}[{b}]: " + say("check.band_unreachable", name=name))
            if indicator.score.bands[-1].is_else or not reach.gaps:
                continue
            if reach.kind == "choice":
                shown = ", ".join(reach.gaps)
                warnings.append(f"{path}: " + say("check.choice_gap", values=shown, name=name))
            else:
                shown = ", ".join(g.text() for g in reach.gaps)
                warnings.append(f"{path}: " + say("check.range_gap", values=shown, name=name))
    return warnings


# ---------------------------------------------------------------- reachable totals


@dataclass(frozen=True)
class Span:
    """A range of points and whether both ends are attained (exact) or only bounds."""

    low: Decimal
    high: Decimal
    exact: bool


def _single_input(expression) -> str | None:
    root = expression.root
    return root.id if isinstance(root, Name) else None


def _input_ends(ruleset: Ruleset, name: str | None) -> list[Decimal] | None:
    """Both ends of a numeric input's range, or None when the input is not one with both."""
    if name is None or name not in ruleset.inputs:
        return None
    spec = ruleset.inputs[name]
    if not spec.numeric or spec.min is None or spec.max is None:
        return None
    return [spec.min, spec.max]


def indicator_span(ruleset: Ruleset, indicator: Indicator) -> Span:
    """The points an indicator can give: exact for the forms analysed, a bound otherwise."""
    score = indicator.score
    full = indicator.points
    if score.bands is not None:
        reach = band_reach(ruleset, indicator)
        if reach is None:
            values = [b.value for b in score.bands] + ([] if score.bands[-1].is_else else [ZERO])
            return Span(min(values), max(values), False)
        values = [b.value for b, ok in zip(score.bands, reach.reachable, strict=False) if ok]
        if not score.bands[-1].is_else and reach.gaps:
            values.append(ZERO)
        return Span(min(values), max(values), True) if values else Span(ZERO, ZERO, True)
    if score.check is not None:
        return Span(ZERO, full, _either_way(ruleset, score.check))
    if score.linear is not None:
        ends = _input_ends(ruleset, _single_input(score.linear.of))
        if ends is None:
            return Span(ZERO, full, False)
        linear = score.linear
        points = [max(ZERO, min(full, full * (v - linear.zero_at) / (linear.full_at - linear.zero_at))) for v in ends]
        return Span(min(points), max(points), True)
    if score.formula is not None:
        ends = _input_ends(ruleset, _single_input(score.formula))
        if ends is None:
            return Span(ZERO, full, False)
        return Span(max(ZERO, min(full, ends[0])), max(ZERO, min(full, ends[1])), True)
    if score.relative is not None:
        # the best-placed unit of a batch gets full points, the worst-placed down to the floor
        return Span(score.relative.floor or ZERO, full, True)
    count = score.deduct or score.award
    ends = _input_ends(ruleset, _single_input(count.of))
    if ends is None:
        return Span(ZERO, full, False)
    from .scoring import count_units  # the same arithmetic the score uses

    units = [count_units(count, v)[0] * count.points for v in ends]
    points = [max(ZERO, min(full, full - u if score.deduct is not None else u)) for u in units]
    return Span(min(points), max(points), True)


def _may_be_na(ruleset: Ruleset, names) -> bool:
    """Whether a unit may leave an indicator reading these inputs not applicable."""
    for name in names:
        spec = ruleset.inputs.get(name)
        if spec is not None and (spec.na_allowed or (not spec.required and spec.default is None)):
            return True
    return False


MAX_NA_SUBSETS = 256


def _dimension_span(ruleset: Ruleset, dimension: Dimension, weight: Decimal | None) -> Span:
    """A dimension's contribution, over every way its indicators may be not applicable."""
    from .compiler import indicator_inputs

    spans = [indicator_span(ruleset, i) for i in dimension.indicators]
    optional = [k for k, i in enumerate(dimension.indicators) if _may_be_na(ruleset, indicator_inputs(i))]
    full = dimension.full_points
    exact = all(s.exact for s in spans)
    if 2 ** len(optional) > MAX_NA_SUBSETS:
        low, high, exact = ZERO, full, False
    else:
        lows, highs = [], []
        for mask in range(2 ** len(optional)):
            left_out = {optional[b] for b in range(len(optional)) if mask >> b & 1}
            kept = [k for k in range(len(spans)) if k not in left_out]
            if not kept:
                continue
            applicable = sum((dimension.indicators[k].points for k in kept), ZERO)
            points_low = sum((spans[k].low for k in kept), ZERO)
            points_high = sum((spans[k].high for k in kept), ZERO)
            scale = full / applicable if applicable else ZERO
            lows.append(points_low * scale)
            highs.append(points_high * scale)
        low, high = min(lows), max(highs)
    if weight is None:
        return Span(low, high, exact)
    return Span(weight * low / full, weight * high / full, exact)


def _adjustment_span(ruleset: Ruleset) -> Span:
    low_total = high_total = ZERO
    exact = True
    for group in ruleset.adjustments:
        low = high = ZERO
        for item in group.items:
            if item.when is not None:
                exact = exact and _either_way(ruleset, item.when)
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
    return Span(low_total, high_total, exact)


def _either_way(ruleset: Ruleset, expression) -> bool:
    """Whether a condition is known to be able both to hold and to fail: a boolean input,
    one input compared with values, or an `and` of such parts on distinct inputs."""
    root = expression.root
    parts = root.items if isinstance(root, And) else (root,)
    names: list[str] = []
    for part in parts:
        if isinstance(part, Name):
            spec = ruleset.inputs.get(part.id)
            if spec is None or spec.type != "boolean":
                return False
            names.append(part.id)
            continue
        region = _band_region(part)
        if region is None or region[1] != "number" or region[0] not in ruleset.inputs:
            return False
        name, _, interval = region
        integer = ruleset.inputs[name].type == "integer"
        domain = _input_interval(ruleset, name)
        if not _uncovered(_intersect(interval, domain), [], integer) or not _uncovered(domain, [interval], integer):
            return False
        names.append(name)
    return len(names) == len(set(names))


@dataclass(frozen=True)
class TotalRange:
    """The lowest and highest total a valid unit can reach, and whether they are exact
    (each attained by some unit) or safe bounds, with the reasons when they are bounds."""

    low: Decimal
    high: Decimal
    exact: bool
    reasons: list[str]


def reachable_total(ruleset: Ruleset) -> TotalRange:
    """The reachable total range: exact where the ruleset is separable, a safe bound otherwise."""
    adjustments = _adjustment_span(ruleset)
    lows, highs, exact = [], [], adjustments.exact
    for weights in _weight_classes(ruleset):
        spans = [_dimension_span(ruleset, d, weights[d.id]) for d in ruleset.dimensions]
        lows.append(sum((s.low for s in spans), ZERO))
        highs.append(sum((s.high for s in spans), ZERO))
        exact = exact and all(s.exact for s in spans)
    reasons = []
    if not exact:
        reasons.append(say("check.inexact_forms"))
    weighted = {d.weight.by for d in ruleset.dimensions if isinstance(d.weight, ClassWeights)}
    shared = sorted(
        name
        for name, count in _readers(ruleset).items()
        if count > (sum(isinstance(d.weight, ClassWeights) for d in ruleset.dimensions) if name in weighted else 1)
    )
    if shared:
        reasons.append(say("check.shared_inputs", names=", ".join(shared)))
    if ruleset.consistency:
        reasons.append(say("check.consistency"))
    low = max(ZERO, min(lows) + adjustments.low)
    high = max(ZERO, max(highs) + adjustments.high)
    return TotalRange(low, high, not reasons, reasons)


def _readers(ruleset: Ruleset) -> dict[str, int]:
    """How many scoring elements (indicators, adjustment items, class weights) read each input."""
    from .compiler import indicator_inputs

    readers: dict[str, int] = {}
    names: list = [indicator_inputs(indicator) for _, indicator in ruleset.indicators()]
    names += [item.when.names if item.when is not None else {item.per} for g in ruleset.adjustments for item in g.items]
    names += [{d.weight.by} for d in ruleset.dimensions if isinstance(d.weight, ClassWeights)]
    for group in names:
        for name in group:
            if name in ruleset.inputs:
                readers[name] = readers.get(name, 0) + 1
    return readers


def total_range(ruleset: Ruleset) -> tuple[Decimal, Decimal]:
    """The lowest and highest total (before rounding) a valid unit can reach."""
    found = reachable_total(ruleset)
    return found.low, found.high


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
                f"grades[{g}]: "
                + say("check.grade_unreachable", grade=grade.title, min=plain(grade.min), high=plain(highest))
            )
    return warnings


def flag_warnings(ruleset: Ruleset, found: TotalRange) -> list[str]:
    """Flags whose condition is known never to hold, or to hold for every unit."""
    warnings = []
    for f, flag in enumerate(ruleset.flags):
        judged = _flag_judgement(ruleset, flag.when, found)
        if judged is not None:
            key, reason = judged
            warnings.append(f"flags[{f}].when: " + say(key, flag=flag.title, reason=reason))
    return warnings


def _flag_judgement(ruleset: Ruleset, when, found: TotalRange) -> tuple[str, str] | None:
    """("check.flag_never" or "check.flag_always", why), or None when it cannot be told."""
    root = when.root
    if isinstance(root, Boolean):
        return ("check.flag_always" if root.value else "check.flag_never"), say("check.flag_constant")
    region = _band_region(root)
    if region is None:
        return None
    name, kind, values = region
    if kind == "choice":
        if name != "grade":
            return None if values else ("check.flag_never", say("check.flag_constant"))
        highest = round_half_up(found.high, ruleset.precision)
        if any(g.id in values and (g.min is None or g.min <= highest) for g in ruleset.grades):
            return None
        return "check.flag_never", say("check.flag_grade", grade=", ".join(sorted(values)))
    if name == "total":
        low, high = (round_half_up(v, ruleset.precision) for v in (found.low, found.high))
        domain, integer, may_be_na = Interval(low, True, high, True), False, False
    elif name in ruleset.inputs and ruleset.inputs[name].numeric:
        spec = ruleset.inputs[name]
        domain, integer = _input_interval(ruleset, name), spec.type == "integer"
        may_be_na = spec.na_allowed or (not spec.required and spec.default is None)
    else:
        return None
    shown = {"name": name, "domain": domain.text(), "condition": when.text, "region": values.text()}
    if not _uncovered(_intersect(values, domain), [], integer):
        return "check.flag_never", say("check.flag_range", **shown)
    if not may_be_na and not _uncovered(domain, [values], integer):
        return "check.flag_always", say("check.flag_covers", **shown)
    return None


@dataclass
class CheckReport:
    indicators: int
    conditions: int
    lowest_total: Decimal
    highest_total: Decimal
    warnings: list[str]
    range_exact: bool = True
    range_reasons: list[str] = field(default_factory=list)


def _names_read(ruleset: Ruleset) -> set[str]:
    """Every name an indicator, condition or output of the ruleset reads."""
    from .compiler import conditions_of, indicator_inputs

    names: set[str] = set()
    for _, indicator in ruleset.indicators():
        names |= indicator_inputs(indicator)
    for *_, expression, _phase in conditions_of(ruleset):
        names |= expression.names
    for output in ruleset.outputs.values():
        names |= output.formula.names
    return names


def ballot_warnings(ruleset: Ruleset) -> list[str]:
    """Ballots whose choices are worth more than 1 or less than 0, groups that weigh
    nothing, and ballots nothing reads."""
    from .ballots import generated_inputs

    warnings: list[str] = []
    read = _names_read(ruleset) if ruleset.ballots else set()
    for b, ballot in enumerate(ruleset.ballots):
        path = f"ballots[{b}]"
        for c, choice in enumerate(ballot.choices):
            if not 0 <= choice.worth <= 1:
                message = say("check.ballot_value", ballot=ballot.title, choice=choice.id, value=choice.value)
                warnings.append(f"{path}.choices[{c}].value: {message}")
        for g, group in enumerate(ballot.groups):
            if group.share == 0:
                message = say("check.ballot_weight_zero", ballot=ballot.title, group=group.id)
                warnings.append(f"{path}.groups[{g}].weight: {message}")
        prefix = f"{ballot.id}."
        if not any(name.startswith(prefix) for name in read) and not read & generated_inputs(ballot).keys():
            warnings.append(f"{path}: " + say("check.ballot_unused", ballot=ballot.title))
    return warnings


def relative_warnings(ruleset: Ruleset) -> list[str]:
    """Likely surprises of relative indicators: ratios to a best that may not be
    positive, ranks that do not tell places apart, units left out for "NA"."""
    warnings: list[str] = []
    for d, dimension in enumerate(ruleset.dimensions):
        for i, indicator in enumerate(dimension.indicators):
            relative = indicator.score.relative
            if relative is None:
                continue
            path = f"dimensions[{d}].indicators[{i}].score.relative"
            name = relative.of.text
            if relative.method == "best":
                ends = _input_ends(ruleset, _single_input(relative.of))
                spec = ruleset.inputs.get(_single_input(relative.of) or "")
                low = ends[0] if ends else (spec.min if spec is not None else None)
                if low is None or low < 0:
                    warnings.append(f"{path}: " + say("check.relative_best_not_positive", name=name))
            if relative.method == "rank" and (relative.floor or ZERO) == indicator.points:
                warnings.append(f"{path}: " + say("check.relative_rank_flat"))
            if _may_be_na(ruleset, relative.of.names):
                warnings.append(f"{path}: " + say("check.relative_na", name=name))
    return warnings


def rectification_warnings(ruleset: Ruleset) -> list[str]:
    """Rectification items no unit can open (an indicator that always scores above the
    line, a bonus taken for a deduction) or that every unit opens."""
    indicators = {indicator.id: indicator for _, indicator in ruleset.indicators()}
    items = {item.id: item for group in ruleset.adjustments for item in group.items}
    warnings: list[str] = []
    for r, item in enumerate(ruleset.rectification):
        path = f"rectification[{r}]"
        if item.indicator in indicators:
            indicator = indicators[item.indicator]
            span = indicator_span(ruleset, indicator)
            if item.below is None and span.exact and span.low > 0:
                warnings.append(f"{path}.indicator: " + say("check.rectification_never_zero", low=plain(span.low)))
            elif item.below is not None and span.exact and span.low >= item.below:
                low, line = plain(span.low), plain(item.below)
                warnings.append(f"{path}.below: " + say("check.rectification_never_below", low=low, line=line))
            elif item.below is not None and span.exact and span.high < item.below:
                high, line = plain(span.high), plain(item.below)
                warnings.append(f"{path}.below: " + say("check.rectification_always_below", high=high, line=line))
        if item.deduction in items and items[item.deduction].points >= 0:
            warnings.append(f"{path}.deduction: " + say("check.rectification_not_deduction", item=item.deduction))
    return warnings


def from_points_warnings(ruleset: Ruleset) -> list[str]:
    """A share of members (0 to 100 %) filled into an input whose range leaves part of it
    out: the service's value would then be refused for some branches."""
    warnings = []
    for name, spec in ruleset.inputs.items():
        source = spec.from_points
        if source is None or not source.figure.endswith("_pct"):
            continue
        if (spec.min is not None and spec.min > 0) or (spec.max is not None and spec.max < 100):
            warnings.append(f"inputs.{name}.from_points: {say('check.from_points_range', figure=source.figure)}")
    return warnings


def period_warnings(ruleset: Ruleset) -> list[str]:
    """Yearly inputs from quarters likely to mislead: a sum over the quarters there are
    (a missing quarter lowers it), and a ruleset that does not say it is yearly."""
    warnings: list[str] = []
    for name, spec in ruleset.inputs.items():
        derived = spec.from_quarters
        if derived is None:
            continue
        path = f"inputs.{name}.from_quarters"
        if derived.combine == "sum" and derived.missing == "partial":
            warnings.append(f"{path}: " + say("check.quarters_partial_sum", name=spec.title))
        if ruleset.period is None:
            warnings.append(f"{path}: " + say("check.quarters_period_undeclared"))
    return warnings


def check_ruleset(ruleset: Ruleset, conditions: int) -> CheckReport:
    found = reachable_total(ruleset)
    warnings = band_warnings(ruleset) + grade_warnings(ruleset, found.high) + ballot_warnings(ruleset)
    warnings += flag_warnings(ruleset, found) + relative_warnings(ruleset) + rectification_warnings(ruleset)
    warnings += from_points_warnings(ruleset) + period_warnings(ruleset)
    indicators = sum(len(d.indicators) for d in ruleset.dimensions)
    return CheckReport(indicators, conditions, found.low, found.high, warnings, found.exact, found.reasons)
