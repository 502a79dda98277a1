"""What it takes to reach each higher grade: the fewest input changes that would.

For a grade above the one given, the search changes only inputs a unit can work on:
inputs read by indicators, adjustment items or grade requirements, within their
range; never the facts a veto reads (those block the grade and are reported as such),
a class of unit that selects weights, text, or an input answered "NA". Each candidate
value is a place where some condition, band, line or count changes (an edge, a
threshold, the ends of the range), and every proposal is scored by the engine itself,
so a proposed change does reach the grade (quotas aside, which only a batch decides).

Single changes that reach the grade come first, the smallest change of each input;
otherwise inputs are added greedily, each time the one that fixes most failed
requirements and adds most points (for an additive ruleset this is the headroom
search), then changes that are not needed are dropped and the rest made as small as
they can be. Inputs that cannot raise the total or fix a requirement are listed.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from . import score
from .cases import around
from .compiler import indicator_inputs
from .errors import InputError
from .expressions import NA, Compare, Name, Number, walk
from .inputs import jsonable, validate_input
from .loader import LoadedRuleset
from .model import ClassWeights, InputSpec, Ruleset
from .result import GradeNotReached, InputChange, ReachRoute, Reference, Result, WhatItTakes

MAX_ROUTES = 5
MAX_STEPS = 12


def levers(ruleset: Ruleset, values: dict[str, Any]) -> list[str]:
    """The inputs the search may change, in the order the ruleset declares them."""
    read: set[str] = set()
    for _, indicator in ruleset.indicators():
        read |= indicator_inputs(indicator)
    for group in ruleset.adjustments:
        for item in group.items:
            read |= item.when.names if item.when is not None else {item.per}
    for grade in ruleset.grades:
        for requirement in grade.requires:
            read |= requirement.names
    fixed = {name for veto in ruleset.vetoes for name in veto.when.names}
    fixed |= {d.weight.by for d in ruleset.dimensions if isinstance(d.weight, ClassWeights)}
    return [
        name
        for name, spec in ruleset.inputs.items()
        if name in read and name not in fixed and spec.type != "text" and values.get(name, NA) is not NA
    ]


def _edges(ruleset: Ruleset) -> dict[str, set[Decimal]]:
    """For each input, the numbers where something it feeds changes."""
    edges: dict[str, set[Decimal]] = {}

    def note(name: str, value: Decimal | None) -> None:
        if value is not None:
            edges.setdefault(name, set()).add(value)

    expressions = [veto.when for veto in ruleset.vetoes]
    expressions += [r for g in ruleset.grades for r in g.requires]
    for group in ruleset.adjustments:
        expressions += [item.when for item in group.items if item.when is not None]
    for _, indicator in ruleset.indicators():
        score_ = indicator.score
        expressions += [b.when for b in score_.bands or () if b.when is not None]
        expressions += [e for e in (score_.check, score_.formula) if e is not None]
        if score_.linear is not None and isinstance(score_.linear.of.root, Name):
            note(score_.linear.of.root.id, score_.linear.zero_at)
            note(score_.linear.of.root.id, score_.linear.full_at)
        count = score_.deduct or score_.award
        if count is not None and isinstance(count.of.root, Name):
            name = count.of.root.id
            note(name, count.below)
            note(name, count.above)
            if score_.award is not None and count.points and count.below is None and count.above is None:
                note(name, indicator.points / count.points)
    for expression in expressions:
        for node in walk(expression.root):
            if isinstance(node, Compare):
                for a, b in ((node.left, node.right), (node.right, node.left)):
                    if isinstance(a, Name) and isinstance(b, Number):
                        note(a.id, b.value)
    return edges


def candidates(spec: InputSpec, current: Any, edges: set[Decimal]) -> list[Any]:
    """Values worth trying for one input, other than its current value."""
    if spec.type == "boolean":
        return [not current]
    if spec.type == "choice":
        return [c for c in spec.choices or () if c != current]
    values: list[Any] = []
    for edge in sorted(edges | {e for e in (spec.min, spec.max) if e is not None}):
        values += [v for v in around(spec, edge) if v not in values]
    return [v for v in values if v != current]


def _distance(spec: InputSpec, current: Any, value: Any) -> Decimal:
    """How big a change is, as a share of the input's range (1 for a boolean or choice)."""
    if not spec.numeric:
        return Decimal(1)
    width = (spec.max - spec.min) if spec.min is not None and spec.max is not None else Decimal(1)
    return abs(Decimal(value) - Decimal(current)) / (width or Decimal(1))


# a unit's data -> its reference among the peers it is compared with
Placing = Callable[[dict[str, Any]], Reference]


class _Search:
    """The scored candidates of one unit, shared by every grade it did not reach."""

    def __init__(self, ruleset: LoadedRuleset, data: dict[str, Any], place: Placing | None = None):
        self.ruleset, self.model, self.data = ruleset, ruleset.model, dict(data)
        self.place = place
        self.values = validate_input(self.model, data)
        self.base = self._scored(data)
        self.levers = levers(self.model, self.values)
        edges = _edges(self.model)
        self.tried: dict[str, list[tuple[Any, Result]]] = {}
        for name in self.levers:
            spec = self.model.inputs[name]
            scored = []
            for value in candidates(spec, self.values[name], edges.get(name, set())):
                result = self.score({name: value})
                if result is not None:
                    scored.append((value, result))
            self.tried[name] = scored

    def _scored(self, data: dict[str, Any]) -> Result:
        # a relative indicator's changed value takes a new place among the same peers
        return score(self.ruleset, data, reference=self.place(data) if self.place else None)

    def score(self, changes: dict[str, Any]) -> Result | None:
        try:
            return self._scored({**self.data, **changes})
        except InputError:
            return None

    def reaches(self, result: Result | None, target: int) -> bool:
        return result is not None and result.grade is not None and self.model.grade_index(result.grade.id) <= target

    def progress(self, result: Result, target: int) -> tuple:
        """Nearer the target grade: fewer failed requirements, then a higher total."""
        step = next((s for s in result.grades_not_reached if s.id == self.model.grades[target].id), None)
        failed = len(step.failed_requires) if step is not None else 0
        return (self.reaches(result, target), -failed, result.total_exact)

    def distance(self, name: str, value: Any) -> Decimal:
        return _distance(self.model.inputs[name], self.values[name], value)

    def routes(self, target: int) -> list[dict[str, Any]]:
        singles = []
        for name in self.levers:
            reaching = [v for v, r in self.tried[name] if self.reaches(r, target)]
            if reaching:
                nearest = min(reaching, key=lambda v, n=name: self.distance(n, v))
                singles.append({name: self.smallest({}, name, nearest, target)})
        if singles:
            return sorted(singles, key=lambda c: sum(self.distance(n, v) for n, v in c.items()))[:MAX_ROUTES]
        combined = self._greedy(target)
        return [] if combined is None else [self._trimmed(combined, target)]

    def _greedy(self, target: int) -> dict[str, Any] | None:
        best = {
            name: max(tried, key=lambda p: self.progress(p[1], target))[0]
            for name, tried in self.tried.items()
            if tried
        }
        changes: dict[str, Any] = {}
        current = self.base
        for _ in range(MAX_STEPS):
            if self.reaches(current, target):
                return changes
            options = []
            for name, value in best.items():
                if name in changes:
                    continue
                result = self.score({**changes, name: value})
                if result is not None and self.progress(result, target) > self.progress(current, target):
                    options.append((self.progress(result, target), name, value, result))
            if not options:
                return None
            _, name, value, current = max(options, key=lambda o: o[0])
            changes[name] = value
        return changes if self.reaches(current, target) else None

    def _trimmed(self, changes: dict[str, Any], target: int) -> dict[str, Any]:
        """Drop changes that are not needed, then make each of the rest as small as it can be."""
        for name in list(changes):
            without = {k: v for k, v in changes.items() if k != name}
            if self.reaches(self.score(without), target):
                changes = without
        for name in list(changes):
            for value, _ in sorted(self.tried[name], key=lambda p, n=name: self.distance(n, p[0])):
                if self.distance(name, value) >= self.distance(name, changes[name]):
                    break
                if self.reaches(self.score({**changes, name: value}), target):
                    changes = {**changes, name: value}
                    break
            others = {k: v for k, v in changes.items() if k != name}
            changes = {**others, name: self.smallest(others, name, changes[name], target)}
        return changes

    def smallest(self, others: dict[str, Any], name: str, value: Any, target: int) -> Any:
        """The value nearest the current one, between it and `value`, that still reaches
        the target with the other changes (by bisection on the input's own grid)."""
        spec = self.model.inputs[name]
        if not spec.numeric:
            return value
        current = Decimal(self.values[name])
        places = max(2, -current.as_tuple().exponent, -Decimal(value).as_tuple().exponent)
        grid = Decimal(1) if spec.type == "integer" else Decimal(1).scaleb(-places)
        near, far = current, Decimal(value)  # near does not reach, far does
        while abs(far - near) > grid:
            middle = ((near + far) / 2 / grid).to_integral_value() * grid
            if middle in (near, far):
                break
            if self.reaches(self.score({**others, name: _typed(spec, middle)}), target):
                far = middle
            else:
                near = middle
        return _typed(spec, far)

    def cannot_help(self, target: int) -> list[str]:
        start = self.progress(self.base, target)
        return [
            name
            for name in self.levers
            if not any(self.progress(r, target)[1:] > start[1:] for _, r in self.tried[name])
        ]


def _typed(spec: InputSpec, value: Decimal) -> Any:
    return int(value) if spec.type == "integer" else value.normalize() if value != 0 else Decimal(0)


def _shown(model: Ruleset, name: str, value: Any) -> Any:
    """A value as results show input values (of its declared type)."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    return jsonable({name: value}, model)[name]


def what_it_takes(ruleset: LoadedRuleset, data: dict[str, Any], result: Result, place: Placing | None = None) -> Result:
    """The result with, for each higher grade not reached, what would reach it. Under
    relative indicators a changed unit is placed again among its peers by `place`;
    without it there is no telling what a change would give, and nothing is added."""
    if not result.grades_not_reached or (ruleset.model.relative_indicators() and place is None):
        return result
    search = _Search(ruleset, data, place)
    model = ruleset.model
    steps: list[GradeNotReached] = []
    for step in result.grades_not_reached:
        target = model.grade_index(step.id)
        if step.vetoed_by or step.quota:
            reason = (
                f"被否决 {', '.join(step.vetoed_by)}, 否决事项不在可改变的输入之内"
                if step.vetoed_by
                else "名额控制在批次中决定, 单个单位的输入改变无法保证"
            )
            taken = WhatItTakes(points_missing=step.points_missing, routes=[], cannot_help=[], note=reason)
        else:
            routes = []
            for changes in search.routes(target):
                reached = search.score(changes)
                routes.append(
                    ReachRoute(
                        changes=[
                            InputChange(
                                input=name,
                                title=model.inputs[name].title,
                                current=_shown(model, name, search.values[name]),
                                proposed=_shown(model, name, value),
                            )
                            for name, value in changes.items()
                        ],
                        total=reached.total,
                        grade=reached.grade.id,
                    )
                )
            fixed = "".join(f" ({b.title}的票数不作改变)" for b in model.ballots)  # raters' ballots are not levers
            note = None if routes else f"在各输入的范围内改变可改变的输入也无法达到{fixed}"
            taken = WhatItTakes(
                points_missing=step.points_missing, routes=routes, cannot_help=search.cannot_help(target), note=note
            )
        steps.append(step.model_copy(update={"what_it_takes": taken}))
    return result.model_copy(update={"grades_not_reached": steps})
