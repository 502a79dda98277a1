"""Which parts of a member points ruleset its embedded tests exercise.

Counted as `engine.coverage` counts a scoring ruleset's, in its kinds and report:

- an event kind (items): some test counted an event of it;
- its `when` (requirements): some test gave an event of it that did not count;
- a cap or floor (caps), of a category or of the period: some test's sum went past it;
- a line (grades): some test's member reached it.
"""

from __future__ import annotations

from .coverage import Coverage, Element
from .decimals import ZERO, plain
from .errors import InputError
from .messages import say
from .points_loader import LoadedPoints
from .points_model import PointsRuleset
from .testing import points_of_case

TOTAL = "total"


def points_elements(ruleset: PointsRuleset) -> list[Element]:
    events = ruleset.events
    found: list[Element] = []
    for kind in events.kinds:
        found.append(Element("items", kind.id, kind.title))
    for kind in events.kinds:
        if kind.when is not None:
            found.append(Element("requirements", f"{kind.id}.when", f"{kind.title}: {kind.when.text}"))
    limits = [(c.id, c.title, c.cap, c.floor) for c in events.categories]
    limits.append((TOTAL, say("points.coverage.period"), events.cap, events.floor))
    for element_id, title, cap, floor in limits:
        if cap is not None:
            found.append(Element("caps", f"{element_id}.cap", say("coverage.cap", group=title, cap=plain(cap))))
        if floor is not None:
            found.append(
                Element("caps", f"{element_id}.floor", say("points.coverage.floor", group=title, floor=plain(floor)))
            )
    for line in events.lines:
        found.append(Element("grades", line.id, line.title))
    return found


def measure_points(ruleset: LoadedPoints) -> Coverage:
    """Run every embedded test and mark the elements each one exercised."""
    elements = points_elements(ruleset.model)
    by_id = {(e.kind, e.id): e for e in elements}

    def mark(kind: str, element_id: str, name: str) -> None:
        element = by_id.get((kind, element_id))
        if element is not None and name not in element.exercised_by:
            element.exercised_by.append(name)

    for case in ruleset.model.tests:
        try:
            result = points_of_case(ruleset, case)
        except InputError:
            continue
        for event in result.events:
            mark(
                "items" if event.counted else "requirements",
                event.kind if event.counted else f"{event.kind}.when",
                case.name,
            )
        cuts = [(c.id, c.cut) for c in result.categories] + [(TOTAL, result.cut)]
        for element_id, cut in cuts:
            if cut > ZERO:
                mark("caps", f"{element_id}.cap", case.name)
            elif cut < ZERO:
                mark("caps", f"{element_id}.floor", case.name)
        mark("grades", result.line.id, case.name)
    return Coverage(ruleset.model.id, elements)
