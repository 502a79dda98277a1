"""Firings in, points out: the arithmetic of a score, in exact decimals.

Written once and used by every interface. The matcher says which conditions hold;
this module picks bands, computes linear, deduct, award and formula points,
rescales dimensions for not-applicable indicators, applies weights and caps,
rounds once, decides the grade with its requirements and vetoes, and computes the
outputs. Each figure is recorded with the rule and values that produced it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .ballots import count_ballots
from .compiler import CompiledRuleset
from .decimals import ZERO, Exact, difference, plain, product, quotient, round_half_up, shown, total
from .errors import InputError, InputProblem, UndefinedValue, undefined_error
from .expressions import NA, UNKNOWN, Expression, Name, evaluate, walk
from .flags import raise_flags
from .inputs import jsonable
from .matcher import Matcher
from .messages import say, subject
from .model import ClassWeights, Count, Dimension, Grade, GradeCap, Indicator, Ruleset
from .relative import relative_points
from .result import (
    AdjustmentGroupResult,
    AdjustmentItemResult,
    DimensionResult,
    GradeNotReached,
    GradeRef,
    IndicatorResult,
    MatchedRule,
    OutputResult,
    Reference,
    Result,
    RulesetRef,
    UnitRef,
    VetoResult,
)

ENGINE_VERSION = "kaoping-0.1.0/durable-rules-2.0.28"
VETO_STRENGTH = {"disqualify": 3, "lowest": 2, "cap": 1}


def _clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))


def _undefined(field: str, path: str, error: UndefinedValue) -> InputError:
    return undefined_error(field, path, error.column)


def _shown(values: dict[str, Any], names, ruleset: Ruleset) -> dict[str, Any]:
    return jsonable({name: values[name] for name in sorted(names) if name in values}, ruleset)


@dataclass
class Context:
    """One unit being scored: its ruleset, values and firings."""

    compiled: CompiledRuleset
    values: dict[str, Any]
    fired: frozenset[str]
    reference: Reference | None = None  # the batch a relative indicator is scored against

    def __post_init__(self) -> None:
        self.shown = jsonable(self.values, self.compiled.ruleset)  # the values as JSON, once per unit
        self.wording = self.compiled.wording
        self.precision = self.compiled.ruleset.precision

    def figure(self, value: Exact) -> str:
        """A figure in a reason, by the one display rule."""
        return shown(value, self.precision)

    def shown_of(self, names: tuple[str, ...]) -> dict[str, Any]:
        """The values of `names` (sorted) as shown in an explanation."""
        shown = self.shown
        return {name: shown[name] for name in names if name in shown}

    @property
    def ruleset(self) -> Ruleset:
        return self.compiled.ruleset

    def matched(self, rule_id: str) -> MatchedRule:
        expression = self.compiled.conditions[rule_id].expression
        return MatchedRule(rule_id=rule_id, condition=expression.text, values=self.shown_of(expression.sorted_names))

    def number(self, expression: Expression, field: str, path: str) -> Decimal:
        try:
            return _as_number(evaluate(expression.root, self.values))
        except UndefinedValue as error:
            raise _undefined(field, path, error) from None


# ---------------------------------------------------------------- indicators


def score_indicator(ctx: Context, dimension: Dimension, indicator: Indicator, path: str) -> IndicatorResult:
    reads = ctx.compiled.indicator_inputs[indicator.id]
    values = ctx.shown_of(reads)
    common = {
        "id": indicator.id,
        "title": indicator.title,
        "dimension": dimension.id,
        "full_points": indicator.points,
        "method": ctx.compiled.methods[indicator.id],
        "values": values,
    }
    values_of = ctx.values
    na = [name for name in reads if values_of.get(name) is NA]  # reads are sorted
    if na:
        return IndicatorResult(
            **common,
            points=None,
            status="na",
            detail=f"不适用: {'、'.join(map(ctx.wording.title, na))} 为 NA, 不计入本维度 (按缺项折算)",
        )
    score = indicator.score
    full = indicator.points
    if score.bands is not None:
        return _bands(ctx, indicator, common)
    if score.check is not None:
        rule_id = f"check.{indicator.id}"
        held = rule_id in ctx.fired
        points = full if held else ZERO
        rule = ctx.matched(rule_id) if held else None
        detail = f"条件 {ctx.wording.text(score.check.text)} {'成立' if held else '不成立'} → {plain(points)}分"
        return IndicatorResult(**common, points=points, status="scored", rule=rule, detail=detail)
    if score.linear is not None:
        linear = score.linear
        value = ctx.number(linear.of, indicator.id, f"{path}.linear.of")
        # multiply before dividing: 3 × 26 / 30 is exactly 2.6, 3 × (26 / 30) is not
        share = quotient(product(full, difference(value, linear.zero_at)), difference(linear.full_at, linear.zero_at))
        points = _clamp(share, ZERO, full)
        detail = (
            f"线性: {ctx.wording.text(linear.of.text)} = {ctx.figure(value)}, {plain(linear.zero_at)} 得0分, "
            f"{plain(linear.full_at)} 得满分 → {ctx.figure(points)}分"
        )
        return IndicatorResult(**common, points=points, status="scored", detail=detail)
    if score.formula is not None:
        value = ctx.number(score.formula, indicator.id, f"{path}.formula")
        points = _clamp(value, ZERO, full)
        detail = (
            f"公式: {ctx.wording.text(score.formula.text)} = {ctx.figure(value)}, 限于 0 至 {plain(full)}"
            f" → {ctx.figure(points)}分"
        )
        return IndicatorResult(**common, points=points, status="scored", detail=detail)
    if score.relative is not None:
        return _relative(ctx, indicator, common, path)
    method = ctx.compiled.methods[indicator.id]
    count: Count = getattr(score, method)
    value = ctx.number(count.of, indicator.id, f"{path}.{method}.of")
    units, amount = count_units(count, value)
    described = _counted(ctx, count, value, units, amount)
    change = product(units, count.points)
    if method == "deduct":
        points = _clamp(difference(full, change), ZERO, full)
        detail = (
            f"扣分: {described}, 每{_per(count)}扣{plain(count.points)}分"
            f" → {plain(full)} - {ctx.figure(change)}, 扣完为止 → {ctx.figure(points)}分"
        )
    else:
        points = _clamp(change, ZERO, full)
        detail = (
            f"加分: {described}, 每{_per(count)}得{plain(count.points)}分"
            f" → {ctx.figure(change)}, 至多 {plain(full)} → {ctx.figure(points)}分"
        )
    return IndicatorResult(**common, points=points, status="scored", detail=detail)


def _per(count: Count) -> str:
    return f"{plain(count.step)}" if count.step is not None else "1"


def count_units(count: Count, value: Exact) -> tuple[Exact, Exact]:
    """How many units (or whole steps) the amount is, and the amount counted."""
    if count.below is not None:
        amount = max(ZERO, difference(count.below, value))
    elif count.above is not None:
        amount = max(ZERO, difference(value, count.above))
    else:
        amount = value
    if count.step is None:
        return amount, amount
    return Decimal(math.floor(quotient(amount, count.step))), amount


def _counted(ctx: Context, count: Count, value: Exact, units: Exact, amount: Exact) -> str:
    """How a count was found, in words."""
    described = f"{ctx.wording.text(count.of.text)} = {ctx.figure(value)}"
    if count.below is not None:
        described += f", 低于 {plain(count.below)} 共 {ctx.figure(amount)}"
    elif count.above is not None:
        described += f", 超过 {plain(count.above)} 共 {ctx.figure(amount)}"
    if count.step is not None:
        described += f", 折合 {plain(units)} 个 {plain(count.step)}"
    return described


RELATIVE_WORDS = {"higher": "越高越好", "lower": "越低越好"}


def _relative(ctx: Context, indicator: Indicator, common: dict, path: str) -> IndicatorResult:
    relative = indicator.score.relative
    value = ctx.number(relative.of, indicator.id, f"{path}.relative.of")
    found = ctx.reference.indicators.get(indicator.id) if ctx.reference is not None else None
    if found is None:
        message = say("relative.needs_reference", indicator=subject(indicator.title, indicator.id))
        problem = InputProblem(code="needs_reference", field=indicator.id, title=indicator.title, message=message)
        raise InputError([problem])
    points = relative_points(relative, indicator.points, value, found)
    measured = f"{ctx.wording.text(relative.of.text)} = {ctx.figure(value)} ({RELATIVE_WORDS[relative.direction]})"
    tied = f" 等 {found.best_count} 个单位" if found.best_count > 1 else ""
    best = f"最优值 {ctx.figure(found.best)} ({found.best_unit or '本单位'}{tied})"
    among = f"批次 {ctx.reference.batch} 中第 {found.rank} 名 / 共 {found.count} 个单位"
    if relative.method == "rank":
        rule = (
            f"第1名得 {plain(indicator.points)} 分, 每低一名少 {plain(relative.step)} 分,"
            f" 最低 {plain(relative.floor or ZERO)} 分"
        )
    elif relative.method == "best":
        ratio = "本单位值 ÷ 最优值" if relative.higher_is_better else "最优值 ÷ 本单位值"
        rule = f"{ratio} × {plain(indicator.points)} 分 (最优值不为正时仅最优单位得满分)"
    else:
        rule = (
            f"均值 {ctx.figure(found.mean)} 处得 {plain(relative.at_mean)} 分, 每偏离 1 加减 {plain(relative.per)} 分,"
            f" 限于 0 至 {plain(indicator.points)}"
        )
    detail = f"相对评价: {measured}, {among}, {best}, 均值 {ctx.figure(found.mean)}; {rule} → {ctx.figure(points)}分"
    return IndicatorResult(**common, points=points, status="scored", detail=detail)


def _bands(ctx: Context, indicator: Indicator, common: dict) -> IndicatorResult:
    fired = ctx.fired
    for index, (rule_id, value, when) in enumerate(ctx.compiled.band_plans[indicator.id]):
        if rule_id is None:
            detail = f"第{index + 1}档(其余情况) → {plain(value)}分"
            return IndicatorResult(**common, points=value, status="scored", band=index, detail=detail)
        if rule_id in fired:
            detail = f"第{index + 1}档: {ctx.wording.text(when)} 成立 → {plain(value)}分"
            return IndicatorResult(
                **common, points=value, status="scored", band=index, rule=ctx.matched(rule_id), detail=detail
            )
    return IndicatorResult(**common, points=ZERO, status="scored", detail="没有一档成立, 也无 else → 0分")


# ---------------------------------------------------------------- dimensions and adjustments


def _weight(ctx: Context, dimension: Dimension) -> Decimal | None:
    if isinstance(dimension.weight, ClassWeights):
        return dimension.weight.values[ctx.values[dimension.weight.by]]
    return dimension.weight


def score_dimension(ctx: Context, dimension: Dimension, indicators: list[IndicatorResult]) -> DimensionResult:
    applicable = [
        (ind, res) for ind, res in zip(dimension.indicators, indicators, strict=True) if res.points is not None
    ]
    if not applicable:
        raise InputError(
            [
                InputProblem(
                    code="all_na",
                    field=dimension.id,
                    title=dimension.title,
                    message=say("input.all_na", dimension=subject(dimension.title, dimension.id)),
                )
            ]
        )
    points = total(res.points for _, res in applicable)
    applicable_full = total(ind.points for ind, _ in applicable)
    full = dimension.full_points
    if applicable_full == full:
        rescaled = points
    elif applicable_full == 0:
        rescaled = ZERO
    else:
        rescaled = quotient(product(points, full), applicable_full)
    weight = _weight(ctx, dimension)
    contribution = rescaled if weight is None else quotient(product(weight, rescaled), full)
    return DimensionResult(
        id=dimension.id,
        title=dimension.title,
        full_points=full,
        weight=weight,
        points=points,
        applicable_full_points=applicable_full,
        rescaled=rescaled,
        contribution=contribution,
        na_indicators=[res.id for res in indicators if res.points is None],
    )


def score_adjustments(ctx: Context) -> list[AdjustmentGroupResult]:
    groups = []
    for group in ctx.ruleset.adjustments:
        items = []
        for item in group.items:
            if item.when is not None:
                rule_id = f"item.{group.id}.{item.id}"
                applied = rule_id in ctx.fired
                points = item.points if applied else ZERO
                held = "成立" if applied else "不成立"
                detail = f"条件 {ctx.wording.text(item.when.text)} {held} → {plain(points)}分"
                rule = ctx.matched(rule_id) if applied else None
            else:
                value = ctx.values[item.per]
                rule = None
                per = ctx.wording.title(item.per)
                if value is NA:
                    points, applied = ZERO, False
                    detail = f"{per} 为 NA → 0分"
                else:
                    points = product(item.points, value) + ZERO  # no "-0" for 0 × -3
                    applied = points != 0
                    detail = f"{per} = {ctx.figure(value)} × {plain(item.points)}分 → {ctx.figure(points)}分"
            items.append(
                AdjustmentItemResult(
                    id=item.id,
                    title=item.title,
                    points=points,
                    applied=applied,
                    detail=detail,
                    rule=rule,
                )
            )
        raw = total(i.points for i in items)
        applied_sum = raw
        if group.cap is not None:
            applied_sum = min(raw, group.cap) if group.cap >= 0 else max(raw, group.cap)
        groups.append(
            AdjustmentGroupResult(
                id=group.id,
                title=group.title,
                cap=group.cap,
                raw=raw,
                applied=applied_sum,
                capped=applied_sum != raw,
                items=items,
            )
        )
    return groups


# ---------------------------------------------------------------- grades and vetoes


def _grade_ref(ruleset: Ruleset, index: int) -> GradeRef:
    grade = ruleset.grades[index]
    return GradeRef(id=grade.id, title=grade.title)


def grade_check(grade: Grade, total: Decimal, fired) -> tuple[bool, list[str]]:
    """Whether a total reaches a grade's min, and the grade's requirements that did not hold."""
    reached = grade.min is None or total >= grade.min
    failed = [req.text for r, req in enumerate(grade.requires) if f"requires.{grade.id}.{r}" not in fired]
    return reached, failed


def not_reached(grade: Grade, total: Decimal, fired, vetoed_by=(), quota: str | None = None) -> GradeNotReached:
    """Why a grade was not given: points missing, requirements failed, vetoes, a quota."""
    reached, failed = grade_check(grade, total, fired)
    return GradeNotReached(
        id=grade.id,
        title=grade.title,
        min=grade.min,
        points_missing=None if reached or grade.min is None else difference(grade.min, total),
        failed_requires=failed,
        vetoed_by=list(vetoed_by),
        quota=quota,
    )


def _eligible(ruleset: Ruleset, total: Decimal, fired: frozenset[str]) -> list[tuple[bool, list[str]]]:
    """For each grade: whether its min is reached, and the requirements that failed."""
    return [grade_check(grade, total, fired) for grade in ruleset.grades]


def _first_eligible(eligible: list[tuple[bool, list[str]]], start: int) -> int:
    return next(i for i in range(start, len(eligible)) if eligible[i][0] and not eligible[i][1])


def veto_results(ctx: Context) -> list[VetoResult]:
    ruleset = ctx.ruleset
    held = [veto for veto in ruleset.vetoes if f"veto.{veto.id}" in ctx.fired]

    def strength(veto) -> tuple[int, int]:
        cap_index = ruleset.grade_index(veto.effect.cap) if isinstance(veto.effect, GradeCap) else 0
        return VETO_STRENGTH[veto.effect_name], cap_index

    decisive = max(held, key=strength) if held else None
    return [
        VetoResult(
            id=veto.id,
            title=veto.title,
            effect=veto.effect_name,
            cap=veto.effect.cap if isinstance(veto.effect, GradeCap) else None,
            decisive=veto is decisive,
            rule=ctx.matched(f"veto.{veto.id}"),
        )
        for veto in held
    ]


def decide_grade(ruleset: Ruleset, total: Decimal, fired: frozenset[str], vetoes: list[VetoResult]):
    """(grade index or None, index without vetoes, reasons for each higher grade)."""
    eligible = _eligible(ruleset, total, fired)
    natural = _first_eligible(eligible, 0)
    decisive = next((v for v in vetoes if v.decisive), None)
    if decisive is None:
        final: int | None = natural
    elif decisive.effect == "disqualify":
        final = None
    elif decisive.effect == "lowest":
        final = len(ruleset.grades) - 1
    else:
        final = _first_eligible(eligible, max(natural, ruleset.grade_index(decisive.cap)))
    stop = len(ruleset.grades) if final is None else final
    reasons = []
    for index in range(stop):
        blocking = [v.id for v in vetoes if _veto_blocks(ruleset, v, index)]
        reasons.append(not_reached(ruleset.grades[index], total, fired, blocking))
    return final, natural, reasons


def _veto_blocks(ruleset: Ruleset, veto: VetoResult, index: int) -> bool:
    if veto.effect == "disqualify":
        return True
    if veto.effect == "lowest":
        return index < len(ruleset.grades) - 1
    return index < ruleset.grade_index(veto.cap)


# ---------------------------------------------------------------- the whole unit


def score_values(
    compiled: CompiledRuleset,
    values: dict[str, Any],
    matcher: Matcher,
    *,
    unit: UnitRef | None = None,
    version: int | str | None = None,
    content_hash: str = "",
    reference: Reference | None = None,
) -> Result:
    """Score one unit's normalized values; InputError if the data cannot be scored.
    A relative indicator is scored against `reference` (its place in a batch)."""
    ruleset = compiled.ruleset
    ballots, figures = count_ballots(ruleset, values)
    if figures:
        values = {**values, **figures}  # a ballot's figures are read like inputs
    ctx = Context(compiled, values, matcher.fire(compiled, 1, values), reference)
    _check_consistency(ctx)
    indicators: list[IndicatorResult] = []
    dimensions: list[DimensionResult] = []
    problems: list[InputProblem] = []
    for d, dimension in enumerate(ruleset.dimensions):
        results = [
            score_indicator(ctx, dimension, ind, f"dimensions[{d}].indicators[{i}].score")
            for i, ind in enumerate(dimension.indicators)
        ]
        indicators.extend(results)
        try:
            dimensions.append(score_dimension(ctx, dimension, results))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    base = total(d.contribution for d in dimensions)
    adjustments = score_adjustments(ctx)
    total_exact = max(ZERO, total([base, *(g.applied for g in adjustments)]))
    rounded = round_half_up(total_exact, ruleset.precision)
    scored = dict(values)
    scored["total"] = rounded
    scored.update({d.id: d.contribution for d in dimensions})
    scored.update({i.id: NA if i.points is None else i.points for i in indicators})
    fired = ctx.fired | matcher.fire(compiled, 2, scored)
    vetoes = veto_results(ctx)
    final, natural, reasons = decide_grade(ruleset, rounded, fired, vetoes)
    env = {**scored, "grade": NA if final is None else ruleset.grades[final].id}
    outputs = compute_outputs(ruleset, env)
    raised = raise_flags(ruleset, env, vetoes) if ruleset.flags else None
    return Result(
        ruleset=RulesetRef(id=ruleset.id, title=ruleset.title, version=version, content_hash=content_hash),
        unit=unit,
        status="disqualified" if final is None else "scored",
        input={name: value for name, value in ctx.shown.items() if name in ruleset.inputs},
        ballots=ballots,
        indicators=indicators,
        dimensions=dimensions,
        base=base,
        adjustments=adjustments,
        total_exact=total_exact,
        precision=ruleset.precision,
        total=rounded,
        vetoes=vetoes,
        grade=None if final is None else _grade_ref(ruleset, final),
        grade_without_vetoes=_grade_ref(ruleset, natural),
        grades_not_reached=reasons,
        outputs=outputs,
        reference=reference if ruleset.relative_indicators() else None,
        engine={"version": ENGINE_VERSION, "rules_fired": sorted(fired)},
        raised_flags=raised,
    )


def _values_text(ruleset: Ruleset, values: dict[str, Any]) -> str:
    """Values as a clerk reads them: 连续未发展党员年数 (years_without_new_member) = 3, ..."""
    specs = ruleset.inputs
    return ", ".join(f"{subject(specs[n].title if n in specs else None, n)} = {v}" for n, v in values.items())


def _check_consistency(ctx: Context) -> None:
    problems = []
    for index, rule in enumerate(ctx.ruleset.consistency):
        if f"consistency.{index}" in ctx.fired:
            first = _first_name(rule.must, ctx.ruleset)
            got = _values_text(ctx.ruleset, _shown(ctx.values, rule.must.names, ctx.ruleset))
            problems.append(
                InputProblem(
                    code="inconsistent",
                    field=first,
                    title=ctx.ruleset.inputs[first].title if first in ctx.ruleset.inputs else None,
                    message=say("input.inconsistent", rule=rule.title, must=rule.must.text, got=got),
                    expected=rule.must.text,
                    got=got,
                )
            )
    if problems:
        raise InputError(problems)


def _first_name(expression: Expression, ruleset: Ruleset) -> str:
    """The first input an expression names, in reading order."""
    found = [
        (node.column, node.id) for node in walk(expression.root) if isinstance(node, Name) and node.id in ruleset.inputs
    ]
    return min(found)[1] if found else ""


def _as_number(value) -> Decimal | None:
    """An output's value: unknown (it read an "NA") becomes None, true/false 1/0."""
    if value is NA or value is UNKNOWN:
        return None
    return Decimal(int(value)) if isinstance(value, bool) else value


def compute_outputs(ruleset: Ruleset, env: dict[str, Any]) -> list[OutputResult]:
    """Each output in order, as its declared type; `env` (the scored values and `grade`)
    gains each output's value, so later outputs and the flags read it."""
    outputs = []
    for name, output in ruleset.outputs.items():
        try:
            value = evaluate(output.formula.root, env)
        except UndefinedValue as error:
            raise _undefined(name, f"outputs.{name}.formula", error) from None
        if output.type != "number":
            answer = None if value is NA or value is UNKNOWN else value
            env[name] = NA if answer is None else answer
            outputs.append(
                OutputResult(id=name, title=output.title, value=None, exact=None, type=output.type, answer=answer)
            )
            continue
        exact = _as_number(value)
        env[name] = NA if exact is None else exact
        outputs.append(
            OutputResult(
                id=name,
                title=output.title,
                exact=exact,
                value=None if exact is None else round_half_up(exact, ruleset.precision),
            )
        )
    return outputs
