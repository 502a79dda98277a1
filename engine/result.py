"""The result of scoring one unit: everything a person needs to recompute it by hand.

Figures are exact: a decimal, or the fraction a quotient exactly is when it does not
terminate. In JSON each is a string in one form, "2.5" or "104/9" (see
`engine.decimals.exact_text`); `total` is the one rounded figure, every other figure is
exact and rounded only for display.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, model_serializer

from .decimals import exact_text

# A figure: exact decimal or fraction, written in JSON in its one text form.
Figure = Annotated[Decimal | Fraction, PlainSerializer(exact_text, return_type=str, when_used="json")]


class Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class RulesetRef(Model):
    id: str
    title: str
    version: int | str | None = None
    content_hash: str


class UnitRef(Model):
    id: str | None = None
    name: str | None = None
    parent: str | None = None


class MatchedRule(Model):
    """An engine rule that fired: its id, the condition as written and the values it read."""

    rule_id: str
    condition: str
    values: dict[str, Any]


class IndicatorResult(Model):
    id: str
    title: str
    dimension: str
    full_points: Figure
    points: Figure | None = Field(description="exact points; null when not applicable")
    status: Literal["scored", "na"]
    method: str
    band: int | None = Field(default=None, description="0-based index of the band that gave the points")
    rule: MatchedRule | None = None
    detail: str
    values: dict[str, Any] = Field(default_factory=dict)


class DimensionResult(Model):
    id: str
    title: str
    full_points: Figure
    weight: Figure | None
    points: Figure = Field(description="sum of the applicable indicators' points")
    applicable_full_points: Figure
    rescaled: Figure = Field(description="points rescaled for not-applicable indicators (按缺项折算)")
    contribution: Figure
    na_indicators: list[str]


class AdjustmentItemResult(Model):
    id: str
    title: str
    points: Figure
    applied: bool
    detail: str
    rule: MatchedRule | None = None


class AdjustmentGroupResult(Model):
    id: str
    title: str
    cap: Figure | None
    raw: Figure
    applied: Figure
    capped: bool
    items: list[AdjustmentItemResult]


class VetoResult(Model):
    id: str
    title: str
    effect: Literal["disqualify", "lowest", "cap"]
    cap: str | None = None
    decisive: bool
    rule: MatchedRule


class GradeRef(Model):
    id: str
    title: str


class InputChange(Model):
    input: str
    title: str
    current: Any
    proposed: Any


class ReachRoute(Model):
    """A set of input changes that reaches the grade, and the total and grade it gives."""

    changes: list[InputChange]
    total: Decimal
    grade: str


class WhatItTakes(Model):
    """What would reach a grade: the points missing and the fewest input changes that do."""

    points_missing: Decimal | None
    routes: list[ReachRoute] = Field(description="ranked by how few inputs change")
    cannot_help: list[str] = Field(description="inputs no change of which raises the total or fixes a requirement")
    note: str | None = None


class GradeNotReached(Model):
    """Why a grade above the one given was not given."""

    id: str
    title: str
    min: Figure | None
    points_missing: Figure | None
    failed_requires: list[str]
    vetoed_by: list[str]
    quota: str | None = None
    what_it_takes: WhatItTakes | None = Field(
        default=None, description="present when asked for (kaoping score); absent from stored results"
    )

    @model_serializer(mode="wrap")
    def _without_absent_advice(self, handler):
        # stored results and their verification keep exactly the fields they always had
        data = handler(self)
        if self.what_it_takes is None:
            data.pop("what_it_takes", None)
        return data


class OutputResult(Model):
    id: str
    title: str
    value: Figure | None
    exact: Figure | None
    type: Literal["number", "text", "boolean"] = "number"
    answer: str | bool | None = Field(default=None, description="a text or boolean output's value")

    @model_serializer(mode="wrap")
    def _number_as_always(self, handler):
        # a number output is written exactly as before typed outputs existed
        data = handler(self)
        if self.type == "number":
            data.pop("type", None)
            data.pop("answer", None)
        return data


class FlagResult(Model):
    """A flag the ruleset declares that was raised, with the condition and the values it read."""

    id: str
    title: str
    severity: Literal["notice", "attention", "warning"]
    advice: str | None
    condition: str
    values: dict[str, Any]


class FilledInput(Model):
    """An input the service filled, and where from: the record of an earlier period
    (`previous: grade`), the records of the year's quarters (`from_quarters`), a figure of
    the branch's members' points (`from_points`), or the unit's overdue rectification items
    as of a day (`from: rectification_overdue`), with the sentence that says so. What a
    kind of source does not have is left out."""

    input: str
    record: str | None = None
    period: str | None = None
    records: list[str] | None = Field(default=None, description="the quarterly records combined into the value")
    items: list[str] | None = Field(default=None, description="the rectification items counted")
    as_of: str | None = Field(default=None, description="the day the items were counted as of")
    source: str | None = Field(default=None, description="where the value came from, as the explanation says")
    ruleset: str | None = Field(default=None, description="the member points ruleset and version it came from")

    @model_serializer(mode="wrap")
    def _only_given(self, handler):
        # a grade filled from last period's record is written as it always was
        return {key: value for key, value in handler(self).items() if value is not None}


class BallotGroupResult(Model):
    """One rater group's ballots: its counts, the rate of each choice and its satisfaction."""

    id: str
    title: str
    weight: Figure = Field(description="the weight the ruleset declares")
    counted_weight: Figure | None = Field(description="the weight it counted with; null when left out (no ballots)")
    ballots: int
    counts: dict[str, int]
    rates: dict[str, Figure] | None = Field(description="count / ballots per choice; null without ballots")
    satisfaction: Figure | None = Field(description="Σ(choice value × count) / ballots; null without ballots")


class BallotResult(Model):
    """Extension: a democratic review's figures, each named in expressions as `<ballot>.<figure>`."""

    id: str
    title: str
    ballots: int
    counts: dict[str, int]
    rates: dict[str, Figure] = Field(description="each choice's share of every ballot cast")
    satisfaction: Figure = Field(description="Σ counted weight × the group's satisfaction")
    values: dict[str, Figure] = Field(description="what a vote for each choice is worth")
    choices: dict[str, str] = Field(description="each choice's title")
    groups: list[BallotGroupResult]


class QuotaMove(Model):
    from_grade: str
    to_grade: str | None
    reason: str
    tie: bool


class IndicatorReference(Model):
    """Where a unit stands among its peers on one relative indicator: enough to recompute
    its points by hand (peers are the units of the batch with a known value)."""

    value: Figure = Field(description="this unit's own value of the indicator's `of`")
    count: int = Field(description="peers, this unit among them")
    rank: int = Field(description="this unit's place among them, ties as the ruleset says")
    best: Figure
    best_unit: str | None = Field(description="the first unit (in batch order) with the best value")
    best_count: int = Field(description="how many units have the best value")
    mean: Figure


class Reference(Model):
    """The batch a unit's relative indicators were scored against."""

    batch: str = Field(description="which batch: a file, a stored batch, a test's batch")
    indicators: dict[str, IndicatorReference]


class Result(Model):
    ruleset: RulesetRef
    unit: UnitRef | None = None
    status: Literal["scored", "disqualified"]
    input: dict[str, Any]
    ballots: list[BallotResult] = Field(default_factory=list, description="absent for a ruleset without ballots")
    indicators: list[IndicatorResult]
    dimensions: list[DimensionResult]
    base: Figure
    adjustments: list[AdjustmentGroupResult]
    total_exact: Figure
    precision: int
    total: Figure
    vetoes: list[VetoResult]
    grade: GradeRef | None
    grade_without_vetoes: GradeRef
    grades_not_reached: list[GradeNotReached]
    outputs: list[OutputResult]
    quota: QuotaMove | None = None
    flags: list[str] = Field(default_factory=list)
    reference: Reference | None = Field(default=None, description="present only for relative indicators")
    engine: dict[str, Any]
    raised_flags: list[FlagResult] | None = Field(
        default=None, description="the declared flags that were raised; absent when the ruleset declares none"
    )
    filled_inputs: list[FilledInput] | None = Field(
        default=None, description="inputs the service filled from earlier records; absent when none"
    )

    @model_serializer(mode="wrap")
    def _without_absent_extensions(self, handler):
        # results of rulesets without ballots, flags or relative indicators keep exactly the
        # fields (and hashes) they always had: an unused extension is left out, not written empty
        data = handler(self)
        if not self.ballots:
            data.pop("ballots", None)
        for name in ("reference", "raised_flags", "filled_inputs"):
            if getattr(self, name) is None:
                data.pop(name, None)
        return data

    def indicator(self, indicator_id: str) -> IndicatorResult:
        return next(i for i in self.indicators if i.id == indicator_id)

    def dimension(self, dimension_id: str) -> DimensionResult:
        return next(d for d in self.dimensions if d.id == dimension_id)
