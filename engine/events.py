"""One member's event, checked like a submission before anything counts it.

An event names its member, date and kind; the kind says which fields it carries, and
those are validated exactly as a unit's inputs are (`engine.inputs`), so numbers are
exact decimals and every problem is reported at once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from .decimals import clipped
from .errors import InputError, InputProblem
from .inputs import shown, validate_input
from .messages import say, subject, suggestion
from .points_model import PERIOD_PATTERN, PointsRuleset

MEMBER, BRANCH, DATE, KIND = "member", "branch", "date", "kind"
HEADER_FIELDS = (MEMBER, BRANCH, DATE, KIND)
MAX_ID_CHARS = 100


@dataclass(frozen=True)
class Event:
    member: str
    date: str  # ISO 8601, YYYY-MM-DD
    kind: str
    values: dict[str, Any]  # normalized fields, as `engine.inputs` leaves them
    branch: str | None = None
    row: int | None = None


def _problem(code: str, field: str, key: str, given: Any = None, **params: object) -> InputProblem:
    got = shown(given)
    return InputProblem(code=code, field=field, message=say(key, got=got, **params), got=got)


def _identifier(data: dict[str, Any], field: str, problems: list[InputProblem], required: bool) -> str | None:
    value = data.get(field)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            problems.append(_problem("missing", field, f"event.no_{field}"))
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        problems.append(_problem("invalid_type", field, "event.bad_identifier", value, field=field))
        return None
    text = str(value).strip()
    if len(text) > MAX_ID_CHARS:
        problems.append(_problem("out_of_range", field, "event.long_identifier", value, limit=MAX_ID_CHARS))
        return None
    return text


def event_date(value: Any) -> str | None:
    """An event's date as ISO text (a spreadsheet's date cell or "2026-03-05"), or None."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value.strip()):
        try:
            return dt.date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            return None
    return None


def kind_id(ruleset: PointsRuleset, given: str) -> str | None:
    """The kind an event names by id or by title."""
    for kind in ruleset.events.kinds:
        if given in (kind.id, kind.title):
            return kind.id
    return None


def validate_event(ruleset: PointsRuleset, data: Any, row: int | None = None) -> Event:
    """The normalized event, or InputError listing every problem with it."""
    if not isinstance(data, dict):
        raise InputError([_problem("invalid_type", "", "event.not_an_object", data)])
    problems: list[InputProblem] = []
    member = _identifier(data, MEMBER, problems, required=True)
    branch = _identifier(data, BRANCH, problems, required=False)
    date = event_date(data.get(DATE))
    if date is None:
        given = data.get(DATE)
        key = "event.no_date" if given is None or given == "" else "event.bad_date"
        problems.append(_problem("missing" if key == "event.no_date" else "invalid_type", DATE, key, given))
    given_kind = data.get(KIND)
    found = kind_id(ruleset, given_kind.strip()) if isinstance(given_kind, str) else None
    fields = {name: value for name, value in data.items() if name not in HEADER_FIELDS}
    values: dict[str, Any] = {}
    if found is None:
        names = [k.id for k in ruleset.events.kinds] + [k.title for k in ruleset.events.kinds]
        if given_kind is None or given_kind == "":
            problems.append(_problem("missing", KIND, "event.no_kind"))
        else:
            hint = suggestion(clipped(str(given_kind)), names)
            problems.append(_problem("not_a_choice", KIND, "event.unknown_kind", given_kind, hint=hint))
    else:
        kind = ruleset.events.kind(found)
        try:
            values = validate_input(kind, fields)
        except InputError as error:
            where = subject(kind.title, kind.id)
            problems.extend(
                p.model_copy(update={"message": say("event.in_kind", kind=where, problem=p.message)})
                for p in error.problems
            )
    if problems:
        raise InputError(problems)
    return Event(member, date, found, values, branch, row)  # type: ignore[arg-type]


def in_period(date: str, period: str | None) -> bool:
    """Whether an event's date falls in a period ("2026", "2026Q1", "2026-03" or a day;
    None: any). A quarter is the one a branch's appraisal period names."""
    if period is not None and len(period) == 6 and period[4] == "Q":
        return date[:4] == period[:4] and (int(date[5:7]) - 1) // 3 + 1 == int(period[5])
    return period is None or date == period or date.startswith(period + "-")


def check_period(period: str) -> None:
    if not re.fullmatch(PERIOD_PATTERN, period):
        raise InputError([_problem("invalid_type", "period", "event.bad_period", period)])
