"""Inputs a ruleset declares `previous: grade`: the unit's grade of the period before,
taken from its current record of that period, filled when a submission leaves it empty
(a flag such as "一星 twice in a row" reads it). Where the value came from is part of
the result (`filled_inputs`), so its explanation says so and verifying it keeps it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.model import Ruleset
from engine.periods import parse
from engine.result import FilledInput

from ..tables import CurrentScore, ScoreRecord
from .filling import Found


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


def _wanted(ruleset: Ruleset) -> bool:
    return any(spec.previous == "grade" for spec in ruleset.inputs.values())


def previous_grades(session: Session, ruleset: Ruleset, ruleset_id: str, period: str, units: list[str]) -> Found:
    """Each unit's grade of the period before, for each `previous: grade` input that offers
    it (api.services.filled fills the empty ones). A unit without a record, or whose record
    has no grade (disqualified), is not found."""
    before = previous_period(period)
    if before is None or not _wanted(ruleset):
        return {}
    grades = _previous_grades(session, ruleset_id, before, units[0] if len(units) == 1 else None)
    found: Found = {}
    for unit, (record, grade) in grades.items():
        if grade is None:
            continue
        values = {
            name: (grade, FilledInput(input=name, record=record, period=before))
            for name, spec in ruleset.inputs.items()
            if spec.previous == "grade" and grade in (spec.choices or ())
        }
        if values:
            found[unit] = values
    return found
