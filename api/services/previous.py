"""Inputs a ruleset declares `previous: grade`: the unit's grade of the period before,
filled from its current record of that period when a submission leaves the input empty
(a flag such as "一星 twice in a row" reads it). Where the value came from is part of
the result (`filled_inputs`), so its explanation says so and verifying it keeps it."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.model import Ruleset
from engine.periods import parse
from engine.pool import UnitRow
from engine.result import FilledInput

from ..tables import CurrentScore, ScoreRecord


def previous_period(period: str) -> str | None:
    """The period before: the year before a year, the quarter before a quarter, the
    month before a month."""
    found = parse(period)
    return str(found.previous) if found is not None else None


def _previous_grades(session: Session, ruleset_id: str, period: str, unit_id: str | None = None):
    """(record id, grade) of each unit's current record of the period (one unit's, or all)."""
    query = (
        select(ScoreRecord.unit_id, ScoreRecord.id, ScoreRecord.grade)
        .join(CurrentScore, CurrentScore.record_id == ScoreRecord.id)
        .where(CurrentScore.ruleset_id == ruleset_id, CurrentScore.period == period)
    )
    if unit_id is not None:
        query = query.where(CurrentScore.unit_id == unit_id)
    return {unit: (record, grade) for unit, record, grade in session.execute(query)}


def _filled(
    ruleset: Ruleset, data: dict[str, Any], found: tuple[str, str | None] | None, before: str
) -> tuple[dict[str, Any], list[FilledInput]]:
    """The data with each empty `previous: grade` input given the record's grade. An input
    stays empty without a record, when the record has no grade (disqualified), or when its
    grade is not one the input offers."""
    if found is None or found[1] is None:
        return data, []
    record, grade = found
    filled, sources = dict(data), []
    for name, spec in ruleset.inputs.items():
        if spec.previous == "grade" and data.get(name) is None and grade in (spec.choices or ()):
            filled[name] = grade
            sources.append(FilledInput(input=name, record=record, period=before))
    return (filled, sources) if sources else (data, [])


def _wanted(ruleset: Ruleset) -> bool:
    return any(spec.previous == "grade" for spec in ruleset.inputs.values())


def fill_previous(
    session: Session, ruleset: Ruleset, ruleset_id: str, unit_id: str, period: str, data: dict[str, Any]
) -> tuple[dict[str, Any], list[FilledInput]]:
    """One submission with its empty `previous: grade` inputs filled, and what was filled."""
    before = previous_period(period)
    if before is None or not _wanted(ruleset):
        return data, []
    found = _previous_grades(session, ruleset_id, before, unit_id).get(unit_id)
    return _filled(ruleset, data, found, before)


def fill_rows(session: Session, ruleset: Ruleset, ruleset_id: str, period: str, rows: list[UnitRow]) -> list[UnitRow]:
    """A batch's rows, each with its empty `previous: grade` inputs filled (one query for all)."""
    before = previous_period(period)
    if before is None or not _wanted(ruleset):
        return rows
    grades = _previous_grades(session, ruleset_id, before)
    out = []
    for row in rows:
        data, filled = _filled(ruleset, row.data, grades.get(row.unit.id), before)
        out.append(replace(row, data=data, filled=tuple(filled)) if filled else row)
    return out
