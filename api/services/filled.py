"""Inputs the service fills when a submission leaves them empty: the unit's grade of
the period before (`previous: grade`, api.services.previous) and the count of its
overdue rectification items (`from: rectification_overdue`, api.services.rectification).
Each filler finds values per unit; filling them is one rule for a single score, a stage's
step and a batch's rows alike, and each filled value names where it came from in the
result (`filled_inputs`), so the explanation says so and verifying keeps it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.orm import Session

from engine.model import Ruleset
from engine.pool import UnitRow
from engine.result import FilledInput

from .previous import previous_grades
from .rectification import overdue_counts

# per unit, per input: the value found and where it came from
Found = dict[str, dict[str, tuple[Any, FilledInput]]]
Filler = Callable[[Session, Ruleset, str, str, list[str]], Found]
FILLERS: tuple[Filler, ...] = (previous_grades, overdue_counts)


def _found(session: Session, ruleset: Ruleset, ruleset_id: str, period: str, units: list[str]) -> Found:
    merged: Found = {}
    for filler in FILLERS:
        for unit, values in filler(session, ruleset, ruleset_id, period, units).items():
            merged.setdefault(unit, {}).update(values)
    return merged


def _filled(
    ruleset: Ruleset, data: dict[str, Any], found: dict[str, tuple[Any, FilledInput]]
) -> tuple[dict[str, Any], list[FilledInput]]:
    """The data with each empty input that a value was found for filled, in the order the
    ruleset declares its inputs; a value the submission gives is kept."""
    filled, sources = dict(data), []
    for name in ruleset.inputs:
        if name in found and data.get(name) is None:
            filled[name], source = found[name]
            sources.append(source)
    return (filled, sources) if sources else (data, [])


def fill_submission(
    session: Session, ruleset: Ruleset, ruleset_id: str, unit_id: str, period: str, data: dict[str, Any]
) -> tuple[dict[str, Any], list[FilledInput]]:
    """One submission with its empty filled inputs filled, and what was filled."""
    return _filled(ruleset, data, _found(session, ruleset, ruleset_id, period, [unit_id]).get(unit_id, {}))


def fill_rows(session: Session, ruleset: Ruleset, ruleset_id: str, period: str, rows: list[UnitRow]) -> list[UnitRow]:
    """A batch's rows, each with its empty filled inputs filled (one query per filler for all)."""
    found = _found(session, ruleset, ruleset_id, period, [row.unit.id for row in rows])
    out = []
    for row in rows:
        data, filled = _filled(ruleset, row.data, found.get(row.unit.id, {}))
        out.append(replace(row, data=data, filled=tuple(filled)) if filled else row)
    return out
