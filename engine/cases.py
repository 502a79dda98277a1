"""Boundary cases: units just below, at and just above every band edge, cap edge and
grade threshold, scored, and written as embedded tests for the editor to review.

Each case changes one input of a base unit (the ruleset's first test that scores, or a
unit made of each input's lowest value): a band edge moves the input its band reads, a
cap edge moves a `per` item's input until the group's sum meets the cap, a grade
threshold moves an input a linear or formula indicator reads until the total is the
grade's `min` (less or more by the total's last decimal place). Values stay within the
input's range. The expected figures are what the engine gives today: the editor checks
them against the scheme before pasting them under `tests:`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from . import score, yamltext
from .checks import INFINITY, band_reach
from .decimals import number_problem, round_half_up
from .errors import InputError, KaopingError
from .expressions import Name
from .loader import LoadedRuleset
from .messages import say
from .model import InputSpec, Ruleset
from .result import Result
from .testing import score_case, score_in_batch

ANCHOR = "cases_base"
BATCH_ANCHOR, BATCH_NAME = "cases_batch", "kaoping cases"
LOWEST_UNIT = "各输入取最小值的单位"  # the base unit's name in the generated tests (ruleset text)


@dataclass(frozen=True)
class Case:
    name: str
    changes: dict[str, Any]  # for the base case: its whole input
    result: Result
    base: bool = False


@dataclass(frozen=True)
class BatchScorer:
    """Scores a unit as the cases see it: alone, or in the base test's small batch."""

    ruleset: LoadedRuleset
    batch: list[dict] | None = None

    @property
    def model(self) -> Ruleset:
        return self.ruleset.model

    def __call__(self, data: dict[str, Any]) -> Result:
        return score_in_batch(self.ruleset, data, self.batch, BATCH_NAME)


def base_unit(ruleset: LoadedRuleset) -> tuple[str, dict[str, Any], list[dict] | None]:
    """(name, input, batch) of the unit the cases vary."""
    for case in ruleset.model.tests:
        if case.expect.errors is None:
            try:
                score_case(ruleset, case)
            except InputError:
                continue
            return case.name, dict(case.input), case.batch
    data = {name: _lowest(spec) for name, spec in ruleset.model.inputs.items() if spec.required}
    try:
        score(ruleset, data)
    except InputError as error:
        raise KaopingError(say("cases.no_base", problems="; ".join(str(p) for p in error.problems))) from None
    return LOWEST_UNIT, data, None


def _lowest(spec: InputSpec) -> Any:
    if spec.type == "boolean":
        return False
    if spec.type == "choice":
        return spec.choices[0]
    if spec.type == "text":
        return ""
    low = spec.min if spec.min is not None else Decimal(0)
    if spec.max is not None and low > spec.max:
        low = spec.max
    return int(low) if spec.type == "integer" else low


def _places(value: Decimal) -> int:
    return max(0, -value.as_tuple().exponent)


def around(spec: InputSpec, edge: Decimal) -> list[Any]:
    """The values just below, at and just above an edge that the input accepts."""
    if spec.type == "integer":
        whole = Decimal(math.floor(edge))
        values = [whole - 1, whole, whole + 1] if whole == edge else [whole, whole + 1]
    else:
        step = Decimal(1).scaleb(-(_places(edge) + 1))
        values = [edge - step, edge, edge + step]
    found = []
    for value in values:
        if spec.min is not None and value < spec.min or spec.max is not None and value > spec.max:
            continue
        if number_problem(value) is None:
            found.append(int(value) if spec.type == "integer" else value)
    return found


def _band_edges(ruleset: Ruleset) -> list[tuple[str, str, list[Any]]]:
    """(indicator title, input, values) for every band of the analysable form."""
    found = []
    for _, indicator in ruleset.indicators():
        reach = band_reach(ruleset, indicator)
        if reach is None:
            continue
        spec = ruleset.inputs[reach.input]
        if reach.kind == "choice":
            found.append((indicator.title, reach.input, list(spec.choices or ())))
            continue
        values: list[Any] = []
        for interval in reach.regions:
            for edge in (interval.low, interval.high):
                if edge not in (INFINITY, -INFINITY):
                    values += [v for v in around(spec, edge) if v not in values]
        found.append((indicator.title, reach.input, sorted(values)))
    return found


def _cap_edges(ruleset: Ruleset, base: Result, data: dict[str, Any]) -> list[tuple[str, str, list[Any]]]:
    """(group title, input, values) where a `per` item alone brings its group to the cap."""
    found = []
    for group, scored in zip(ruleset.adjustments, base.adjustments, strict=True):
        if group.cap is None:
            continue
        for item, item_result in zip(group.items, scored.items, strict=True):
            if item.per is None or item.points == 0 or data.get(item.per) == "NA":
                continue
            others = scored.raw - item_result.points
            edge = (group.cap - others) / item.points
            if edge <= 0:
                continue
            spec = ruleset.inputs[item.per]
            if spec.type == "integer" and edge != edge.to_integral_value(rounding=ROUND_FLOOR):
                edge = edge.to_integral_value(rounding=ROUND_FLOOR) + 1
            found.append((f"{group.title}封顶 {group.cap}", item.per, around(spec, edge)))
    return found


def _levers(ruleset: Ruleset) -> list[tuple[str, Decimal, Decimal]]:
    """Inputs whose value moves the total continuously: read by one linear or formula
    indicator, with the range of values over which they do."""
    found = []
    for _, indicator in ruleset.indicators():
        score_ = indicator.score
        expression = score_.linear.of if score_.linear is not None else score_.formula
        if expression is None or not isinstance(expression.root, Name):
            continue
        name = expression.root.id
        spec = ruleset.inputs.get(name)
        if spec is None or spec.type != "number":
            continue
        if score_.linear is not None:
            low, high = sorted((score_.linear.zero_at, score_.linear.full_at))
        else:
            low, high = Decimal(0), indicator.points
        low = max(low, spec.min) if spec.min is not None else low
        high = min(high, spec.max) if spec.max is not None else high
        if low < high:
            found.append((name, low, high))
    return found


def _total(scorer: BatchScorer, data: dict) -> Decimal | None:
    try:
        return scorer(data).total_exact
    except InputError:
        return None


def _fine(scorer: BatchScorer, data: dict, levers, target: Decimal):
    """(changes, result) that give exactly `target` as the total, moving the continuous
    levers one at a time: each is solved for the target, or, when it cannot reach it
    alone, left at the end of its range nearest the target before the next is tried."""
    changes: dict[str, Any] = {}
    for name, low, high in levers:
        current = {**data, **changes}
        at_low, at_high = _total(scorer, {**current, name: low}), _total(scorer, {**current, name: high})
        if at_low is None or at_high is None or at_low == at_high:
            continue
        if not min(at_low, at_high) <= target <= max(at_low, at_high):
            changes[name] = low if abs(at_low - target) < abs(at_high - target) else high
            continue
        value = round_half_up(low + (target - at_low) * (high - low) / (at_high - at_low), 8).normalize()
        value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value
        try:
            result = scorer({**current, name: value})
        except InputError:
            return None
        return ({**changes, name: value}, result) if result.total == target else None
    return None


def _coarse(ruleset: Ruleset, continuous: set[str]) -> list[tuple[str, list[Any]]]:
    """The other inputs indicators read, with the ends of their ranges, to bring the
    total near a target the continuous levers then meet exactly."""
    from .compiler import indicator_inputs

    vetoed = {name for veto in ruleset.vetoes for name in veto.when.names}
    found, seen = [], set(continuous) | vetoed
    for _, indicator in ruleset.indicators():
        for name in sorted(indicator_inputs(indicator) - seen):
            seen.add(name)
            spec = ruleset.inputs.get(name)  # None for a ballot's figure: its counts are not varied
            if spec is None:
                continue
            if spec.type == "boolean":
                found.append((name, [False, True]))
            elif spec.numeric and spec.min is not None and spec.max is not None:
                found.append((name, [_lowest(spec), int(spec.max) if spec.type == "integer" else spec.max]))
    return found


def _solve(scorer: BatchScorer, data: dict, levers, target: Decimal):
    """(changes, result) giving exactly `target` as the total, or None: the continuous
    levers alone if they can, else after moving other inputs, one by one, to the end of
    their range that brings the total nearer the target."""
    coarse: dict[str, Any] = {}
    for name, ends in [("", [])] + _coarse(scorer.model, {lever[0] for lever in levers}):
        current = {**data, **coarse}
        if name:
            now = _total(scorer, current)
            totals = [(t, v) for v in ends if (t := _total(scorer, {**current, name: v})) is not None]
            if now is None:
                break
            nearer = [(abs(t - target), v) for t, v in totals if abs(t - target) < abs(now - target)]
            if not nearer:
                continue
            coarse[name] = min(nearer, key=lambda pair: pair[0])[1]
        solved = _fine(scorer, {**data, **coarse}, levers, target)
        if solved is not None:
            return {**coarse, **solved[0]}, solved[1]
    return None


def generate(ruleset: LoadedRuleset) -> tuple[str, list[Case], list[str], list[dict] | None]:
    """(base unit name, the cases, what could not be generated, the base test's batch)
    for a ruleset; a relative ruleset's cases are scored in the base test's batch."""
    model = ruleset.model
    base_name, data, batch = base_unit(ruleset)
    scorer = BatchScorer(ruleset, batch)
    base = scorer(data)
    cases = [Case(f"边界基准: {base_name}", data, base, base=True)]
    missed: list[str] = []
    seen: set[tuple] = set()

    def add(title: str, changes: dict[str, Any], result: Result | None = None) -> None:
        key = tuple(sorted((k, str(v)) for k, v in changes.items()))
        if key in seen or all(data.get(k) == v for k, v in changes.items()):
            return
        seen.add(key)
        if result is None:
            try:
                result = scorer({**data, **changes})
            except InputError:
                return
        cases.append(Case(title, changes, result))

    for title, name, values in _band_edges(model) + _cap_edges(model, base, data):
        for value in values:
            add(f"边界 {title}: {name} = {value}", {name: value})
    step = Decimal(1).scaleb(-model.precision)
    levers = _levers(model)
    for grade in model.grades:
        if grade.min is None:
            continue
        for target in (grade.min - step, grade.min, grade.min + step):
            solved = _solve(scorer, data, levers, target)
            if solved is None:
                missed.append(f"{grade.title}: 改变输入无法使总分恰为 {target}")
                continue
            add(f"边界 {grade.title} {grade.min} 分线: 总分 {target}", *solved)
    return base_name, cases, missed, batch


def expectation(ruleset: Ruleset, case: Case) -> dict[str, Any]:
    result = case.result
    expect: dict[str, Any] = {
        "total": result.total,
        "grade": result.grade.id if result.grade else None,
        "status": result.status,
        "vetoes": [v.id for v in result.vetoes],
    }
    read = set() if case.base else set(case.changes)
    points = {
        i.id: "NA" if i.points is None else round_half_up(i.points, ruleset.precision)
        for i in result.indicators
        if read & set(i.values)
    }
    if points:
        expect["indicators"] = points
    return expect


def cases_yaml(ruleset: LoadedRuleset) -> str:
    """The cases as YAML list items to paste under a ruleset's `tests:`."""
    base_name, cases, missed, batch = generate(ruleset)
    model = ruleset.model
    lines = [
        f"  # kaoping cases: {len(cases)} 个边界用例, 以「{base_name}」为基准单位。",
        "  # 预期值是引擎现在的计算结果: 请对照考评办法逐条核对后再粘贴到 tests: 下。",
    ]
    lines += [f"  # 未生成: {text}" for text in missed]
    for case in cases:
        lines.append(f"  - name: {yamltext.dump(case.name, flow=True).strip().removesuffix('...').strip()}")
        if case.base:
            lines.append(f"    input: &{ANCHOR} {_flow(case.changes)}")
        else:
            lines.append(f"    input: {{<<: *{ANCHOR}, {_flow(case.changes)[1:]}")
        if batch is not None:  # every case in the base test's batch
            lines.append(f"    batch: &{BATCH_ANCHOR} {_flow(batch)}" if case.base else f"    batch: *{BATCH_ANCHOR}")
        lines.append(f"    expect: {_flow(expectation(model, case))}")
    return "\n".join(lines) + "\n"


def _flow(data: dict) -> str:
    return yamltext.dump(data, flow=True).strip()
