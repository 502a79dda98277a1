"""A member's points for a period, recomputed from the events alone.

durable_rules says which events count (each kind's rule fired for the event's fact);
the arithmetic here is exact decimal: each counted event's points, category sums held
between floor and cap, the base plus the categories held between the period's floor
and cap, rounded once. Sums do not depend on order, and events are listed in one
order (date, kind, fields, row), so the same events in any order give the same result.
"""

from __future__ import annotations

from collections.abc import Iterable

from . import runtime
from .decimals import ZERO, Exact, difference, round_half_up, total
from .errors import InputError, InputProblem, UndefinedValue, undefined_error
from .events import Event, in_period
from .expressions import evaluate
from .inputs import jsonable
from .messages import say
from .points_compiler import CompiledPoints
from .points_model import Category, EventKind
from .points_result import CategoryPoints, EventPoints, MemberPoints
from .result import GradeRef, MatchedRule, RulesetRef
from .scoring import ENGINE_VERSION

# facts in one engine session: far below the count at which its 32-bit fact hash was seen
# to collide (46,010); a member's longer list of events is matched over several sessions
MAX_FACTS_PER_SESSION = 1000


def _order(event: Event) -> tuple:
    values = tuple(sorted((name, str(value)) for name, value in event.values.items()))
    return (event.date, event.kind, values, event.row if event.row is not None else -1)


def _fired(compiled: CompiledPoints, events: list[Event]) -> set[int]:
    """The numbers of the events whose kind's rule fired."""
    fired: set[int] = set()
    for start in range(0, len(events), MAX_FACTS_PER_SESSION):
        facts = []
        for number, event in enumerate(events[start : start + MAX_FACTS_PER_SESSION], start=start):
            k, kind = compiled.kinds[event.kind]
            fact, undefined = compiled.fact(number, kind, event.values)
            if undefined:
                path = f"events.kinds[{k}].when"
                raise undefined_error(path, f"{path} ({kind.when.text})", None)  # type: ignore[union-attr]
            facts.append(fact)
        for rule_id, fact_id in runtime.match_each(compiled.engine_name, compiled.definition, facts):
            number = int(fact_id)
            if rule_id == compiled.plans[events[number].kind].rule_id:
                fired.add(number)
    return fired


def _event_points(compiled: CompiledPoints, number: int, event: Event, counted: bool) -> EventPoints:
    index, kind = compiled.kinds[event.kind]
    values = jsonable(event.values, kind)
    points: Exact = ZERO
    rule = None
    if counted:
        points = _points(index, kind, event)
        condition = kind.when.text if kind.when is not None else say("points.any_event")
        rule = MatchedRule(rule_id=compiled.plans[kind.id].rule_id, condition=condition, values=values)
        detail = say("points.counted", formula=kind.points.text)
    else:
        detail = say("points.not_counted", when=kind.when.text)  # type: ignore[union-attr]
    return EventPoints(
        number=number + 1,
        date=event.date,
        kind=kind.id,
        kind_title=kind.title,
        category=kind.category,
        row=event.row,
        values=values,
        counted=counted,
        rule=rule,
        points=points,
        detail=detail,
    )


def _points(index: int, kind: EventKind, event: Event) -> Exact:
    try:
        return evaluate(kind.points.root, event.values)  # type: ignore[return-value]
    except UndefinedValue as error:
        path = f"events.kinds[{index}].points"
        raise undefined_error(path, f"{path} ({kind.points.text})", error.column) from None


def held(value: Exact, floor: Exact | None, cap: Exact | None) -> Exact:
    """A sum held between its floor and its cap (each optional)."""
    if cap is not None and value > cap:
        return cap
    if floor is not None and value < floor:
        return floor
    return value


def _category(category: Category, events: list[EventPoints]) -> CategoryPoints:
    mine = [e for e in events if e.counted and e.category == category.id]
    raw = total(e.points for e in mine)
    points = held(raw, category.floor, category.cap)
    return CategoryPoints(
        id=category.id,
        title=category.title,
        cap=category.cap,
        floor=category.floor,
        events=len(mine),
        raw=raw,
        points=points,
        cut=difference(raw, points),
    )


def member_points(
    compiled: CompiledPoints,
    member: str,
    events: Iterable[Event],
    period: str | None = None,
    *,
    content_hash: str = "",
    version: int | str | None = None,
) -> MemberPoints:
    """The member's points for the period from their events (others' are refused)."""
    ruleset = compiled.ruleset
    section = ruleset.events
    chosen = sorted((e for e in events if in_period(e.date, period)), key=_order)
    strangers = sorted({e.member for e in chosen if e.member != member})
    if strangers:
        raise InputError([_stranger(member, strangers[0])])
    fired = _fired(compiled, chosen)
    listed = [_event_points(compiled, n, event, n in fired) for n, event in enumerate(chosen)]
    categories = [_category(category, listed) for category in section.categories]
    raw_total = total([section.base, *(c.points for c in categories)])
    total_exact = held(raw_total, section.floor, section.cap)
    rounded = round_half_up(total_exact, ruleset.precision)
    line = next(line for line in section.lines if line.min is None or rounded >= line.min)
    return MemberPoints(
        ruleset=RulesetRef(id=ruleset.id, title=ruleset.title, version=version, content_hash=content_hash),
        member=member,
        branch=next((e.branch for e in chosen if e.branch), None),
        period=period,
        events=listed,
        categories=categories,
        base=section.base,
        raw_total=raw_total,
        cap=section.cap,
        floor=section.floor,
        cut=difference(raw_total, total_exact),
        total_exact=total_exact,
        precision=ruleset.precision,
        total=rounded,
        line=GradeRef(id=line.id, title=line.title),
        engine={"version": ENGINE_VERSION, "rules_fired": len(fired)},
    )


def _stranger(member: str, other: str) -> InputProblem:
    message = say("event.other_member", member=member, other=other)
    return InputProblem(code="invalid_type", field="member", message=message, got=other)
