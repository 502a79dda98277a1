"""A stored result as the record page shows it: the indicator table with the sums the
text explanation writes (engine.explain), and the steps of the waterfall chart. Every
figure is shown by the one display rule (engine.decimals.shown); nothing is scored."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from engine import Result
from engine.decimals import approx, difference, round_half_up, shown, total
from engine.explain import base_sum, dimension_sum, group_sum, rounded_total, total_lines
from engine.messages import say
from engine.wording import Wording

from ..services.provenance import value_text


@dataclass(frozen=True)
class Line:
    """One row of the indicator table."""

    kind: str  # indicator, na, subtotal, counted, item, group, base, sum, floor, total
    title: str
    points: str
    full: str = ""
    reason: str = ""
    read: tuple[str, ...] = ()


def read_values(values: dict[str, Any], wording: Wording, detail: str) -> tuple[str, ...]:
    """The inputs an indicator read, by their titles ("主题党日开展次数 = 12"), but those
    its reason already states."""
    said = (f"{wording.title(name)} = {value_text(value)}" for name, value in values.items())
    return tuple(text for text in said if text not in detail)


def indicator_table(result: Result, wording: Wording) -> list[tuple[str, list[Line]]]:
    """Sections of the table: each dimension's indicators with its subtotal, the
    adjustment groups with the items that applied, then the total and its one rounding."""
    fig = lambda value: shown(value, result.precision)  # noqa: E731 - the one display rule, short
    sections = []
    for dim in result.dimensions:
        lines = []
        for ind in (i for i in result.indicators if i.dimension == dim.id):
            points = say("page.score.na") if ind.points is None else fig(ind.points)
            kind = "na" if ind.points is None else "indicator"
            read = read_values(ind.values, wording, ind.detail)
            lines.append(Line(kind, ind.title, points, fig(ind.full_points), ind.detail, read))
        lines.append(
            Line(
                "subtotal",
                say("page.score.subtotal", dimension=dim.title),
                fig(dim.points),
                fig(dim.full_points),
                dimension_sum(result, dim),
            )
        )
        if dim.contribution != dim.points:
            lines.append(
                Line(
                    "counted",
                    say("page.score.counted", dimension=dim.title),
                    fig(dim.contribution),
                    reason=say("page.score.counted_reason"),
                )
            )
        sections.append((dim.title, lines))
    for group in result.adjustments:
        lines = [Line("item", item.title, fig(item.points), reason=item.detail) for item in group.items if item.applied]
        cap = "" if group.cap is None else fig(group.cap)
        lines.append(
            Line(
                "group",
                say("page.score.group_counted", group=group.title),
                fig(group.applied),
                cap,
                group_sum(group, result.precision),
            )
        )
        sections.append((group.title, lines))
    sums = total_lines(result)
    lines = [Line("base", say("page.score.base"), fig(result.base), reason=base_sum(result))]
    summed = total([result.base, *(g.applied for g in result.adjustments)])
    if result.adjustments:
        lines.append(Line("sum", say("page.score.summed"), fig(summed), reason=sums[0]))
    if summed != result.total_exact:
        lines.append(Line("floor", say("page.score.floor_row"), fig(result.total_exact), reason=sums[-2]))
    lines.append(Line("total", say("page.score.total_row"), rounded_total(result), reason=sums[-1]))
    sections.append((say("page.score.total"), lines))
    return sections


def waterfall(result: Result) -> list[dict[str, Any]]:
    """How the total was built, step by step, for the chart: each dimension's
    contribution, the base, each adjustment group, the floor at 0, the one rounding,
    the total. `start`/`end` are for drawing; `label` is the figure as shown (the
    rounding's `detail` says it in full: "88.325 → 88.33")."""
    precision = result.precision
    steps, running = [], 0.0

    def step(name: str, kind: str, end: float, label: str, start: float | None = None) -> None:
        nonlocal running
        steps.append(
            {"name": name, "kind": kind, "start": running if start is None else start, "end": end, "label": label}
        )
        running = end

    for dim in result.dimensions:
        value = float(approx(dim.contribution))
        step(dim.title, "part", running + value, shown(dim.contribution, precision))
    step(say("page.score.base"), "sum", float(approx(result.base)), shown(result.base, precision), start=0.0)
    for group in result.adjustments:
        value = float(approx(group.applied))
        sign = "+" if group.applied >= 0 else ""
        step(
            group.title,
            "bonus" if group.applied >= 0 else "deduction",
            running + value,
            sign + shown(group.applied, precision),
        )
    exact = float(approx(result.total_exact))
    if result.total_exact != total([result.base, *(g.applied for g in result.adjustments)]):
        step(say("page.score.floor_step"), "floor", exact, shown(result.total_exact, precision))
    rounded = round_half_up(result.total, precision)
    change = difference(rounded, result.total_exact)
    step(
        say("page.score.rounding_step"),
        "round",
        float(rounded),
        ("+" if change >= 0 else "") + shown(change, precision),
    )
    steps[-1]["detail"] = f"{shown(result.total_exact, precision)} → {rounded}"
    step(say("page.score.total"), "total", float(rounded), str(rounded), start=0.0)
    return steps


Models = dict[tuple[str, int], Any]  # (ruleset, version) -> its model (api.services.records.models)


def total_text(record, models: Models) -> str:
    """A record's total as its explanation heads it, to its ruleset's places."""
    return str(round_half_up(Decimal(record.total), models[(record.ruleset_id, record.version)].precision))


def grade_title(record, models: Models) -> str:
    """A record's grade by its title; a disqualified unit has none."""
    if record.grade is None:
        return say("page.score.no_grade")
    grades = {g.id: g.title for g in models[(record.ruleset_id, record.version)].grades}
    return grades.get(record.grade, record.grade)


STORED_COLUMNS = {
    "total",
    "grade",
    "status",
    "unit_id",
    "unit_name",
    "unit_parent",
    "normalized",
    "ruleset_id",
    "version",
    "content_hash",
    "engine_version",
}


def field_title(path: str) -> str:
    """A differing field of a verification, in words beside its path."""
    if path in STORED_COLUMNS:
        return say(f"page.score.field.{path}")
    return say("page.score.field.result" if path.startswith("result") else "page.score.field.receipt")


def stored_text(value: Any) -> str:
    """A stored or recomputed value of a verification: text as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
