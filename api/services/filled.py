"""Inputs the service fills when a submission leaves them empty: the unit's grade of
the period before (`previous: grade`, api.services.previous), a yearly value from its
quarters (`from_quarters`, api.services.quarters), a figure of a branch's
members' points (`from_points`, api.services.points_inputs) and the count of its overdue
rectification items (`from: rectification_overdue`, api.services.rectification).
Each filler finds values per unit; filling them is one rule for a single score, a stage's
step and a batch's rows alike, and each filled value names where it came from in the
result (`filled_inputs`), so the explanation says so and verifying keeps it. A filler is
asked only for the units that leave one of its inputs empty."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from engine.messages import say
from engine.model import InputSpec, Ruleset
from engine.pool import RowError, UnitRow
from engine.result import FilledInput

from .filling import FillRefused, Found, Refusal
from .points_inputs import points_figures
from .previous import previous_grades
from .quarters import quarter_values
from .rectification import overdue_counts

Finder = Callable[[Session, Ruleset, str, str, list[str]], Found]
# which inputs each filler fills, the filler, and the catalogue's words for where from
FILLERS: tuple[tuple[Callable[[InputSpec], bool], Finder, str], ...] = (
    (lambda spec: spec.previous == "grade", previous_grades, "filled.previous_grade"),
    (lambda spec: spec.from_quarters is not None, quarter_values, "filled.quarters"),
    (lambda spec: spec.from_points is not None, points_figures, "filled.points"),
    (lambda spec: spec.filled_from == "rectification_overdue", overdue_counts, "filled.rectification"),
)


def by_service(spec: InputSpec) -> bool:
    """Whether the service fills the input when a submission leaves it empty."""
    return source_of(spec) is not None


def source_of(spec: InputSpec) -> str | None:
    """Where the service fills the input from, in words (None: a person gives it)."""
    return next((say(key) for fills, _, key in FILLERS if fills(spec)), None)


def _found(session: Session, ruleset: Ruleset, ruleset_id: str, period: str, data: dict[str, dict]) -> Found:
    """What the fillers find for the units (unit -> its data) that leave their inputs empty."""
    merged: Found = {}
    for fills, finder, _ in FILLERS:
        names = [name for name, spec in ruleset.inputs.items() if fills(spec)]
        units = [unit for unit, given in data.items() if any(given.get(name) is None for name in names)]
        if not names or not units:
            continue
        for unit, values in finder(session, ruleset, ruleset_id, period, units).items():
            merged.setdefault(unit, {}).update(values)
    return merged


def _filled(
    ruleset: Ruleset, data: dict[str, Any], found: dict[str, tuple[Any, FilledInput] | Refusal]
) -> tuple[dict[str, Any], list[FilledInput]]:
    """The data with each empty input that a value was found for filled, in the order the
    ruleset declares its inputs; a value the submission gives is kept. FillRefused for an
    empty input that may not stay so."""
    filled, sources = dict(data), []
    for name in ruleset.inputs:
        if name not in found or data.get(name) is not None:
            continue
        value = found[name]
        if isinstance(value, Refusal):
            raise FillRefused(name, value)
        filled[name], source = value
        sources.append(source)
    return (filled, sources) if sources else (data, [])


def fill_submission(
    session: Session, ruleset: Ruleset, ruleset_id: str, unit_id: str, period: str, data: dict[str, Any]
) -> tuple[dict[str, Any], list[FilledInput]]:
    """One submission with its empty filled inputs filled, and what was filled (FillRefused)."""
    return _filled(ruleset, data, _found(session, ruleset, ruleset_id, period, {unit_id: data}).get(unit_id, {}))


def fill_rows(
    session: Session, ruleset: Ruleset, ruleset_id: str, period: str, rows: list[UnitRow], errors: list[RowError]
) -> tuple[list[UnitRow], list[RowError]]:
    """A batch's rows, each with its empty filled inputs filled (one query per filler for
    all), and its error rows with those whose input could not be filled added."""
    found = _found(session, ruleset, ruleset_id, period, {row.unit.id: row.data for row in rows})
    kept = []
    for row in rows:
        try:
            data, filled = _filled(ruleset, row.data, found.get(row.unit.id, {}))
        except FillRefused as refused:
            errors.append(RowError(row.row, row.unit.id, refused.name, refused.refusal.code, refused.refusal.message))
            continue
        kept.append(replace(row, data=data, filled=tuple(filled)) if filled else row)
    return kept, errors
