"""The ruleset format (version 1, with documented extensions) as pydantic models.

Structure is checked here; names, types and cross-references are checked in
`engine.semantics`. Expressions are parsed while the model is validated, so a bad
one is reported at its element path with its column.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .decimals import MAX_DIGITS, exact, exact_text, json_number, plain
from .errors import ExpressionError
from .expressions import Expression, check_engine_number, parse
from .limits import MAX_ID_LENGTH
from .messages import listing, say
from .periods import PeriodKind

ID_PATTERN = r"[a-z][a-z0-9_]*"
RULESET_ID_PATTERN = r"[a-z0-9-]+"


def _identifier(pattern: str, rule: str):
    """A validator of ids as the format writes them: plain lowercase English (no look-alike
    letters from other scripts, no fullwidth forms), at most MAX_ID_LENGTH characters."""
    compiled = re.compile(pattern, re.ASCII)

    def check(value: str) -> str:
        if len(value) > MAX_ID_LENGTH or not compiled.fullmatch(value):
            shown = value if len(value) <= MAX_ID_LENGTH else value[:MAX_ID_LENGTH] + "…"
            message = say("model.id", shown=shown, rule=say(rule), limit=MAX_ID_LENGTH)
            raise PydanticCustomError("id", "{message}", {"message": message})
        return value

    return check


def refusal(key: str, **params: object) -> PydanticCustomError:
    """A structural problem worded by the message catalogue (engine.loader reads `key`)."""
    return PydanticCustomError(key.replace(".", "_"), "{message}", {"message": say(key, **params), "key": key})


def _twice(values: list[str]) -> str:
    return next(value for i, value in enumerate(values) if value in values[:i])


def _number(value: Decimal) -> Decimal:
    try:
        check_engine_number(value)
    except ExpressionError as error:
        raise PydanticCustomError("number", "{message}", {"message": error.message}) from None
    return value


def _parse_expression(value: Any) -> Expression:
    if isinstance(value, Expression):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        raise refusal("schema.type", kind=say("kind.expression"), got=repr(value))
    try:
        return parse(str(value))
    except ExpressionError as error:
        raise PydanticCustomError(
            "expression", "{message}", {"message": error.message, "column": error.column}
        ) from None


ExpressionText = Annotated[
    Expression,
    BeforeValidator(_parse_expression),
    PlainSerializer(lambda e: e.text, return_type=str),
]
Id = Annotated[str, AfterValidator(_identifier(ID_PATTERN, "model.id_rule"))]
RulesetId = Annotated[str, AfterValidator(_identifier(RULESET_ID_PATTERN, "model.ruleset_id_rule"))]


def _not_text(value: Any) -> Any:
    """A number is written as a number: "5" in quotes is text, everywhere alike."""
    if isinstance(value, str):
        raise refusal("schema.quoted_number", got=repr(value))
    if isinstance(value, bool):
        raise refusal("schema.type", kind=say("kind.number"), got=str(value).lower())
    return value


# as JSON a number again (exact: at most 15 significant digits), never a quoted string
AS_NUMBER = PlainSerializer(json_number, when_used="json")
Amount = Annotated[Decimal, BeforeValidator(_not_text), AfterValidator(_number), AS_NUMBER]
Points = Annotated[Decimal, BeforeValidator(_not_text), Field(ge=0), AfterValidator(_number), AS_NUMBER]


class Element(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ---------------------------------------------------------------- inputs


class FromPoints(Element):
    """Where the service takes an empty input from: a figure of the branch's members'
    points for the period (docs/member-points.md, engine.branch_figures)."""

    ruleset: RulesetId
    figure: str


class FromQuarters(Element):
    """Extension: a yearly input the service derives from the unit's quarterly records of
    the year, when a submission leaves it empty (docs/periods.md)."""

    ruleset: RulesetId  # the quarterly ruleset whose records are read
    input: Id | None = None  # its input; by default the one of the same name
    combine: Literal["sum", "mean", "last"]
    missing: Literal["refuse", "partial"] = "refuse"  # partial: use the quarters there are, and say so


class InputSpec(Element):
    type: Literal["number", "integer", "boolean", "choice", "text"]
    title: str
    unit: str | None = None
    description: str | None = None
    min: Amount | None = None
    max: Amount | None = None
    choices: list[str] | None = None
    required: bool = True
    default: Any = None
    na_allowed: bool = False
    previous: Literal["grade"] | None = Field(
        default=None, description="extension: the unit's grade of the previous period, filled by the service"
    )
    filled_from: Literal["rectification_overdue"] | None = Field(
        default=None,
        alias="from",
        description="extension: the count of the unit's overdue rectification items, filled by the service",
    )
    from_points: FromPoints | None = Field(
        default=None, description="extension: a figure of the branch's members' points, filled by the service"
    )
    from_quarters: FromQuarters | None = Field(
        default=None, description="extension: derived from the unit's quarterly records of the year"
    )

    @model_validator(mode="after")
    def _coherent(self) -> InputSpec:
        if self.type == "choice" and not self.choices:
            raise refusal("model.choice_needs_choices")
        if self.type != "choice" and self.choices is not None:
            raise refusal("model.choices_only_for_choice")
        if self.type not in ("number", "integer") and (self.min is not None or self.max is not None):
            raise refusal("model.range_only_for_numbers")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise refusal("model.min_above_max", min=plain(self.min), max=plain(self.max))
        if self.choices is not None and len(set(self.choices)) != len(self.choices):
            raise refusal("model.choice_twice", value=_twice(self.choices))
        if self.choices is not None and "NA" in self.choices:
            raise refusal("model.na_choice")
        if self.default is not None and self.required:
            raise refusal("model.default_needs_optional")
        return self

    @property
    def numeric(self) -> bool:
        return self.type in ("number", "integer")


class ConsistencyRule(Element):
    title: str
    must: ExpressionText


# ---------------------------------------------------------------- scoring methods


class Band(Element):
    when: ExpressionText | None = None
    points: Points | None = None
    otherwise: Points | None = Field(default=None, alias="else")

    @model_validator(mode="after")
    def _one_form(self) -> Band:
        if self.otherwise is not None:
            if self.when is not None or self.points is not None:
                raise refusal("model.else_band_form")
        elif self.when is None or self.points is None:
            raise refusal("model.band_form")
        return self

    @property
    def is_else(self) -> bool:
        return self.otherwise is not None

    @property
    def value(self) -> Decimal:
        return self.otherwise if self.otherwise is not None else self.points  # type: ignore[return-value]


class Linear(Element):
    of: ExpressionText
    zero_at: Amount
    full_at: Amount

    @model_validator(mode="after")
    def _distinct(self) -> Linear:
        if self.zero_at == self.full_at:
            raise refusal("model.linear_same", value=plain(self.zero_at))
        return self


class Count(Element):
    """`deduct` and `award`: points per unit (or per whole step) of an amount."""

    of: ExpressionText
    points: Points
    below: Amount | None = None
    above: Amount | None = None
    step: Annotated[Amount, Field(gt=0)] | None = None

    @model_validator(mode="after")
    def _one_side(self) -> Count:
        if self.below is not None and self.above is not None:
            raise refusal("model.below_or_above")
        return self


class Relative(Element):
    """Extension: points from a unit's place among the units appraised with it (see
    docs/relative-scoring.md). `rank`: `points` for the first place, `step` less for each
    place after, never below `floor`; `best`: value ÷ best × points (lower is better:
    best ÷ value); `mean`: `at_mean` points at the batch's mean, `per` more or less for
    each unit above or below it."""

    of: ExpressionText
    method: Literal["rank", "best", "mean"]
    direction: Literal["higher", "lower"] = "higher"
    step: Annotated[Amount, Field(gt=0)] | None = None
    floor: Points | None = None
    ties: Literal["shared", "dense"] | None = None
    at_mean: Points | None = None
    per: Annotated[Amount, Field(gt=0)] | None = None
    disqualified: Literal["exclude", "include"] = "exclude"

    @model_validator(mode="after")
    def _fields_of_method(self) -> Relative:
        needed = RELATIVE_FIELDS[self.method]
        for name in ("step", "at_mean", "per"):
            if name in needed and getattr(self, name) is None:
                raise refusal("model.relative_needs", field=name, method=self.method)
        for name in ("step", "floor", "ties", "at_mean", "per"):
            if name not in needed and getattr(self, name) is not None:
                raise refusal("model.relative_extra", field=name, method=self.method)
        return self

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"


# the fields each relative method takes (required ones first: rank needs step, mean at_mean and per)
RELATIVE_FIELDS = {"rank": ("step", "floor", "ties"), "best": (), "mean": ("at_mean", "per")}


class Score(Element):
    bands: list[Band] | None = None
    check: ExpressionText | None = None
    linear: Linear | None = None
    deduct: Count | None = None
    award: Count | None = None
    formula: ExpressionText | None = None
    relative: Relative | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> Score:
        given = [name for name in METHODS if getattr(self, name) is not None]
        if len(given) != 1:
            raise refusal("model.one_method", methods=listing(METHODS), count=len(given))
        return self

    @property
    def method(self) -> str:
        return next(name for name in METHODS if getattr(self, name) is not None)

    @field_validator("bands")
    @classmethod
    def _else_last(cls, bands: list[Band] | None) -> list[Band] | None:
        if bands:
            for band in bands[:-1]:
                if band.is_else:
                    raise refusal("model.else_last")
        return bands


METHODS = ("bands", "check", "linear", "deduct", "award", "formula", "relative")


class Indicator(Element):
    id: Id
    title: str
    points: Points
    score: Score
    description: str | None = None

    @model_validator(mode="after")
    def _relative_within_points(self) -> Indicator:
        relative = self.score.relative
        for name in ("floor", "at_mean"):
            value = getattr(relative, name, None)
            if value is not None and value > self.points:
                raise refusal("model.relative_above_full", field=name, value=plain(value), full=plain(self.points))
        return self


class ClassWeights(Element):
    """Extension: a dimension's weight chosen by the value of a choice input."""

    by: Id
    values: dict[str, Points]


class Dimension(Element):
    id: Id
    title: str
    weight: Points | ClassWeights | None = None
    indicators: list[Indicator] = Field(min_length=1)
    description: str | None = None

    @property
    def full_points(self) -> Decimal:
        return sum((i.points for i in self.indicators), Decimal(0))


# ---------------------------------------------------------------- adjustments, vetoes, grades


class AdjustmentItem(Element):
    id: Id
    title: str
    points: Amount
    when: ExpressionText | None = None
    per: Id | None = None

    @model_validator(mode="after")
    def _one_trigger(self) -> AdjustmentItem:
        if (self.when is None) == (self.per is None):
            raise refusal("model.item_trigger")
        return self


class AdjustmentGroup(Element):
    id: Id
    title: str
    cap: Amount | None = None
    items: list[AdjustmentItem] = Field(min_length=1)


class GradeCap(Element):
    cap: Id


VetoEffect = Literal["lowest", "disqualify"] | GradeCap


class Veto(Element):
    id: Id
    title: str
    when: ExpressionText
    effect: VetoEffect

    @property
    def effect_name(self) -> str:
        return self.effect if isinstance(self.effect, str) else "cap"


class Grade(Element):
    id: Id
    title: str
    min: Amount | None = None
    requires: list[ExpressionText] = Field(default_factory=list)


class Output(Element):
    title: str
    type: Literal["number", "text", "boolean"] = "number"
    formula: ExpressionText


class Flag(Element):
    """Extension: a matter raised for the committee when its condition holds (建议调整, 重点关注)."""

    id: Id
    title: str
    when: ExpressionText
    severity: Literal["notice", "attention", "warning"] = "attention"
    advice: str | None = None


class Quota(Element):
    grade: Id
    max_share: Amount | str = Field(description='a share from 0 to 1, or (extension) an exact fraction "1/3"')
    tie_break: list[Id] = Field(default_factory=list)

    @field_validator("max_share")
    @classmethod
    def _share(cls, value: Decimal | str) -> Decimal | str:
        share = _fraction(value)
        if share is None or not 0 <= share <= 1:
            raise refusal("model.share", got=value)
        return value

    @property
    def share(self) -> Fraction:
        return _fraction(self.max_share)  # type: ignore[return-value]


def _fraction(value: Decimal | str) -> Fraction | None:
    if isinstance(value, Decimal):
        return Fraction(value) if value.is_finite() else None
    numerator, slash, denominator = (part.strip() for part in value.partition("/"))
    if not slash:
        try:
            number = Decimal(numerator)
            check_engine_number(number)
        except (ArithmeticError, ExpressionError):
            return None
        return Fraction(number)
    whole = [part.isascii() and part.isdigit() and len(part) <= MAX_DIGITS for part in (numerator, denominator)]
    if not all(whole) or int(denominator) == 0:
        return None
    return Fraction(int(numerator), int(denominator))


# ---------------------------------------------------------------- ballots (extension)


def _exact_number(value: Decimal | str) -> Decimal | str:
    """A choice's value or a group's weight: a number, or an exact fraction as text ("1/3")."""
    if _fraction(value) is None:
        raise refusal("model.ballot_number", got=value)
    return value


ExactNumber = Annotated[Amount | str, AfterValidator(_exact_number)]


class BallotChoice(Element):
    """One choice of a ballot (满意, 基本满意, 不满意) and what a vote for it is worth."""

    id: Id
    title: str
    value: ExactNumber

    @property
    def worth(self) -> Fraction:
        return _fraction(self.value)  # type: ignore[return-value]


class RaterGroup(Element):
    """One group of raters (县级领导, 党员群众代表) and its weight in the satisfaction."""

    id: Id
    title: str
    weight: ExactNumber

    @property
    def share(self) -> Fraction:
        return _fraction(self.weight)  # type: ignore[return-value]


class Ballot(Element):
    """Extension: a democratic review (民主测评) whose counts are submitted per group and choice."""

    id: Id
    title: str
    description: str | None = None
    choices: list[BallotChoice] = Field(min_length=2)
    groups: list[RaterGroup] = Field(min_length=1)
    empty_groups: Literal["refuse", "reweight"] = "refuse"

    @model_validator(mode="after")
    def _coherent(self) -> Ballot:
        for kind, ids in (("choices", [c.id for c in self.choices]), ("groups", [g.id for g in self.groups])):
            if len(set(ids)) != len(ids):
                raise refusal("model.ballot_id_twice", kind=kind, id=_twice(ids))
        negative = next((g for g in self.groups if g.share < 0), None)
        if negative is not None:
            raise refusal("model.ballot_weight_negative", group=negative.id, got=negative.weight)
        weights = sum((g.share for g in self.groups), Fraction(0))
        if weights != 1:
            raise refusal("model.ballot_weights", got=exact_text(exact(weights)))
        return self


# ---------------------------------------------------------------- tests


class ExpectedError(Element):
    field: str
    code: str


class Expectation(Element):
    total: Amount | None = None
    grade: Id | None = None
    status: Literal["scored", "disqualified"] | None = None
    vetoes: list[Id] | None = None
    dimensions: dict[str, Amount] | None = None
    indicators: dict[str, Amount | Literal["NA"]] | None = None
    outputs: dict[str, Amount | bool | str] | None = None
    flags: list[Id] | None = None
    errors: list[ExpectedError] | None = None


class TestCase(Element):
    name: str
    input: dict[str, Any]
    expect: Expectation
    batch: list[dict[str, Any]] | None = Field(
        default=None, description="extension: the other units of a small batch, for relative indicators"
    )


# ---------------------------------------------------------------- the ruleset


class Ranking(Element):
    """How units are ranked in a batch: by grade (best first), then by total (highest
    first); a disqualified unit is ranked after every graded one, or not at all."""

    by: list[Literal["grade", "total"]] = Field(default_factory=lambda: ["grade", "total"], min_length=1)
    disqualified: Literal["last", "unranked"] = "unranked"


class Stage(Element):
    """One step of a unit's appraisal for a period, taken by the holder of `role` at the
    unit of kind `level` above it (docs/stages.md)."""

    id: Id
    title: str
    role: Literal["submitter", "reviewer", "admin"]
    level: str  # a unit kind (engine.unit_kinds), by its id or a Chinese name
    may_edit: bool = True  # false: the stage only confirms or sends back


class Rectification(Element):
    """Extension: a rectification item (整改事项) a score opens when an indicator scores
    below a line (no points, by default), a deduction item applied or a veto held
    (docs/rectification.md)."""

    id: Id
    title: str  # may name the unit and the period: "{unit}{period}年度党建整改"
    indicator: Id | None = None
    below: Points | None = None
    deduction: Id | None = None
    veto: Id | None = None
    responsible: str = "unit"  # the unit itself, or the unit kind above it that answers for it
    deadline_days: Annotated[int, Field(strict=True, ge=1, le=3650)]

    @model_validator(mode="after")
    def _one_trigger(self) -> Rectification:
        given = [name for name in RECTIFICATION_TRIGGERS if getattr(self, name) is not None]
        if len(given) != 1:
            raise refusal("model.rectification_trigger", triggers=listing(RECTIFICATION_TRIGGERS), count=len(given))
        if self.below is not None and self.indicator is None:
            raise refusal("model.rectification_below")
        return self

    @property
    def trigger(self) -> str:
        return next(name for name in RECTIFICATION_TRIGGERS if getattr(self, name) is not None)


RECTIFICATION_TRIGGERS = ("indicator", "deduction", "veto")


class Ruleset(Element):
    kaoping: Literal[1]
    id: RulesetId
    title: str
    description: str | None = None
    subject: str | None = None
    precision: Annotated[int, Field(ge=0, le=8)] = 2
    period: PeriodKind | None = Field(
        default=None, description="extension: the kind of period scored (docs/periods.md); any when left out"
    )
    inputs: dict[Id, InputSpec] = Field(min_length=1)
    consistency: list[ConsistencyRule] = Field(default_factory=list)
    dimensions: list[Dimension] = Field(min_length=1)
    adjustments: list[AdjustmentGroup] = Field(default_factory=list)
    vetoes: list[Veto] = Field(default_factory=list)
    grades: list[Grade] = Field(min_length=1)
    outputs: dict[Id, Output] = Field(default_factory=dict)
    flags: list[Flag] = Field(default_factory=list)
    quotas: list[Quota] = Field(default_factory=list)
    ranking: Ranking = Field(default_factory=Ranking)
    ballots: list[Ballot] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    rectification: list[Rectification] = Field(default_factory=list)
    tests: list[TestCase] = Field(default_factory=list)

    def indicators(self):
        """(dimension, indicator) pairs in the order written."""
        for dimension in self.dimensions:
            for indicator in dimension.indicators:
                yield dimension, indicator

    def relative_indicators(self) -> list[Indicator]:
        """The indicators scored relative to the batch, in the order written."""
        return [indicator for _, indicator in self.indicators() if indicator.score.relative is not None]

    def grade_index(self, grade_id: str) -> int:
        return next(i for i, g in enumerate(self.grades) if g.id == grade_id)


def field_names() -> set[str]:
    """Every field name an element of the format may carry, for "did you mean" hints."""
    names: set[str] = set()
    stack = [Element]
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        names.update(field.alias or name for name, field in cls.model_fields.items())
    return names
