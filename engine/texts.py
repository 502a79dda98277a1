"""The parts of an explanation that depend only on the ruleset, made once when it is compiled.

A unit's explanation repeats the same titles, conditions and reasons for every unit: a
band's "第1档: 村集体经济年收入 >= 10 成立 → 10分" is the same text whoever reached it.
Writing them once per ruleset leaves a unit's scoring to pick them and add its own figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from .decimals import ZERO, Exact, plain, total
from .model import Ruleset
from .wording import Wording


class BandPlan(NamedTuple):
    """A band as scoring walks it: its rule (None for else), and the indicator's part when
    the band gives the points, all but the unit's values."""

    rule_id: str | None
    condition: RuleText | None
    part: dict[str, Any]


class RuleText(NamedTuple):
    """An engine rule as a result names it: the condition as written and the names it reads."""

    text: str
    names: tuple[str, ...]  # sorted


@dataclass(frozen=True)
class RulesetTexts:
    """Every ruleset-only string and fixed field of a result, by the element it belongs to."""

    heads: dict[str, dict[str, Any]]  # an indicator's fields before its points, by indicator id
    bands: dict[str, tuple[BandPlan, ...]]
    held: dict[str, tuple[str, str]]  # a check's or a conditional item's reason (holds, does not), by rule id
    conditions: dict[str, RuleText]
    full_points: dict[str, Exact]  # the sum of a dimension's indicators' points, by dimension id


def held_reason(wording: Wording, condition: str, points: Decimal) -> tuple[str, str]:
    """The reasons of a condition worth `points` when it holds, and 0 when it does not."""
    text = wording.text(condition)
    return f"条件 {text} 成立 → {plain(points)}分", f"条件 {text} 不成立 → {plain(ZERO)}分"


def band_rule(indicator_id: str, index: int) -> str:
    return f"band.{indicator_id}.{index}"


def band_plan(wording: Wording, head: dict[str, Any], named: dict[str, RuleText], rule_id, index, points, when):
    """A band's plan (its rule as `named` holds it)."""
    if rule_id is None:
        detail = f"第{index + 1}档(其余情况) → {plain(points)}分"
    else:
        detail = f"第{index + 1}档: {wording.text(when)} 成立 → {plain(points)}分"
    part = {
        **head,
        "points": points,
        "status": "scored",
        "method": "bands",
        "band": index,
        "rule": None,
        "detail": detail,
        "values": None,
    }
    return BandPlan(rule_id, None if rule_id is None else named[rule_id], part)


def ruleset_texts(ruleset: Ruleset, wording: Wording, conditions) -> RulesetTexts:
    """The texts of a compiled ruleset; `conditions` are its engine rules by id."""
    named = {
        rule_id: RuleText(condition.expression.text, condition.expression.sorted_names)
        for rule_id, condition in conditions.items()
    }
    heads, bands, held = {}, {}, {}
    for dimension, indicator in ruleset.indicators():
        head = heads[indicator.id] = {
            "id": indicator.id,
            "title": indicator.title,
            "dimension": dimension.id,
            "full_points": indicator.points,
        }
        score = indicator.score
        bands[indicator.id] = tuple(
            band_plan(
                wording,
                head,
                named,
                None if band.is_else else band_rule(indicator.id, b),
                b,
                band.value,
                None if band.when is None else band.when.text,
            )
            for b, band in enumerate(score.bands or ())
        )
        if score.check is not None:
            held[f"check.{indicator.id}"] = held_reason(wording, score.check.text, indicator.points)
    for group in ruleset.adjustments:
        for item in group.items:
            if item.when is not None:
                held[f"item.{group.id}.{item.id}"] = held_reason(wording, item.when.text, item.points)
    sums = {dimension.id: total(i.points for i in dimension.indicators) for dimension in ruleset.dimensions}
    return RulesetTexts(heads, bands, held, named, sums)
