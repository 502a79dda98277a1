"""A ruleset's inputs as a form a clerk fills in, and a posted form back as the data a
submission carries.

Inputs are grouped by dimension so the form follows the appraisal's own chapters: an
input that decides the dimensions' weights (a class) comes first, under 基本情况, as
it concerns every dimension; any other input goes to the first dimension (in the
ruleset's order) whose indicators read it; a ballot's counts go under the ballot's title;
inputs no indicator reads (adjustments, vetoes, consistency rules, remarks) close the form
under their own heading."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.ballots import generated_inputs
from engine.decimals import plain
from engine.inputs import NOT_APPLICABLE, describe
from engine.loader import LoadedRuleset
from engine.messages import say
from engine.model import ClassWeights, InputSpec
from engine.tabular import convert

NA_PREFIX = "na:"


@dataclass
class Field:
    id: str
    spec: InputSpec
    hint: str  # what a valid value looks like, as the engine says it

    @property
    def range(self) -> str | None:
        low, high = self.spec.min, self.spec.max
        if low is None and high is None:
            return None
        return f"{'' if low is None else plain(low)}–{'' if high is None else plain(high)}"


@dataclass
class Group:
    title: str
    fields: list[Field] = field(default_factory=list)


def input_groups(ruleset: LoadedRuleset) -> list[Group]:
    model = ruleset.model
    basics, others = say("page.form.basics"), say("page.form.others")
    home: dict[str, str] = {}
    for dimension in model.dimensions:
        if isinstance(dimension.weight, ClassWeights):
            home.setdefault(dimension.weight.by, basics)
    reads = ruleset.compiled.indicator_inputs
    for dimension in model.dimensions:
        for indicator in dimension.indicators:
            for name in reads.get(indicator.id, ()):
                if name in model.inputs:
                    home.setdefault(name, dimension.title)
    for ballot in model.ballots:  # a ballot's counts together, under its own title
        for name in generated_inputs(ballot):
            home.setdefault(name, ballot.title)
    titles = [basics, *(d.title for d in model.dimensions), *(b.title for b in model.ballots), others]
    groups = {title: Group(title) for title in titles}
    for name, spec in model.inputs.items():
        groups[home.get(name, others)].fields.append(Field(name, spec, describe(spec)))
    return [g for g in groups.values() if g.fields]


def form_data(ruleset: LoadedRuleset, form) -> dict[str, Any]:
    """The submission's data: each filled field as its input's type (a 不适用 box as NA),
    left-out fields absent, so the engine names what is missing."""
    data: dict[str, Any] = {}
    for name, spec in ruleset.model.inputs.items():
        if spec.na_allowed and form.get(NA_PREFIX + name):
            data[name] = NOT_APPLICABLE
            continue
        raw = form.get(name)
        value = convert(spec, raw) if isinstance(raw, str) else None
        if value is not None:
            data[name] = value
    return data
