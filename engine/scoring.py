"""Firings in, points out: the arithmetic of a score, in exact decimals.

Written once and used by every interface. The matcher says which conditions hold;
this module picks bands, computes linear, deduct, award and formula points,
rescales dimensions for not-applicable indicators, applies weights and caps,
rounds once, decides the grade with its requirements and vetoes, and computes the
outputs. Each figure is recorded with the rule and values that produced it.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

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
from .result import FilledInput, GradeNotReached, Reference, UnitRef

# Each part of a result is built as the plain dict its pydantic model (engine.result) would
# dump, keys in the model's order and absent extensions left out: no model is validated per
# unit. `engine.lean` writes the dict as JSON; `engine.score` validates it into a Result.
Part = dict[str, Any]

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
        self.texts = self.compiled.texts
        self.any_na = any(value is NA for value in self.values.values())
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

    def matched(self, rule_id: str) -> Part:
        """A fired rule as engine.result.MatchedRule dumps it."""
        condition = self.texts.conditions[rule_id]
        return {"rule_id": rule_id, "condition": condition.text, "values": self.shown_of(condition.names)}

    def number(self, expression: Expression, field: str, path: str) -> Decimal:
        try:
            return _as_number(evaluate(expression.root, self.values))
        except UndefinedValue as error:
            raise _undefined(field, path, error) from None


# ---------------------------------------------------------------- indicators


class Scored(NamedTuple):
    """An indicator's points and how they were found (the rest of its part is fixed)."""

    points: Exact | None
    detail: str
    band: int | None = None
    rule: Part | None = None


def score_indicator(ctx: Context, indicator: Indicator, path: str) -> Part:
    """An indicator's part, as engine.result.IndicatorResult dumps it."""
    reads = ctx.compiled.indicator_inputs[indicator.id]
    values = ctx.shown_of(reads)
    values_of = ctx.values
    na = ctx.any_na and [name for name in reads if values_of.get(name) is NA]  # reads are sorted
    if na:
        scored = Scored(None, f"不适用: {'、'.join(map(ctx.wording.title, na))} 为 NA, 不计入本维度 (按缺项折算)")
    elif indicator.score.bands is not None:
        return _bands(ctx, indicator, values)
    else:
        scored = _indicator_points(ctx, indicator, path)
    return {
        **ctx.texts.heads[indicator.id],
        "points": scored.points,
        "status": "na" if scored.points is None else "scored",
        "method": ctx.compiled.methods[indicator.id],
        "band": scored.band,
        "rule": scored.rule,
        "detail": scored.detail,
        "values": values,
    }


def _indicator_points(ctx: Context, indicator: Indicator, path: str) -> Scored:
    """The points of an indicator scored by anything but bands, none of its inputs NA."""
    score = indicator.score
    full = indicator.points
    if score.check is not None:
        rule_id = f"check.{indicator.id}"
        held, not_held = ctx.texts.held[rule_id]
        if rule_id in ctx.fired:
            return Scored(full, held, rule=ctx.matched(rule_id))
        return Scored(ZERO, not_held)
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
        return Scored(points, detail)
    if score.formula is not None:
        value = ctx.number(score.formula, indicator.id, f"{path}.formula")
        points = _clamp(value, ZERO, full)
        detail = (
            f"公式: {ctx.wording.text(score.formula.text)} = {ctx.figure(value)}, 限于 0 至 {plain(full)}"
            f" → {ctx.figure(points)}分"
        )
        return Scored(points, detail)
    if score.relative is not None:
        return _relative(ctx, indicator, path)
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
    return Scored(points, detail)


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


def _relative(ctx: Context, indicator: Indicator, path: str) -> Scored:
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
    return Scored(points, detail)


def _bands(ctx: Context, indicator: Indicator, values: dict[str, Any]) -> Part:
    """The part of the first band that holds: its fixed fields made at compile time, the
    unit's values added (one dict for both when the rule reads just the indicator's inputs)."""
    fired = ctx.fired
    reads = ctx.compiled.indicator_inputs[indicator.id]
    for rule_id, condition, fixed in ctx.texts.bands[indicator.id]:
        if rule_id is None or rule_id in fired:
            part = fixed.copy()
            part["values"] = values
            if condition is not None:
                read = values if condition.names == reads else ctx.shown_of(condition.names)
                part["rule"] = {"rule_id": rule_id, "condition": condition.text, "values": read}
            return part
    return {
        **ctx.texts.heads[indicator.id],
        "points": ZERO,
        "status": "scored",
        "method": "bands",
        "band": None,
        "rule": None,
        "detail": "没有一档成立, 也无 else → 0分",
        "values": values,
    }


# ---------------------------------------------------------------- dimensions and adjustments


def _weight(ctx: Context, dimension: Dimension) -> Decimal | None:
    if isinstance(dimension.weight, ClassWeights):
        return dimension.weight.values[ctx.values[dimension.weight.by]]
    return dimension.weight


def score_dimension(ctx: Context, dimension: Dimension, indicators: list[Part]) -> Part:
    """A dimension's part, as engine.result.DimensionResult dumps it."""
    applicable = [
        (ind, res["points"])
        for ind, res in zip(dimension.indicators, indicators, strict=True)
        if res["points"] is not None
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
    points = total(res for _, res in applicable)
    if len(applicable) == len(indicators):
        applicable_full = ctx.texts.full_points[dimension.id]
    else:
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
    return {
        "id": dimension.id,
        "title": dimension.title,
        "full_points": full,
        "weight": weight,
        "points": points,
        "applicable_full_points": applicable_full,
        "rescaled": rescaled,
        "contribution": contribution,
        "na_indicators": [res["id"] for res in indicators if res["points"] is None],
    }


def score_adjustments(ctx: Context) -> list[Part]:
    """Each adjustment group's part, as engine.result.AdjustmentGroupResult dumps it."""
    groups = []
    for group in ctx.ruleset.adjustments:
        items = []
        for item in group.items:
            if item.when is not None:
                rule_id = f"item.{group.id}.{item.id}"
                applied = rule_id in ctx.fired
                points = item.points if applied else ZERO
                detail = ctx.texts.held[rule_id][0 if applied else 1]
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
                {
                    "id": item.id,
                    "title": item.title,
                    "points": points,
                    "applied": applied,
                    "detail": detail,
                    "rule": rule,
                }
            )
        raw = total(i["points"] for i in items)
        applied_sum = raw
        if group.cap is not None:
            applied_sum = min(raw, group.cap) if group.cap >= 0 else max(raw, group.cap)
        groups.append(
            {
                "id": group.id,
                "title": group.title,
                "cap": group.cap,
                "raw": raw,
                "applied": applied_sum,
                "capped": applied_sum != raw,
                "items": items,
            }
        )
    return groups


# ---------------------------------------------------------------- grades and vetoes


def _grade_ref(ruleset: Ruleset, index: int) -> Part:
    grade = ruleset.grades[index]
    return {"id": grade.id, "title": grade.title}


def grade_check(grade: Grade, total: Decimal, fired) -> tuple[bool, list[str]]:
    """Whether a total reaches a grade's min, and the grade's requirements that did not hold."""
    reached = grade.min is None or total >= grade.min
    failed = [req.text for r, req in enumerate(grade.requires) if f"requires.{grade.id}.{r}" not in fired]
    return reached, failed


def not_reached_part(grade: Grade, total: Decimal, fired, vetoed_by=(), quota: str | None = None) -> Part:
    """Why a grade was not given (points missing, requirements failed, vetoes, a quota),
    as engine.result.GradeNotReached dumps it."""
    reached, failed = grade_check(grade, total, fired)
    return {
        "id": grade.id,
        "title": grade.title,
        "min": grade.min,
        "points_missing": None if reached or grade.min is None else difference(grade.min, total),
        "failed_requires": failed,
        "vetoed_by": list(vetoed_by),
        "quota": quota,
    }


def not_reached(grade: Grade, total: Decimal, fired, vetoed_by=(), quota: str | None = None) -> GradeNotReached:
    """`not_reached_part` as a model, for a result a quota changes."""
    return GradeNotReached(**not_reached_part(grade, total, fired, vetoed_by, quota))


def _eligible(ruleset: Ruleset, total: Decimal, fired: frozenset[str]) -> list[tuple[bool, list[str]]]:
    """For each grade: whether its min is reached, and the requirements that failed."""
    return [grade_check(grade, total, fired) for grade in ruleset.grades]


def _first_eligible(eligible: list[tuple[bool, list[str]]], start: int) -> int:
    return next(i for i in range(start, len(eligible)) if eligible[i][0] and not eligible[i][1])


def veto_results(ctx: Context) -> list[Part]:
    """The vetoes that hold, as engine.result.VetoResult dumps them."""
    ruleset = ctx.ruleset
    held = [veto for veto in ruleset.vetoes if f"veto.{veto.id}" in ctx.fired]

    def strength(veto) -> tuple[int, int]:
        cap_index = ruleset.grade_index(veto.effect.cap) if isinstance(veto.effect, GradeCap) else 0
        return VETO_STRENGTH[veto.effect_name], cap_index

    decisive = max(held, key=strength) if held else None
    return [
        {
            "id": veto.id,
            "title": veto.title,
            "effect": veto.effect_name,
            "cap": veto.effect.cap if isinstance(veto.effect, GradeCap) else None,
            "decisive": veto is decisive,
            "rule": ctx.matched(f"veto.{veto.id}"),
        }
        for veto in held
    ]


def decide_grade(ruleset: Ruleset, total: Decimal, fired: frozenset[str], vetoes: list[Part]):
    """(grade index or None, index without vetoes, reasons for each higher grade)."""
    eligible = _eligible(ruleset, total, fired)
    natural = _first_eligible(eligible, 0)
    decisive = next((v for v in vetoes if v["decisive"]), None)
    if decisive is None:
        final: int | None = natural
    elif decisive["effect"] == "disqualify":
        final = None
    elif decisive["effect"] == "lowest":
        final = len(ruleset.grades) - 1
    else:
        final = _first_eligible(eligible, max(natural, ruleset.grade_index(decisive["cap"])))
    stop = len(ruleset.grades) if final is None else final
    reasons = []
    for index in range(stop):
        blocking = [v["id"] for v in vetoes if _veto_blocks(ruleset, v, index)]
        reasons.append(not_reached_part(ruleset.grades[index], total, fired, blocking))
    return final, natural, reasons


def _veto_blocks(ruleset: Ruleset, veto: Part, index: int) -> bool:
    if veto["effect"] == "disqualify":
        return True
    if veto["effect"] == "lowest":
        return index < len(ruleset.grades) - 1
    return index < ruleset.grade_index(veto["cap"])


# ---------------------------------------------------------------- the whole unit


def score_values(compiled: CompiledRuleset, values: dict[str, Any], matcher: Matcher, **options) -> Part:
    """Score one unit's normalized values into the dict engine.result.Result dumps (python
    mode), asking `matcher` at each phase; InputError if the data cannot be scored. The
    `options` are scoring_steps' (unit, version, content_hash, reference, filled)."""
    steps = scoring_steps(compiled, values, **options)
    try:
        phase, env = next(steps)
        while True:
            phase, env = steps.send(matcher.fire(compiled, phase, env))
    except StopIteration as done:
        return done.value


Steps = Generator[tuple[int, dict[str, Any]], frozenset[str], Part]


def scoring_steps(
    compiled: CompiledRuleset,
    values: dict[str, Any],
    *,
    unit: UnitRef | None = None,
    version: int | str | None = None,
    content_hash: str = "",
    reference: Reference | None = None,
    filled: list[FilledInput] | None = None,
) -> Steps:
    """A unit's scoring, paused at each phase's matching: it yields (phase, values) and is
    sent the ids of the conditions that hold, so many units can be matched in one engine
    session (engine.grouped); it returns the result's dict. A relative indicator is scored
    against `reference` (its place in a batch); `filled` names the inputs the service filled."""
    ruleset = compiled.ruleset
    ballots, figures = count_ballots(ruleset, values)
    if figures:
        values = {**values, **figures}  # a ballot's figures are read like inputs
    ctx = Context(compiled, values, (yield 1, values), reference)
    _check_consistency(ctx)
    indicators: list[Part] = []
    dimensions: list[Part] = []
    problems: list[InputProblem] = []
    for d, dimension in enumerate(ruleset.dimensions):
        results = [
            score_indicator(ctx, ind, f"dimensions[{d}].indicators[{i}].score")
            for i, ind in enumerate(dimension.indicators)
        ]
        indicators.extend(results)
        try:
            dimensions.append(score_dimension(ctx, dimension, results))
        except InputError as error:
            problems.extend(error.problems)
    if problems:
        raise InputError(problems)
    base = total(d["contribution"] for d in dimensions)
    adjustments = score_adjustments(ctx)
    total_exact = max(ZERO, total([base, *(g["applied"] for g in adjustments)]))
    rounded = round_half_up(total_exact, ruleset.precision)
    scored = dict(values)
    scored["total"] = rounded
    scored.update({d["id"]: d["contribution"] for d in dimensions})
    scored.update({i["id"]: NA if i["points"] is None else i["points"] for i in indicators})
    fired = ctx.fired | (yield 2, scored)
    vetoes = veto_results(ctx)
    final, natural, reasons = decide_grade(ruleset, rounded, fired, vetoes)
    env = {**scored, "grade": NA if final is None else ruleset.grades[final].id}
    outputs = compute_outputs(ruleset, env)
    part: Part = {
        "ruleset": {"id": ruleset.id, "title": ruleset.title, "version": version, "content_hash": content_hash},
        "unit": None if unit is None else unit.model_dump(),
        "status": "disqualified" if final is None else "scored",
        "input": {name: value for name, value in ctx.shown.items() if name in ruleset.inputs},
    }
    if ballots:
        part["ballots"] = [ballot.model_dump() for ballot in ballots]
    part.update(
        {
            "indicators": indicators,
            "dimensions": dimensions,
            "base": base,
            "adjustments": adjustments,
            "total_exact": total_exact,
            "precision": ruleset.precision,
            "total": rounded,
            "vetoes": vetoes,
            "grade": None if final is None else _grade_ref(ruleset, final),
            "grade_without_vetoes": _grade_ref(ruleset, natural),
            "grades_not_reached": reasons,
            "outputs": outputs,
            "quota": None,
            "flags": [],
        }
    )
    if reference is not None and ruleset.relative_indicators():
        part["reference"] = reference.model_dump()
    part["engine"] = {"version": ENGINE_VERSION, "rules_fired": sorted(fired)}
    if ruleset.flags:
        part["raised_flags"] = raise_flags(ruleset, env, [v["id"] for v in vetoes])
    if filled:
        part["filled_inputs"] = [f.model_dump() for f in filled]
    return part


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


def compute_outputs(ruleset: Ruleset, env: dict[str, Any]) -> list[Part]:
    """Each output in order, as its declared type; `env` (the scored values and `grade`)
    gains each output's value, so later outputs and the flags read it. Each is the dict
    engine.result.OutputResult dumps (a number output without `type` and `answer`)."""
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
                {"id": name, "title": output.title, "value": None, "exact": None, "type": output.type, "answer": answer}
            )
            continue
        exact = _as_number(value)
        env[name] = NA if exact is None else exact
        value = None if exact is None else round_half_up(exact, ruleset.precision)
        outputs.append({"id": name, "title": output.title, "value": value, "exact": exact})
    return outputs
