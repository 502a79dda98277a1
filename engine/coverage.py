"""Which parts of a ruleset its embedded tests exercise, and which they never do.

An element is exercised when some test that scores a unit shows it at work:

- a band: some test's unit got its points from that band;
- a deduction or award item (adjustments): some test applied it;
- a cap: some test's group sum went past the cap and was held there;
- a veto: it held in some test;
- a grade: some test's unit was given it;
- a requirement: some test's unit reached the grade's `min` but not the requirement,
  so the requirement decided the grade;
- an output: some test states its expected value;
- a flag (extension): it was raised in some test.

Tests that expect errors score nothing and exercise nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .errors import InputError
from .loader import LoadedRuleset
from .messages import say
from .model import Ruleset
from .testing import score_case

KINDS = ("bands", "items", "caps", "vetoes", "grades", "requirements", "outputs", "flags")


def kind_title(kind: str) -> str:
    return say(f"coverage.kind.{kind}")


@dataclass
class Element:
    kind: str
    id: str  # e.g. "themed_days.bands[2]", "penalty.cap", "five.requires[1]"
    title: str
    exercised_by: list[str] = field(default_factory=list)

    @property
    def exercised(self) -> bool:
        return bool(self.exercised_by)


@dataclass
class Coverage:
    ruleset_id: str
    elements: list[Element]

    def of(self, kind: str) -> list[Element]:
        return [e for e in self.elements if e.kind == kind]

    def percent(self, kinds=KINDS) -> Decimal:
        """The share exercised of the elements of these kinds (100 when there are none)."""
        chosen = [e for e in self.elements if e.kind in kinds]
        if not chosen:
            return Decimal(100)
        done = sum(e.exercised for e in chosen)
        return (Decimal(100) * done / len(chosen)).quantize(Decimal("0.1"))


def elements_of(ruleset: Ruleset) -> list[Element]:
    """Every element coverage counts, in the order the ruleset writes them."""
    found: list[Element] = []
    for _, indicator in ruleset.indicators():
        for b, band in enumerate(indicator.score.bands or ()):
            label = say("coverage.else") if band.is_else else band.when.text
            found.append(Element("bands", f"{indicator.id}.bands[{b}]", f"{indicator.title}: {label}"))
    for group in ruleset.adjustments:
        for item in group.items:
            found.append(Element("items", f"{group.id}.{item.id}", f"{group.title}: {item.title}"))
        if group.cap is not None:
            found.append(Element("caps", f"{group.id}.cap", say("coverage.cap", group=group.title, cap=group.cap)))
    for veto in ruleset.vetoes:
        found.append(Element("vetoes", veto.id, veto.title))
    for grade in ruleset.grades:
        found.append(Element("grades", grade.id, grade.title))
    for grade in ruleset.grades:
        for r, requirement in enumerate(grade.requires):
            found.append(Element("requirements", f"{grade.id}.requires[{r}]", f"{grade.title}: {requirement.text}"))
    for name, output in ruleset.outputs.items():
        found.append(Element("outputs", name, output.title))
    for flag in ruleset.flags:
        found.append(Element("flags", flag.id, flag.title))
    return found


def measure(ruleset: LoadedRuleset) -> Coverage:
    """Score every embedded test and mark the elements each one exercised."""
    model = ruleset.model
    elements = elements_of(model)
    by_id = {(e.kind, e.id): e for e in elements}

    def mark(kind: str, element_id: str, name: str) -> None:
        element = by_id.get((kind, element_id))
        if element is not None and name not in element.exercised_by:
            element.exercised_by.append(name)

    for case in model.tests:
        try:
            result = score_case(ruleset, case)
        except InputError:
            continue
        for indicator in result.indicators:
            if indicator.band is not None:
                mark("bands", f"{indicator.id}.bands[{indicator.band}]", case.name)
        for group in result.adjustments:
            for item in group.items:
                if item.applied:
                    mark("items", f"{group.id}.{item.id}", case.name)
            if group.capped:
                mark("caps", f"{group.id}.cap", case.name)
        for veto in result.vetoes:
            mark("vetoes", veto.id, case.name)
        if result.grade is not None:
            mark("grades", result.grade.id, case.name)
        for step in result.grades_not_reached:
            if step.points_missing is not None:
                continue
            grade = model.grades[model.grade_index(step.id)]
            for r, requirement in enumerate(grade.requires):
                if requirement.text in step.failed_requires:
                    mark("requirements", f"{grade.id}.requires[{r}]", case.name)
        for name in case.expect.outputs or {}:
            mark("outputs", name, case.name)
        for flag in result.raised_flags or ():
            mark("flags", flag.id, case.name)
    return Coverage(model.id, elements)


def report_lines(coverage: Coverage) -> list[str]:
    """The coverage of one ruleset as text: a line per kind, then what was never exercised."""
    lines = [say("coverage.total", ruleset=coverage.ruleset_id, percent=coverage.percent())]
    for kind in KINDS:
        chosen = coverage.of(kind)
        if not chosen:
            continue
        done = sum(e.exercised for e in chosen)
        lines.append(f"  {kind_title(kind)} ({kind}): {done}/{len(chosen)} = {coverage.percent((kind,))}%")
    missing = [e for e in coverage.elements if not e.exercised]
    if missing:
        lines.append(say("coverage.missing"))
        lines.extend(f"    {kind_title(e.kind)} {e.id}  {e.title}" for e in missing)
    return lines
