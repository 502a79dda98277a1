"""Inputs a ruleset declares `previous: grade`: the unit's grade of the period before,
filled from its current record of that period when a submission leaves the input empty
(a flag such as "一星 twice in a row" reads it). Where the value came from is part of
the result (`filled_inputs`), so its explanation says so and verifying it keeps it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.model import Ruleset
from engine.result import FilledInput

from ..tables import CurrentScore, ScoreRecord
from .versions import PERIOD


def previous_period(period: str) -> str | None:
    """The period before: the year before a year, the quarter before a quarter."""
    found = PERIOD.match(period)
    if not found:
        return None
    year, quarter = int(found[1]), found[2]
    if not quarter:
        return f"{year - 1:04d}"
    number = int(quarter[1])
    return f"{year:04d}Q{number - 1}" if number > 1 else f"{year - 1:04d}Q4"


def fill_previous(
    session: Session, ruleset: Ruleset, ruleset_id: str, unit_id: str, period: str, data: dict[str, Any]
) -> tuple[dict[str, Any], list[FilledInput]]:
    """The submission with each empty `previous: grade` input filled, and what was filled.
    An input stays empty when the period before has no current record, or its record has
    no grade (disqualified) or a grade the input does not offer."""
    wanted = [name for name, spec in ruleset.inputs.items() if spec.previous == "grade" and data.get(name) is None]
    before = previous_period(period)
    if not wanted or before is None:
        return data, []
    found = session.execute(
        select(ScoreRecord.id, ScoreRecord.grade)
        .join(CurrentScore, CurrentScore.record_id == ScoreRecord.id)
        .where(CurrentScore.ruleset_id == ruleset_id, CurrentScore.unit_id == unit_id, CurrentScore.period == before)
    ).first()
    if found is None or found.grade is None:
        return data, []
    filled = dict(data)
    sources = []
    for name in wanted:
        if found.grade in (ruleset.inputs[name].choices or ()):
            filled[name] = found.grade
            sources.append(FilledInput(input=name, record=found.id, period=before))
    return filled, sources
