"""Every unit's figures at once: the arithmetic of engine.scoring over whole columns.

The figures are the ones engine.scoring.score_values computes: indicator points (not
applicable ones when an input they read is "NA", their dimension rescaled),
contributions, adjustments with caps, the total rounded half up, vetoes, the grade with
its requirements, flags and the standing quotas read. Units are scored in groups of the
same inputs "NA". A unit this path cannot score as the engine would (a broken consistency
rule, a dimension with no applicable indicator, a grade no unit could reach, a flag
reading the grade of a disqualified unit, a value the columns cannot carry, a class
weight read from an "NA") is left to the per-unit path, which says why.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

import numpy as np

from ..decimals import ZERO, Exact
from ..expressions import NA, Not
from ..inputs import jsonable
from ..loader import LoadedRuleset
from ..model import AdjustmentGroup, ClassWeights, Count, Dimension, Grade, GradeCap, Indicator, Ruleset
from ..result import Reference
from ..scored import Standing
from ..scoring import VETO_STRENGTH
from .ballots import figure_may_be_na, figure_names
from .columns import input_columns
from .evaluate import Column, Scope, evaluate, number, truth, truth3
from .exact_columns import exact_columns
from .numbers import (
    LIMIT,
    Num,
    add,
    clamp,
    compare,
    decimals,
    exacts,
    floor_steps,
    maximum,
    minimum,
    mul,
    round_half_up,
    sub,
    times,
)
from .outputs import reads_grade, with_outputs
from .relative import points_name, with_relative
from .support import read_inputs
from .tally import tally_columns


@dataclass(frozen=True, slots=True)
class Figures:
    """One unit's figures, as engine.scored.ScoredUnit holds them (and its indicators' points)."""

    status: str
    total: Decimal
    grade: str | None
    contributions: tuple[Exact, ...]
    vetoes: tuple[str, ...]
    raised: tuple[str, ...]
    standing: Standing
    sums: tuple[Exact, tuple[Exact, ...], Exact]
    indicators: tuple[Exact | None, ...]  # None: not applicable


def score_columns(
    loaded: LoadedRuleset, values: list[dict[str, Any]], references: list[Reference | None] | None = None
) -> tuple[dict[int, Figures], list[int]]:
    """The figures of each unit (validated values) the columnar path scores, by index, and
    the indices of the units left for the per-unit path. Units are scored in groups of the
    same inputs "NA": within a group each not applicable indicator is the same. Relative
    indicators are scored against `references`, one per unit (engine.batch.RelativeBatch)."""
    model = loaded.model
    tallied = tally_columns(model, values)
    left = np.flatnonzero(tallied.refused).tolist()  # a unit whose ballots cannot be counted is refused
    values, left = with_relative(loaded.compiled, values, references, left, tallied)
    reads = read_inputs(model)
    ballot = reads & figure_names(model)
    nullable = [name for name in reads if _may_be_na(model, name)]
    groups: dict[frozenset[str], list[int]] = {}
    for k in sorted(set(range(len(values))) - set(left)):
        na = frozenset(name for name in nullable if (tallied.na[name][k] if name in ballot else values[k][name] is NA))
        groups.setdefault(na, []).append(k)
    figures: dict[int, Figures] = {}
    for na, members in groups.items():
        given = {name: tallied.of(name, members) for name in ballot - na}
        found, kept = _figures(loaded, [values[k] for k in members], reads - na, na, given)
        figures.update({members[j]: f for j, f in found.items()})
        left += [k for k, ok in zip(members, kept, strict=True) if not ok]
    return dict(sorted(figures.items())), sorted(left)


def _may_be_na(model: Ruleset, name: str) -> bool:
    """Whether an input can be "NA" once validated (engine.inputs.validate_input), or a
    ballot figure once counted."""
    spec = model.inputs.get(name)
    if spec is None:
        return figure_may_be_na(model, name)
    return spec.na_allowed or (not spec.required and spec.default is None)


def _figures(
    loaded: LoadedRuleset, values: list[dict[str, Any]], reads, na, given: dict[str, Num]
) -> tuple[dict[int, Figures], np.ndarray]:
    """The figures of units whose inputs `na` are "NA" and `reads` are not; `given`: the
    columns of the ballot figures they read."""
    model, size = loaded.model, len(values)
    kept = np.ones(size, dtype=bool)
    if any(isinstance(d.weight, ClassWeights) and d.weight.by in na for d in model.dimensions):
        return {}, ~kept  # a weight by the class "NA": the per-unit path says what it makes of it
    left = np.zeros(size, dtype=bool)
    reads_of = loaded.compiled.indicator_inputs
    ranked = [points_name(i.id) for i in model.relative_indicators() if na.isdisjoint(reads_of[i.id])]
    columns = {**input_columns(model, values, reads - given.keys()), **given, **exact_columns(values, ranked)}
    env = Scope({**columns, **dict.fromkeys(na, NA)}, left)
    for rule in model.consistency:
        kept &= ~truth3(Not(0, rule.must.root), env, size).true  # broken: the per-unit path refuses the unit
    applicable = {ind.id: na.isdisjoint(loaded.compiled.indicator_inputs[ind.id]) for _, ind in model.indicators()}
    indicators = {ind.id: _points(ind, env, size) for _, ind in model.indicators() if applicable[ind.id]}
    contributions = []
    for dimension in model.dimensions:
        scored = [ind for ind in dimension.indicators if applicable[ind.id]]
        if not scored:  # every indicator not applicable: the per-unit path refuses the unit
            return {}, np.zeros(size, dtype=bool)
        points = _sum([indicators[i.id] for i in scored], size)
        contributions.append(_contribution(dimension, scored, points, env))
    base = _sum(contributions, size)
    applied = [_group(group, env, size) for group in model.adjustments]
    total_exact = maximum(Num.const(ZERO, size), _sum([base, *applied], size))
    rounded = round_half_up(total_exact, model.precision)
    scored_env = Scope({**env, "total": rounded}, left)
    scored_env.update({d.id: c for d, c in zip(model.dimensions, contributions, strict=True)})
    scored_env.update({ind.id: indicators.get(ind.id, NA) for _, ind in model.indicators()})
    held = [truth(veto.when.root, env, size) for veto in model.vetoes]
    eligible = [_eligible(grade, rounded, scored_env, size) for grade in model.grades]
    final, ungraded = _grades(model, held, eligible, size)
    kept &= ~ungraded
    raised = _flags(model, with_outputs(model, scored_env, final, size), held, size)
    kept &= ~left
    if reads_grade(model):
        kept &= final >= 0  # the grade of a disqualified unit is "NA": three-valued logic decides
    columns = {
        "rounded": rounded,
        "contributions": contributions,
        "indicators": [indicators.get(ind.id) for _, ind in model.indicators()],
        "base": base,
        "applied": applied,
        "total_exact": total_exact,
        "final": final,
        "held": held,
        "raised": raised,
        "eligible": eligible,
    }
    return _units(model, kept, columns, values, na), kept


def _contribution(dimension: Dimension, scored: list[Indicator], points: Num, env: Scope) -> Num:
    """A dimension's contribution, rescaled for its not applicable indicators and weighted,
    by a fixed weight or by the unit's class (engine.scoring.score_dimension)."""
    full = Fraction(dimension.full_points)
    applicable_full = sum((Fraction(ind.points) for ind in scored), Fraction(0))
    if applicable_full == 0:
        rescaled = Num.const(ZERO, len(points.num))
    else:
        rescaled = points if applicable_full == full else times(points, full / applicable_full)
    if dimension.weight is None:
        return rescaled
    if isinstance(dimension.weight, ClassWeights):
        classes = env[dimension.weight.by]
        cases = [(classes == name, value) for name, value in dimension.weight.values.items()]
        env.leave(~np.logical_or.reduce([holds for holds, _ in cases]))  # a class of no weight
        weights = _choose(cases, len(classes))
        return times(mul(weights, rescaled), 1 / full)
    return times(rescaled, Fraction(dimension.weight) / full)


def _sum(columns: list[Num], size: int) -> Num:
    result = Num.const(ZERO, size)
    for column in columns:
        result = add(result, column)
    return result


def _either(holds: np.ndarray, value: Decimal, size: int) -> Num:
    return _choose([(holds, value)], size)


def _choose(cases: list[tuple[np.ndarray, Decimal]], size: int) -> Num:
    """The value of the first case that holds, 0 where none does."""
    fractions = [Fraction(value) for _, value in cases]
    den = math.lcm(1, *(f.denominator for f in fractions))
    whole = [int(f * den) for f in fractions]
    num = np.zeros(size, dtype=object if any(abs(n) > LIMIT for n in whole) else np.int64)
    for (holds, _), n in reversed(list(zip(cases, whole, strict=True))):
        num = np.where(holds, n, num).astype(num.dtype)
    return Num(num, den)


def _points(indicator: Indicator, env: dict[str, Column], size: int) -> Num:
    """An indicator's points for every unit (engine.scoring._indicator_points and _bands)."""
    score, full = indicator.score, indicator.points
    if score.relative is not None:  # worked out per unit against its reference (engine.columnar.relative)
        return env[points_name(indicator.id)]
    if score.bands is not None:
        everyone = np.ones(size, dtype=bool)
        return _choose(
            [(everyone if b.when is None else truth(b.when.root, env, size), b.value) for b in score.bands], size
        )
    if score.check is not None:
        return _either(truth(score.check.root, env, size), full, size)
    if score.formula is not None:
        return clamp(number(evaluate(score.formula.root, env, size), env), ZERO, full)
    if score.linear is not None:
        linear = score.linear
        value = number(evaluate(linear.of.root, env, size), env)
        scale = Fraction(full) / (Fraction(linear.full_at) - Fraction(linear.zero_at))
        return clamp(times(sub(value, Num.const(linear.zero_at, size)), scale), ZERO, full)
    method = score.method
    count: Count = getattr(score, method)
    change = times(_units_of(count, number(evaluate(count.of.root, env, size), env), size), count.points)
    if method == "deduct":
        return clamp(sub(Num.const(full, size), change), ZERO, full)
    return clamp(change, ZERO, full)


def _units_of(count: Count, value: Num, size: int) -> Num:
    """engine.scoring.count_units over a column: the amount, in whole steps when stepped."""
    zero = Num.const(ZERO, size)
    if count.below is not None:
        value = maximum(zero, sub(Num.const(count.below, size), value))
    elif count.above is not None:
        value = maximum(zero, sub(value, Num.const(count.above, size)))
    return value if count.step is None else floor_steps(value, count.step)


def _group(group: AdjustmentGroup, env: dict[str, Column], size: int) -> Num:
    """An adjustment group's applied points (engine.scoring.score_adjustments)."""
    items = []
    for item in group.items:
        if item.when is not None:
            items.append(_either(truth(item.when.root, env, size), item.points, size))
        elif env[item.per] is NA:
            items.append(Num.const(ZERO, size))
        else:
            items.append(times(number(env[item.per], env), item.points))
    raw = _sum(items, size)
    if group.cap is None:
        return raw
    cap = Num.const(group.cap, size)
    return minimum(raw, cap) if group.cap >= 0 else maximum(raw, cap)


def _eligible(grade: Grade, rounded: Num, scored: dict[str, Column], size: int) -> np.ndarray:
    """Whether each unit reaches the grade: its min and every requirement (vetoes aside)."""
    reached = np.ones(size, dtype=bool) if grade.min is None else compare(">=", rounded, Num.const(grade.min, size))
    for requirement in grade.requires:
        reached = reached & truth(requirement.root, scored, size)
    return reached


def _grades(model: Ruleset, held: list[np.ndarray], eligible: list[np.ndarray], size: int):
    """(final grade index, -1 when disqualified; natural index; units the engine cannot grade)
    as engine.scoring.decide_grade decides them."""
    count = len(model.grades)

    def first_from(start: np.ndarray) -> np.ndarray:
        found = np.full(size, -1)
        for index in reversed(range(count)):
            found = np.where(eligible[index] & (index >= start), index, found)
        return found

    natural = first_from(np.zeros(size, dtype=int))
    strongest = np.full(size, -1)
    decisive = np.full(size, -1)
    for v, veto in enumerate(model.vetoes):
        cap = model.grade_index(veto.effect.cap) if isinstance(veto.effect, GradeCap) else 0
        strength = VETO_STRENGTH[veto.effect_name] * (count + 1) + cap
        stronger = held[v] & (strength > strongest)  # the first of equally strong ones decides
        strongest = np.where(stronger, strength, strongest)
        decisive = np.where(stronger, v, decisive)
    final = natural.copy()
    ungraded = natural < 0
    for v, veto in enumerate(model.vetoes):
        mine = decisive == v
        if veto.effect_name == "disqualify":
            final = np.where(mine, -1, final)
        elif veto.effect_name == "lowest":
            final = np.where(mine, count - 1, final)
        else:
            capped = first_from(np.maximum(natural, model.grade_index(veto.effect.cap)))
            ungraded |= mine & (capped < 0)
            final = np.where(mine, capped, final)
    return final, ungraded


def _flags(model: Ruleset, scored: Scope, held: list[np.ndarray], size: int):
    """Whether each flag holds for each unit (engine.flags.raise_flags); `scored` holds the
    grade and the outputs."""
    if not model.flags:
        return []
    vetoed = np.logical_or.reduce(held) if held else np.zeros(size, dtype=bool)
    vetoes = {v.id: h for v, h in zip(model.vetoes, held, strict=True)}
    names = Scope({"vetoed": vetoed, **vetoes, **scored}, scored.left)
    return [truth(flag.when.root, names, size) for flag in model.flags]


def _units(model: Ruleset, kept: np.ndarray, columns: dict[str, Any], values: list[dict[str, Any]], na):
    """Each kept unit's Figures, from the columns."""
    totals = decimals(columns["rounded"], model.precision)
    contributions = [exacts(c) for c in columns["contributions"]]
    points = [[None] * len(kept) if p is None else exacts(p) for p in columns["indicators"]]
    base, applied, total_exact = (
        exacts(columns["base"]),
        [exacts(a) for a in columns["applied"]],
        exacts(columns["total_exact"]),
    )
    grades = [g.id for g in model.grades]
    final = columns["final"].tolist()
    held = np.array(columns["held"], dtype=bool).reshape(len(model.vetoes), len(kept)).T.tolist()
    raised = np.array(columns["raised"], dtype=bool).reshape(len(model.flags), len(kept)).T.tolist()
    eligible = np.array(columns["eligible"], dtype=bool).T.tolist()
    ties = sorted({name for quota in model.quotas for name in quota.tie_break})
    dimension_at = {d.id: n for n, d in enumerate(model.dimensions)}
    indicator_at = {ind.id: n for n, (_, ind) in enumerate(model.indicators())}
    vetoes = [v.id for v in model.vetoes]
    flags = [f.id for f in model.flags]
    found = {}
    for k in np.flatnonzero(kept).tolist():
        grade = grades[final[k]] if final[k] >= 0 else None
        contribution = tuple(c[k] for c in contributions)
        indicator = tuple(p[k] for p in points)
        tie_values = {}
        for name in ties:  # engine.scored._tie_value
            if name in dimension_at:
                tie_values[name] = (1, contribution[dimension_at[name]])
            elif name in indicator_at:
                found_points = indicator[indicator_at[name]]
                tie_values[name] = (0, Decimal(0)) if found_points is None else (1, found_points)
            elif name in na:
                tie_values[name] = (0, Decimal(0))
            else:
                tie_values[name] = (1, Decimal(str(jsonable({name: values[k][name]}, model)[name])))
        found[k] = Figures(
            status="disqualified" if grade is None else "scored",
            total=totals[k],
            grade=grade,
            contributions=contribution,
            vetoes=tuple(v for v, h in zip(vetoes, held[k], strict=True) if h),
            raised=tuple(f for f, r in zip(flags, raised[k], strict=True) if r),
            standing=Standing(grade, totals[k], tuple(eligible[k]), tie_values),
            sums=(base[k], tuple(a[k] for a in applied), total_exact[k]),
            indicators=indicator,
        )
    return found
