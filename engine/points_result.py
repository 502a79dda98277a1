"""A member's points for a period: every event with the rule and points it gave, every
cap applied with how much it cut, the category subtotals, the total and the line
reached. Figures are exact, written in JSON as `engine.result` writes them."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from .result import Figure, GradeRef, MatchedRule, Model, RulesetRef


class EventPoints(Model):
    number: int = Field(description="1-based, in the order events are listed: by date, kind, fields, then row")
    date: str
    kind: str
    kind_title: str
    category: str
    row: int | None = Field(default=None, description="the row of the events file it was read from")
    values: dict[str, Any]
    counted: bool
    rule: MatchedRule | None = Field(default=None, description="the engine rule that fired for it")
    points: Figure
    detail: str


class CategoryPoints(Model):
    id: str
    title: str
    cap: Figure | None
    floor: Figure | None
    events: int = Field(description="events of this category that counted")
    raw: Figure = Field(description="the sum of its events' points")
    points: Figure = Field(description="the sum held between floor and cap")
    cut: Figure = Field(description="raw minus points: what the cap (or floor) took away")


class MemberPoints(Model):
    ruleset: RulesetRef
    member: str
    branch: str | None = None
    period: str | None = Field(description="the period the events were taken from; null for all of them")
    events: list[EventPoints]
    categories: list[CategoryPoints]
    base: Figure
    raw_total: Figure = Field(description="base plus every category's points")
    cap: Figure | None
    floor: Figure | None
    cut: Figure = Field(description="raw_total minus total_exact: what the period cap (or floor) took away")
    total_exact: Figure
    precision: int
    total: Figure
    line: GradeRef
    engine: dict[str, Any]

    def category(self, category_id: str) -> CategoryPoints:
        return next(c for c in self.categories if c.id == category_id)

    @property
    def counted(self) -> int:
        return sum(e.counted for e in self.events)
