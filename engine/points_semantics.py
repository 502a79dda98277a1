"""Load-time checks of a member points ruleset that need the whole of it: ids,
references (a kind's category, a test's line), the types of each kind's `when` and
`points` over its own fields, and the order of the lines."""

from __future__ import annotations

from decimal import Decimal

from .decimals import plain
from .errors import RulesetProblem
from .inputs import check_value
from .messages import say, suggestion
from .points_model import PointsRuleset
from .semantics import SemanticChecker, input_scope

TOTAL = "total"


class PointsChecker(SemanticChecker):
    """The semantic checks of `engine.semantics`, applied to an `events:` section."""

    def __init__(self, ruleset: PointsRuleset):
        self.rs = ruleset  # type: ignore[assignment]
        self.problems: list[RulesetProblem] = []

    def run(self) -> list[RulesetProblem]:
        events = self.rs.events
        self._unique([c.id for c in events.categories], "events.categories[{}].id")
        self._unique([k.id for k in events.kinds], "events.kinds[{}].id")
        self._unique([line.id for line in events.lines], "events.lines[{}].id")
        self._unique([t.name for t in self.rs.tests], "tests[{}].name")
        self._kinds()
        self._lines()
        self._tests()
        return self.problems

    def _kinds(self) -> None:
        categories = [c.id for c in self.rs.events.categories]
        for k, kind in enumerate(self.rs.events.kinds):
            path = f"events.kinds[{k}]"
            if kind.category not in categories:
                hint = suggestion(kind.category, categories)
                self.add(f"{path}.category", say("points.unknown_category", name=kind.category, hint=hint))
            for name, spec in kind.fields.items():
                if spec.from_points is not None:
                    self.add(f"{path}.fields.{name}.from_points", say("points.from_points_field"))
                if spec.na_allowed:
                    self.add(f"{path}.fields.{name}", say("points.field_na"))
                elif not spec.required and spec.default is None:
                    self.add(f"{path}.fields.{name}", say("points.field_needs_default"))
                elif spec.default is not None:
                    problem = check_value(name, spec, spec.default)
                    if problem is not None:
                        self.add(f"{path}.fields.{name}.default", say("semantic.default", problem=problem.message))
            scope = input_scope(kind.fields, "points.scope.fields")
            if kind.when is not None:
                self._expression(kind.when, scope, f"{path}.when", "boolean")
            self._expression(kind.points, scope, f"{path}.points", "number")

    def _lines(self) -> None:
        lines = self.rs.events.lines
        previous: Decimal | None = None
        for index, line in enumerate(lines[:-1]):
            if line.min is None:
                self.add(f"events.lines[{index}].min", say("points.line_needs_min"))
                continue
            if previous is not None and line.min > previous:
                self.add(
                    f"events.lines[{index}].min",
                    say("points.line_order", min=plain(line.min), previous=plain(previous)),
                )
            previous = line.min
        if lines[-1].min is not None:
            self.add(f"events.lines[{len(lines) - 1}]", say("points.last_line"))

    def _tests(self) -> None:
        events = self.rs.events
        lines = [line.id for line in events.lines]
        categories = [c.id for c in events.categories]
        for t, case in enumerate(self.rs.tests):
            expect = case.expect
            path = f"tests[{t}].expect"
            if expect.line is not None and expect.line not in lines:
                self.add(
                    f"{path}.line", say("points.unknown_line", name=expect.line, hint=suggestion(expect.line, lines))
                )
            for key, known in (("categories", categories), ("cut", [*categories, TOTAL])):
                for name in getattr(expect, key) or ():
                    if name not in known:
                        hint = suggestion(name, known)
                        self.add(f"{path}.{key}", say("points.unknown_category", name=name, hint=hint))
