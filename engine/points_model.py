"""Member points rulesets (党员量化积分, extension) as pydantic models.

A member points ruleset is its own kind of ruleset: instead of `inputs` and
`dimensions` it has an `events:` section that says which kinds of event a member
accumulates points from, how many points each gives, the caps per category and per
period, and which line a member's period total reaches. Structure is checked here,
names and types in `engine.points_semantics`. Elements are reused from
`engine.model` (input specs for an event's fields, expressions, ids, amounts).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from .decimals import plain
from .model import Amount, Element, ExpectedError, ExpressionText, Id, InputSpec, RulesetId, refusal

PERIOD_PATTERN = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?|Q[1-4])?"  # a year, a month, a day or a quarter


class EventKind(Element):
    """A kind of event: the fields it carries and the points it gives when it counts."""

    id: Id
    title: str
    category: Id
    fields: dict[Id, InputSpec] = Field(default_factory=dict)
    when: ExpressionText | None = None
    points: ExpressionText
    description: str | None = None

    @property
    def inputs(self) -> dict[str, InputSpec]:
        """The fields as the submission validator reads a ruleset's inputs."""
        return self.fields


class Category(Element):
    """Points of kinds in one category add up, then are held between floor and cap."""

    id: Id
    title: str
    cap: Amount | None = None
    floor: Amount | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Category:
        if self.cap is not None and self.floor is not None and self.floor > self.cap:
            raise refusal("points.floor_above_cap", floor=plain(self.floor), cap=plain(self.cap))
        return self


class Line(Element):
    """A grade line (优秀党员候选, 合格 …): the first whose `min` the total reaches."""

    id: Id
    title: str
    min: Amount | None = None


class EventsSection(Element):
    base: Amount = Field(default=0)
    cap: Amount | None = None
    floor: Amount | None = None
    categories: list[Category] = Field(min_length=1)
    kinds: list[EventKind] = Field(min_length=1)
    lines: list[Line] = Field(min_length=1)
    ranking: bool = False

    @model_validator(mode="after")
    def _ordered(self) -> EventsSection:
        if self.cap is not None and self.floor is not None and self.floor > self.cap:
            raise refusal("points.floor_above_cap", floor=plain(self.floor), cap=plain(self.cap))
        return self

    def kind(self, kind_id: str) -> EventKind:
        return next(k for k in self.kinds if k.id == kind_id)

    def category(self, category_id: str) -> Category:
        return next(c for c in self.categories if c.id == category_id)


class PointsExpectation(Element):
    total: Amount | None = None
    line: Id | None = None
    categories: dict[str, Amount] | None = None
    cut: dict[str, Amount] | None = Field(default=None, description="points cut, by category id or `total`")
    not_counted: int | None = Field(default=None, ge=0)
    errors: list[ExpectedError] | None = None


class PointsTestCase(Element):
    name: str
    events: list[dict[str, Any]]
    expect: PointsExpectation


class PointsRuleset(Element):
    kaoping: Literal[1]
    id: RulesetId
    title: str
    description: str | None = None
    subject: str | None = None
    precision: Annotated[int, Field(ge=0, le=8)] = 2
    events: EventsSection
    tests: list[PointsTestCase] = Field(default_factory=list)


def is_points_document(data: Any) -> bool:
    """A parsed ruleset document that declares member points (it has `events:`)."""
    return isinstance(data, dict) and "events" in data
