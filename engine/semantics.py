"""Load-time checks that need the whole ruleset: names, scopes, types, references.

Each check appends a RulesetProblem and goes on, so an author sees every mistake
in one pass. What is checked here is what the format promises to refuse: bad
expressions, undeclared names, a choice compared with a value outside its
choices, duplicate ids, grades out of order and dangling references.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .ballots import figure_titles
from .ballots import may_be_na as may_be_na_figure
from .branch_figures import FIGURE, FIGURE_NAMES, INTEGER_FIGURES
from .decimals import plain
from .errors import RulesetProblem
from .expressions import (
    And,
    Arithmetic,
    Boolean,
    Call,
    Compare,
    Conditional,
    Expression,
    Membership,
    Name,
    Negate,
    Node,
    Not,
    Number,
    Or,
    String,
)
from .messages import listing, say, suggestion
from .model import ClassWeights, Count, GradeCap, InputSpec, Ruleset
from .unit_kinds import KIND_OF, KINDS

RESERVED = frozenset({"and", "or", "not", "in", "if", "else", "true", "false", "total", "grade"})


@dataclass(frozen=True)
class Type:
    """What an expression yields: a number, a truth value, or text (maybe from a set)."""

    kind: str  # "number" | "boolean" | "text"
    choices: frozenset[str] | None = None
    source: str | None = None  # the name whose choices these are
    may_be_na: bool = False


NUMBER = Type("number")
BOOLEAN = Type("boolean")
TEXT = Type("text")
OUTPUT_TYPE = {"number": NUMBER, "text": TEXT, "boolean": BOOLEAN}


class _Problem(Exception):
    def __init__(self, message: str, column: int):
        self.message = message
        self.column = column


class Scope:
    """The names an expression may read, with their types."""

    def __init__(self, names: dict[str, Type], where: str):
        self.names = names
        self.where = where

    def extended(self, more: dict[str, Type], where: str) -> Scope:
        return Scope({**self.names, **more}, where)


def infer(node: Node, scope: Scope) -> Type:
    """The type of an expression, or _Problem at the first mistake."""
    if isinstance(node, Number):
        return NUMBER
    if isinstance(node, Boolean):
        return BOOLEAN
    if isinstance(node, String):
        return TEXT
    if isinstance(node, Name):
        if node.id not in scope.names:
            hint = suggestion(node.id, scope.names)
            raise _Problem(say("semantic.undeclared", name=node.id, where=say(scope.where), hint=hint), node.column)
        return scope.names[node.id]
    if isinstance(node, Negate):
        _expect_number(node.operand, scope, "-")
        return NUMBER
    if isinstance(node, Arithmetic):
        _expect_number(node.left, scope, node.op)
        _expect_number(node.right, scope, node.op)
        return NUMBER
    if isinstance(node, Not):
        _expect_boolean(node.operand, scope, "not")
        return BOOLEAN
    if isinstance(node, And | Or):
        word = "and" if isinstance(node, And) else "or"
        for item in node.items:
            _expect_boolean(item, scope, word)
        return BOOLEAN
    if isinstance(node, Compare):
        _check_compare(node, scope)
        return BOOLEAN
    if isinstance(node, Membership):
        operand = infer(node.operand, scope)
        for value in node.values:
            _check_equality(operand, node.operand, value, scope)
        return BOOLEAN
    if isinstance(node, Conditional):
        _expect_boolean(node.condition, scope, "if")
        then, otherwise = infer(node.then, scope), infer(node.otherwise, scope)
        if {then.kind, otherwise.kind} <= {"number", "boolean"} and then.kind != otherwise.kind:
            return NUMBER
        if then.kind != otherwise.kind:
            raise _Problem(say("semantic.if_types"), node.column)
        return then
    if isinstance(node, Call):
        for arg in node.args:
            _expect_number(arg, scope, f"{node.function}()")
        if node.function == "round" and not isinstance(node.args[1], Number):
            raise _Problem(say("semantic.round_places"), node.column)
        return NUMBER
    raise _Problem(say("semantic.unsupported"), node.column)


def _expect_number(node: Node, scope: Scope, what: str) -> None:
    kind = infer(node, scope).kind
    if kind not in ("number", "boolean"):
        raise _Problem(say("semantic.needs_numbers", what=what), node.column)


def _expect_boolean(node: Node, scope: Scope, what: str) -> None:
    kind = infer(node, scope).kind
    if kind != "boolean":
        raise _Problem(say("semantic.needs_condition", what=what, kind=say(f"kind.of.{kind}")), node.column)


def _is_na(node: Node) -> bool:
    return isinstance(node, String) and node.value == "NA"


def _check_compare(node: Compare, scope: Scope) -> None:
    if node.op in ("==", "!=") and (_is_na(node.left) or _is_na(node.right)):
        other = node.right if _is_na(node.left) else node.left
        if not isinstance(other, Name):
            raise _Problem(say("semantic.na_only_input"), node.column)
        if not infer(other, scope).may_be_na:
            raise _Problem(say("semantic.never_na", name=other.id), node.column)
        return
    left, right = infer(node.left, scope), infer(node.right, scope)
    if node.op in ("==", "!="):
        _check_equality(left, node.left, node.right, scope, right)
        return
    for side in (left, right):
        if side.kind == "text":
            raise _Problem(say("semantic.text_order", op=node.op), node.column)


def _check_equality(left: Type, left_node: Node, right_node: Node, scope: Scope, right: Type | None = None) -> None:
    right = right or infer(right_node, scope)
    numeric = {"number", "boolean"}
    if (left.kind in numeric) != (right.kind in numeric):
        raise _Problem(say("semantic.text_vs_number"), right_node.column)
    for typed, other in ((left, right_node), (right, left_node)):
        if typed.choices is not None and isinstance(other, String) and other.value not in typed.choices:
            hint = suggestion(other.value, typed.choices)
            choices = listing(sorted(typed.choices))
            message = say("semantic.not_a_choice", value=other.value, input=typed.source, choices=choices, hint=hint)
            raise _Problem(message, other.column)


def input_scope(inputs: dict[str, InputSpec], where: str) -> Scope:
    """The names and types of declared inputs (a ruleset's, or an event kind's fields)."""
    names = {}
    for name, spec in inputs.items():
        may_be_na = spec.na_allowed or (not spec.required and spec.default is None)
        if spec.numeric:
            names[name] = Type("number", may_be_na=may_be_na)
        elif spec.type == "boolean":
            names[name] = Type("boolean", may_be_na=may_be_na)
        elif spec.type == "choice":
            names[name] = Type("text", frozenset(spec.choices or ()), name, may_be_na)
        else:
            names[name] = Type("text", may_be_na=may_be_na)
    return Scope(names, where)


# ---------------------------------------------------------------- the whole ruleset


class SemanticChecker:
    """Walks a structurally valid ruleset and lists every semantic problem."""

    def __init__(self, ruleset: Ruleset):
        self.rs = ruleset
        self.problems: list[RulesetProblem] = []

    def _not_a_grade(self, name: str) -> str:
        return say("semantic.not_a_grade", name=name, hint=suggestion(name, [g.id for g in self.rs.grades]))

    def add(self, path: str, message: str, column: int | None = None) -> None:
        self.problems.append(RulesetProblem(path=path, message=message, column=column))

    def run(self) -> list[RulesetProblem]:
        self._ids()
        inputs = self._input_scope()
        self._inputs()
        self._consistency(inputs)
        self._dimensions(inputs)
        self._adjustments(inputs)
        self._vetoes(inputs)
        scored = inputs.extended(self._score_names(), "scope.scored")
        self._grades(scored)
        self._flags(self._outputs(scored))
        self._quotas()
        self._stages()
        self._rectification()
        self._tests()
        return self.problems

    # -- names

    def _ids(self) -> None:
        rs = self.rs
        shared: dict[str, str] = {}

        def claim(identifier: str, path: str) -> None:
            if identifier in RESERVED:
                self.add(path, say("semantic.reserved", id=identifier))
            elif identifier in shared:
                self.add(path, say("semantic.id_used", id=identifier, where=shared[identifier]))
            else:
                shared[identifier] = path

        for name in rs.inputs:
            claim(name, f"inputs.{name}")
        for d, dim in enumerate(rs.dimensions):
            claim(dim.id, f"dimensions[{d}].id")
            for i, ind in enumerate(dim.indicators):
                claim(ind.id, f"dimensions[{d}].indicators[{i}].id")
        for name in rs.outputs:
            claim(name, f"outputs.{name}")
        self._unique([g.id for g in rs.adjustments], "adjustments[{}].id")
        items = [(g, i, item.id) for g, grp in enumerate(rs.adjustments) for i, item in enumerate(grp.items)]
        seen: dict[str, str] = {}
        for g, i, item_id in items:
            path = f"adjustments[{g}].items[{i}].id"
            if item_id in seen:
                self.add(path, say("semantic.id_used", id=item_id, where=seen[item_id]))
            seen.setdefault(item_id, path)
        self._unique([v.id for v in rs.vetoes], "vetoes[{}].id")
        self._unique([g.id for g in rs.grades], "grades[{}].id")
        self._unique([f.id for f in rs.flags], "flags[{}].id")
        self._unique([t.name for t in rs.tests], "tests[{}].name")

    def _stages(self) -> None:
        """Stage ids once each, levels that are unit kinds, and a first stage that may
        submit data (it is where a unit's data comes from)."""
        self._unique([s.id for s in self.rs.stages], "stages[{}].id")
        for index, stage in enumerate(self.rs.stages):
            if stage.level not in KIND_OF:
                hint = suggestion(stage.level, list(KIND_OF))
                self.add(
                    f"stages[{index}].level",
                    say("semantic.stage_level", level=stage.level, kinds=listing(KINDS), hint=hint),
                )
        if self.rs.stages and not self.rs.stages[0].may_edit:
            self.add("stages[0].may_edit", say("semantic.first_stage_confirms", stage=self.rs.stages[0].title))

    def _rectification(self) -> None:
        """Each item opened by an element the ruleset declares (a deduction by an item of
        an adjustment group), answered for by the unit or a unit kind, titled with only
        the names a title may use."""
        from .rectification import title_problem

        rs = self.rs
        self._unique([r.id for r in rs.rectification], "rectification[{}].id")
        known = {
            "indicator": [i.id for _, i in rs.indicators()],
            "deduction": [item.id for group in rs.adjustments for item in group.items],
            "veto": [v.id for v in rs.vetoes],
        }
        for index, item in enumerate(rs.rectification):
            path = f"rectification[{index}]"
            name = getattr(item, item.trigger)
            if name not in known[item.trigger]:
                hint = suggestion(name, known[item.trigger])
                what = say(f"what.rectification.{item.trigger}")
                self.add(
                    f"{path}.{item.trigger}", say("semantic.rectification_unknown", name=name, what=what, hint=hint)
                )
            if item.responsible != "unit" and item.responsible not in KIND_OF:
                hint = suggestion(item.responsible, ["unit", *KIND_OF])
                self.add(
                    f"{path}.responsible",
                    say("semantic.rectification_responsible", level=item.responsible, kinds=listing(KINDS), hint=hint),
                )
            problem = title_problem(item.title)
            if problem is not None:
                self.add(f"{path}.title", problem)

    def _unique(self, values: list[str], pattern: str) -> None:
        first: dict[str, int] = {}
        for index, value in enumerate(values):
            if value in first:
                self.add(
                    pattern.format(index), say("semantic.value_used", value=value, where=pattern.format(first[value]))
                )
            first.setdefault(value, index)

    def _input_scope(self) -> Scope:
        scope = input_scope(self.rs.inputs, "scope.inputs")
        for ballot in self.rs.ballots:
            for figure in figure_titles(ballot):
                scope.names[figure] = Type("number", may_be_na=may_be_na_figure(ballot, figure))
        return scope

    def _score_names(self) -> dict[str, Type]:
        names = {"total": NUMBER}
        for dim in self.rs.dimensions:
            names[dim.id] = NUMBER
            for ind in dim.indicators:
                names[ind.id] = Type("number", may_be_na=True)
        return names

    # -- elements

    def _expression(self, expr: Expression, scope: Scope, path: str, want: str) -> None:
        try:
            kind = infer(expr.root, scope).kind
        except _Problem as problem:
            self.add(path, problem.message, problem.column)
            return
        if want == "boolean" and kind != "boolean":
            self.add(path, say("semantic.must_be_condition", kind=say(f"kind.of.{kind}")), 1)
        if want == "number" and kind not in ("number", "boolean"):
            self.add(path, say("semantic.must_be_number", kind=say(f"kind.of.{kind}")), 1)
        if want == "text" and kind != "text":
            self.add(path, say("semantic.must_be_text", kind=say(f"kind.of.{kind}")), 1)

    def _inputs(self) -> None:
        for name, spec in self.rs.inputs.items():
            path = f"inputs.{name}"
            if spec.previous is not None:
                self._previous_grade(spec, f"{path}.previous")
            if spec.filled_from is not None:
                self._filled_count(spec, f"{path}.from")
            if spec.from_points is not None:
                self._from_points(spec, f"{path}.from_points")
            if spec.from_quarters is not None:
                self._from_quarters(spec, path)
            given = {"from": spec.filled_from, "from_points": spec.from_points, "from_quarters": spec.from_quarters}
            sources = [key for key, value in given.items() if value is not None]
            if len(sources) > 1:
                self.add(path, say("semantic.fill_sources", sources=listing(sources)))
            if spec.default is None:
                continue
            from .inputs import check_value  # the same rules a submitted value meets

            problem = check_value(name, spec, spec.default)
            if problem is not None:
                self.add(f"{path}.default", say("semantic.default", problem=problem.message))

    def _previous_grade(self, spec, path: str) -> None:
        """An input the service fills with last period's grade: an optional choice of exactly the grades."""
        grade_ids = [g.id for g in self.rs.grades]
        if spec.type != "choice" or set(spec.choices or ()) != set(grade_ids):
            self.add(path, say("semantic.previous_choices", grades=listing(grade_ids)))
        if spec.required or spec.default is not None:
            self.add(path, say("semantic.previous_optional"))

    def _filled_count(self, spec, path: str) -> None:
        """An input the service fills with a count: an optional integer (empty without the service)."""
        if spec.type != "integer" or spec.required:
            self.add(path, say("semantic.filled_count", source=spec.filled_from))

    def _from_points(self, spec, path: str) -> None:
        """An input the service fills with a branch figure: a number (an integer only for a
        count), one of the figures a points ruleset gives, and not also last period's grade."""
        figure = spec.from_points.figure
        if not FIGURE.fullmatch(figure):
            self.add(f"{path}.figure", say("semantic.from_points_figure", figure=figure, names=listing(FIGURE_NAMES)))
        elif spec.type != "number" and not (spec.type == "integer" and figure in INTEGER_FIGURES):
            self.add(path, say("semantic.from_points_type", figure=figure, type=spec.type))
        if spec.previous is not None:
            self.add(path, say("semantic.from_points_and_previous"))

    def _from_quarters(self, spec, path: str) -> None:
        """A yearly input derived from quarterly records: in a yearly ruleset, from another
        ruleset, combined in a way its type can hold, and not also last period's grade."""
        derived = spec.from_quarters
        if self.rs.period not in (None, "year"):
            kind = say(f"period.{self.rs.period}")
            self.add(f"{path}.from_quarters", say("semantic.from_quarters_yearly", period=kind))
        if derived.ruleset == self.rs.id:
            self.add(f"{path}.from_quarters.ruleset", say("semantic.from_quarters_itself", ruleset=self.rs.id))
        if derived.combine != "last" and spec.type not in ("number", "integer"):
            self.add(f"{path}.from_quarters.combine", say("semantic.from_quarters_numbers", combine=derived.combine))
        if derived.combine == "mean" and spec.type == "integer":
            self.add(f"{path}.from_quarters.combine", say("semantic.from_quarters_mean_integer"))
        if spec.previous is not None:
            self.add(f"{path}.from_quarters", say("semantic.from_quarters_and_previous"))

    def _consistency(self, inputs: Scope) -> None:
        for index, rule in enumerate(self.rs.consistency):
            self._expression(rule.must, inputs, f"consistency[{index}].must", "boolean")

    def _dimensions(self, inputs: Scope) -> None:
        weighted = [dim.weight is not None for dim in self.rs.dimensions]
        if any(weighted) and not all(weighted):
            with_weight = listing(d.id for d in self.rs.dimensions if d.weight is not None)
            without = listing(d.id for d in self.rs.dimensions if d.weight is None)
            self.add("dimensions", say("semantic.weights_all_or_none", with_weight=with_weight, without=without))
        for d, dim in enumerate(self.rs.dimensions):
            if isinstance(dim.weight, ClassWeights):
                self._class_weights(dim.weight, f"dimensions[{d}].weight")
            if dim.full_points == 0:
                self.add(f"dimensions[{d}]", say("semantic.zero_points"))
            for i, ind in enumerate(dim.indicators):
                self._indicator(ind, inputs, f"dimensions[{d}].indicators[{i}]")

    def _class_weights(self, weight: ClassWeights, path: str) -> None:
        spec = self.rs.inputs.get(weight.by)
        if spec is None or spec.type != "choice":
            self.add(f"{path}.by", say("semantic.weight_by_choice", name=weight.by))
            return
        if spec.na_allowed or not spec.required:
            self.add(f"{path}.by", say("semantic.weight_by_required", name=weight.by))
        missing = set(spec.choices or ()) - set(weight.values)
        extra = set(weight.values) - set(spec.choices or ())
        if missing:
            self.add(f"{path}.values", say("semantic.weight_missing", names=listing(sorted(missing))))
        if extra:
            self.add(f"{path}.values", say("semantic.weight_extra", names=listing(sorted(extra)), by=weight.by))

    def _indicator(self, ind, inputs: Scope, path: str) -> None:
        score = ind.score
        base = f"{path}.score"
        if score.bands is not None:
            for b, band in enumerate(score.bands):
                if band.when is not None:
                    self._expression(band.when, inputs, f"{base}.bands[{b}].when", "boolean")
                if band.value > ind.points:
                    self.add(
                        f"{base}.bands[{b}]",
                        say("semantic.band_above_full", points=plain(band.value), full=plain(ind.points)),
                    )
        elif score.check is not None:
            self._expression(score.check, inputs, f"{base}.check", "boolean")
        elif score.formula is not None:
            self._expression(score.formula, inputs, f"{base}.formula", "number")
        elif score.linear is not None:
            self._expression(score.linear.of, inputs, f"{base}.linear.of", "number")
        elif score.relative is not None:
            self._expression(score.relative.of, inputs, f"{base}.relative.of", "number")
        else:
            method = score.method
            count: Count = getattr(score, method)
            self._expression(count.of, inputs, f"{base}.{method}.of", "number")
            if count.points == 0:
                self.add(f"{base}.{method}.points", say("semantic.positive"))

    def _adjustments(self, inputs: Scope) -> None:
        for g, group in enumerate(self.rs.adjustments):
            for i, item in enumerate(group.items):
                path = f"adjustments[{g}].items[{i}]"
                if item.when is not None:
                    self._expression(item.when, inputs, f"{path}.when", "boolean")
                elif item.per not in self.rs.inputs or not self.rs.inputs[item.per].numeric:
                    numbers = [n for n, spec in self.rs.inputs.items() if spec.numeric]
                    self.add(
                        f"{path}.per", say("semantic.per_number", name=item.per, hint=suggestion(item.per, numbers))
                    )

    def _vetoes(self, inputs: Scope) -> None:
        grade_ids = {g.id for g in self.rs.grades}
        for v, veto in enumerate(self.rs.vetoes):
            self._expression(veto.when, inputs, f"vetoes[{v}].when", "boolean")
            if isinstance(veto.effect, GradeCap) and veto.effect.cap not in grade_ids:
                self.add(f"vetoes[{v}].effect.cap", self._not_a_grade(veto.effect.cap))

    def _grades(self, scored: Scope) -> None:
        grades = self.rs.grades
        previous: Decimal | None = None
        for g, grade in enumerate(grades):
            for r, requirement in enumerate(grade.requires):
                self._expression(requirement, scored, f"grades[{g}].requires[{r}]", "boolean")
            if grade.min is not None:
                if previous is not None and grade.min > previous:
                    self.add(
                        f"grades[{g}].min",
                        say("semantic.grade_order", min=plain(grade.min), previous=plain(previous)),
                    )
                previous = grade.min
        last = grades[-1]
        if last.min is not None or last.requires:
            self.add(f"grades[{len(grades) - 1}]", say("semantic.last_grade"))

    def _outputs(self, scored: Scope) -> Scope:
        """Check each output as the type it declares; the scope flags see: outputs and all before them."""
        grade_type = Type("text", frozenset(g.id for g in self.rs.grades), "grade", may_be_na=True)
        scope = scored.extended({"grade": grade_type}, "scope.outputs")
        for name, output in self.rs.outputs.items():
            self._expression(output.formula, scope, f"outputs.{name}.formula", output.type)
            scope = scope.extended({name: OUTPUT_TYPE[output.type]}, scope.where)
        return scope

    def _flags(self, outputs: Scope) -> None:
        vetoes = {"vetoed": BOOLEAN} | {v.id: BOOLEAN for v in self.rs.vetoes}
        scope = Scope({**vetoes, **outputs.names}, "scope.flags")  # a declared name wins over a veto's id
        for f, flag in enumerate(self.rs.flags):
            self._expression(flag.when, scope, f"flags[{f}].when", "boolean")

    def _quotas(self) -> None:
        grade_ids = [g.id for g in self.rs.grades]
        tie_names = set(self.rs.inputs) | {d.id for d in self.rs.dimensions}
        tie_names |= {i.id for _, i in self.rs.indicators()}
        seen: set[str] = set()
        for q, quota in enumerate(self.rs.quotas):
            if quota.grade not in grade_ids:
                self.add(f"quotas[{q}].grade", self._not_a_grade(quota.grade))
            elif quota.grade in seen:
                self.add(f"quotas[{q}].grade", say("semantic.quota_twice", name=quota.grade))
            seen.add(quota.grade)
            for t, name in enumerate(quota.tie_break):
                if name not in tie_names:
                    self.add(
                        f"quotas[{q}].tie_break[{t}]",
                        say("semantic.tie_break_unknown", name=name, hint=suggestion(name, tie_names)),
                    )
                elif name in self.rs.inputs and not self.rs.inputs[name].numeric:
                    self.add(f"quotas[{q}].tie_break[{t}]", say("semantic.tie_break_number", name=name))

    def _tests(self) -> None:
        rs = self.rs
        known = {
            "grade": {g.id for g in rs.grades},
            "vetoes": {v.id for v in rs.vetoes},
            "dimensions": {d.id for d in rs.dimensions},
            "indicators": {i.id for _, i in rs.indicators()},
            "outputs": set(rs.outputs),
            "flags": {f.id for f in rs.flags},
        }
        relative = [indicator.id for indicator in rs.relative_indicators()]
        for t, case in enumerate(rs.tests):
            expect = case.expect
            if relative and case.batch is None and expect.errors is None:
                self.add(f"tests[{t}]", say("semantic.relative_test_batch", indicators=listing(relative)))
            if not relative and case.batch is not None:
                self.add(f"tests[{t}].batch", say("semantic.batch_without_relative"))
            path = f"tests[{t}].expect"
            if expect.grade is not None and expect.grade not in known["grade"]:
                self.add(f"{path}.grade", self._not_a_grade(expect.grade))
            self._expected_outputs(case.expect.outputs or {}, f"{path}.outputs")
            for key in ("vetoes", "dimensions", "indicators", "outputs", "flags"):
                for name in getattr(expect, key) or ():
                    if name not in known[key]:
                        hint = suggestion(name, known[key])
                        self.add(
                            f"{path}.{key}",
                            say("semantic.expect_unknown", name=name, what=say(f"what.{key}"), hint=hint),
                        )

    def _expected_outputs(self, expected: dict, path: str) -> None:
        """An expected output's value is of the type the output declares."""
        for name, value in expected.items():
            output = self.rs.outputs.get(name)
            if output is None:
                continue
            kind = "boolean" if isinstance(value, bool) else "text" if isinstance(value, str) else "number"
            if kind != output.type:
                self.add(
                    f"{path}.{name}",
                    say("semantic.expect_output_type", name=name, want=say(f"kind.of.{output.type}"), got=repr(value)),
                )
