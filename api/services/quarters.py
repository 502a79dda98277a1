"""Yearly inputs derived from quarterly records (`from_quarters`, docs/periods.md): when a
yearly submission leaves such an input empty, the unit's current records of the named
quarterly ruleset for the year's four quarters are read and their values combined by sum,
mean or last. Which quarters and records gave the value is part of the result
(`filled_inputs`), so the explanation and the record's provenance say so."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.decimals import plain
from engine.messages import listing, say
from engine.model import FromQuarters, InputSpec, Ruleset
from engine.periods import parse, quarters
from engine.result import FilledInput

from .. import store
from ..tables import CurrentScore, RulesetRow, ScoreRecord
from .filling import Found, Refusal

MEAN_PLACES = Decimal("0.000001")  # a mean that does not end within six places is rounded there


@dataclass(frozen=True)
class Quarter:
    """One quarter's value of the quarterly input, and the record it is in."""

    period: str
    record: str
    value: Any


def source_problems(session: Session, ruleset: Ruleset) -> list[dict[str, str]]:
    """Each `from_quarters` naming a ruleset the service does not hold, or one whose
    latest version scores another kind of period than quarters (checked at publishing)."""
    problems = []
    for name, derived in _derived(ruleset).items():
        field = f"inputs.{name}.from_quarters.ruleset"
        row = session.get(RulesetRow, derived.ruleset)
        if row is None:
            problems.append({"field": field, "message": say("detail.quarters_unknown", ruleset=derived.ruleset)})
            continue
        kind = store.compiled_version(session, store.version_key(session, row.id, row.latest_version)).model.period
        if kind not in (None, "quarter"):
            message = say("detail.quarters_not_quarterly", ruleset=derived.ruleset, kind=say(f"period.{kind}"))
            problems.append({"field": field, "message": message})
    return problems


def _derived(ruleset: Ruleset) -> dict[str, FromQuarters]:
    return {name: spec.from_quarters for name, spec in ruleset.inputs.items() if spec.from_quarters is not None}


def _found(session: Session, derived: FromQuarters, name: str, year: int, units: list[str] | None):
    """Each unit's quarters with a value of the quarterly input, in quarter order."""
    query = (
        select(ScoreRecord.unit_id, ScoreRecord.period, ScoreRecord.id, ScoreRecord.input)
        .join(CurrentScore, CurrentScore.record_id == ScoreRecord.id)
        .where(CurrentScore.ruleset_id == derived.ruleset, CurrentScore.period.in_(quarters(year)))
    )
    if units is not None:
        query = query.where(CurrentScore.unit_id.in_(units))
    found: dict[str, list[Quarter]] = {}
    for unit, period, record, data in session.execute(query.order_by(ScoreRecord.period)):
        value = (data or {}).get(derived.input or name)
        if value is not None and value != "NA":
            found.setdefault(unit, []).append(Quarter(period, record, value))
    return found


def _combine(spec: InputSpec, combine: str, values: list[Any]) -> tuple[Any, bool]:
    """The combined value, and whether it was rounded (a mean that does not end)."""
    if combine == "last":
        return values[-1], False
    numbers = [Decimal(str(v)) for v in values]
    total = sum(numbers, Decimal(0))
    if combine == "sum":
        value, rounded = total, False
    else:
        exact = Fraction(total) / len(numbers)
        value = (Decimal(exact.numerator) / exact.denominator).quantize(MEAN_PLACES, ROUND_HALF_UP).normalize()
        rounded = Fraction(value) != exact
    if spec.type == "integer" or value == value.to_integral_value():
        return int(value), rounded
    return value, rounded


def _shown(value: Any) -> str:
    """A quarter's value as the source states it: a number as written, exactly."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value).lower()
    return plain(Decimal(str(value)))


def _fill_one(name: str, spec: InputSpec, year: int, have: list[Quarter]):
    """The value and its statement; a Refusal when the input refuses a year without all
    its quarters; None when nothing is filled."""
    derived = spec.from_quarters
    assert derived is not None
    wanted = quarters(year)
    missing = [q for q in wanted if q not in {h.period for h in have}]
    if missing and derived.missing == "refuse":
        message = say("detail.quarters_missing", input=f"{spec.title} ({name})", missing=listing(missing))
        return Refusal("quarters_missing", message)
    if not have:
        return None
    value, rounded = _combine(spec, derived.combine, [h.value for h in have])
    parts = listing(f"{h.period} {_shown(h.value)}" for h in have)
    source = say(
        f"detail.quarters_{derived.combine}",
        ruleset=derived.ruleset,
        input=derived.input or name,
        parts=parts,
        approx="≈" if rounded else "",
    )
    if missing:
        source += say("detail.quarters_partial", missing=listing(missing))
    filled = FilledInput(
        input=name,
        record=have[-1].record,
        period=str(year),
        records=[h.record for h in have],
        source=source,
    )
    return value, filled


def _year(period: str) -> int | None:
    found = parse(period)
    return found.year if found is not None and found.kind == "year" else None


def quarter_values(session: Session, ruleset: Ruleset, ruleset_id: str, period: str, units: list[str]) -> Found:
    """For each `from_quarters` input of a yearly period, each unit's value combined from
    its quarters, or its refusal (api.services.filled fills the empty ones)."""
    year = _year(period)
    derived = _derived(ruleset)
    if year is None or not derived:
        return {}
    found: Found = {}
    for name in derived:
        have = _found(session, derived[name], name, year, units[:1] if len(units) == 1 else None)
        for unit in units:
            value = _fill_one(name, ruleset.inputs[name], year, have.get(unit, []))
            if value is not None:
                found.setdefault(unit, {})[name] = value
    return found
