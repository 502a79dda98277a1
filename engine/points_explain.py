"""A member's points as text a person reads: each event with the rule that counted it
and its points, each category's sum written out with the cap or floor applied, the
period's total with its cap, the one rounding, and the line reached."""

from __future__ import annotations

from .decimals import ZERO, plain, shown
from .explain import written_sum
from .messages import say
from .points_result import CategoryPoints, EventPoints, MemberPoints


def _value(value: object) -> str:
    if isinstance(value, bool):
        return say("points.explain.yes" if value else "points.explain.no")
    return str(value)


def _values(event: EventPoints) -> str:
    shown_values = ", ".join(f"{name} = {_value(value)}" for name, value in event.values.items())
    return shown_values or say("points.explain.no_fields")


def _event_line(event: EventPoints, category: str, precision: int) -> str:
    common = {"number": event.number, "date": event.date, "kind": event.kind_title, "category": category}
    if not event.counted:
        return say("points.explain.not_counted", **common, detail=event.detail, values=_values(event))
    rule = event.rule
    return say(
        "points.explain.event",
        **common,
        points=shown(event.points, precision),
        rule=rule.rule_id if rule else "",
        condition=rule.condition if rule else "",
        formula=event.detail,
        values=_values(event),
    )


def _category_line(category: CategoryPoints, events: list[EventPoints], precision: int) -> str:
    parts = [shown(e.points, precision) for e in events if e.counted and e.category == category.id]
    line = say(
        "points.explain.category", title=category.title, sum=written_sum(parts), raw=shown(category.raw, precision)
    )
    if category.cut > ZERO:
        line += say("points.explain.capped", cap=plain(category.cap), cut=shown(category.cut, precision))  # type: ignore[arg-type]
    elif category.cut < ZERO:
        line += say("points.explain.floored", floor=plain(category.floor), cut=shown(-category.cut, precision))  # type: ignore[arg-type]
    return line


def explain_points(result: MemberPoints) -> str:
    precision = result.precision
    titles = {c.id: c.title for c in result.categories}
    period = result.period or say("points.explain.all_periods")
    branch = result.branch or say("points.explain.no_branch")
    lines = [
        say("points.explain.head", member=result.member, branch=branch, period=period, ruleset=result.ruleset.title)
    ]
    lines.append(say("points.explain.events", count=len(result.events), counted=result.counted))
    lines.extend("  " + _event_line(e, titles[e.category], precision) for e in result.events)
    lines.append(say("points.explain.categories"))
    lines.extend("  " + _category_line(c, result.events, precision) for c in result.categories)
    parts = [shown(result.base, precision), *(shown(c.points, precision) for c in result.categories)]
    lines.append(say("points.explain.sum", sum=written_sum(parts), raw=shown(result.raw_total, precision)))
    if result.cut > ZERO:
        lines.append(say("points.explain.period_capped", cap=plain(result.cap), cut=shown(result.cut, precision)))  # type: ignore[arg-type]
    elif result.cut < ZERO:
        lines.append(say("points.explain.period_floored", floor=plain(result.floor), cut=shown(-result.cut, precision)))  # type: ignore[arg-type]
    lines.append(say("points.explain.total", total=plain(result.total), precision=precision))
    lines.append(say("points.explain.line", line=result.line.title))
    return "\n".join(lines) + "\n"
