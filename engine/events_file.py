"""An events file (CSV or Excel, one row per event) read into checked events.

Columns: the member (党员编号), optionally the branch (支部), the date (日期), the kind of
event (事项, by id or title), then the fields of the kinds by id or title. A cell is
converted by the type of the field in the row's kind, as a batch file's cells are
(`engine.tabular.convert`); each row is then validated as an event and its problems
are reported with the row's number, in the reader's language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import BatchFileError, InputError
from .events import BRANCH, DATE, KIND, MEMBER, Event, kind_id, validate_event
from .limits import MAX_COLUMNS, MAX_ROWS
from .messages import listing, say, suggestion
from .points_model import PointsRuleset
from .pool import RowError
from .tabular import convert, spreadsheet_rows

COLUMNS = {
    MEMBER: (MEMBER, "member_id", "党员编号", "党员"),
    BRANCH: (BRANCH, "branch_id", "支部", "所属支部"),
    DATE: (DATE, "日期"),
    KIND: (KIND, "事项", "事项类型"),
}


def _field_names(ruleset: PointsRuleset) -> dict[str, str]:
    """Header -> field id, for every field of every kind, by id and by title."""
    names: dict[str, str] = {}
    for kind in ruleset.events.kinds:
        for name, spec in kind.fields.items():
            names.setdefault(name, name)
            names.setdefault(spec.title, name)
    return names


def _columns(ruleset: PointsRuleset, path: Path, header: list[Any]) -> dict[int, str]:
    """Column index -> member | branch | date | kind | a field id."""
    fields = _field_names(ruleset)
    known = {alias: role for role, aliases in COLUMNS.items() for alias in aliases}
    mapping: dict[int, str] = {}
    unknown = []
    for index, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        if text in known:
            mapping[index] = known[text]
        elif text in fields:
            mapping[index] = fields[text]
        else:
            unknown.append(text)
    problems = []
    for role in (MEMBER, DATE, KIND):
        if role not in mapping.values():
            problems.append(say("file.events_column", file=path.name, names=listing(COLUMNS[role])))
    if unknown:
        every = [*known, *fields]
        named = listing(text + suggestion(text, every) for text in unknown)
        problems.append(say("file.events_unknown_columns", file=path.name, ruleset=ruleset.id, names=named))
    if problems:
        raise BatchFileError("; ".join(problems))
    return mapping


def _identifier(value: Any) -> Any:
    """A spreadsheet's number cell used as an id (党员编号 1001 read as 1001.0) as text."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _row_data(ruleset: PointsRuleset, mapping: dict[int, str], cells) -> dict[str, Any]:
    given = {mapping[i]: cells[i] for i in mapping if i < len(cells) and cells[i] is not None}
    data = {role: given.pop(role) for role in COLUMNS if role in given}
    for role in (MEMBER, BRANCH):
        if role in data:
            data[role] = _identifier(data[role])
    found = kind_id(ruleset, str(data.get(KIND, "")).strip())
    specs = ruleset.events.kind(found).fields if found else {}
    for name, value in given.items():
        converted = convert(specs[name], value) if name in specs else value
        if converted is not None and not (isinstance(converted, str) and not converted.strip()):
            data[name] = converted
    return data


def read_events(ruleset: PointsRuleset, path: Path, encoding: str | None = None) -> tuple[list[Event], list[RowError]]:
    """Every event of the file, and the rows refused, each problem with its row number
    (the header is row 1)."""
    if path.suffix.lower() not in (".csv", ".xlsx"):
        raise BatchFileError(say("file.events_kind", file=path.name))
    rows = spreadsheet_rows(path, encoding)
    try:
        header = next(rows)
    except StopIteration:
        raise BatchFileError(say("file.empty", file=path.name)) from None
    if not isinstance(header, list | tuple):
        rows.close()
        raise BatchFileError(header.message)
    mapping = _columns(ruleset, path, list(header[:MAX_COLUMNS]))
    events: list[Event] = []
    errors: list[RowError] = []
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            rows.close()
            raise BatchFileError(say("file.too_many_rows", file=path.name, limit=MAX_ROWS))
        if not isinstance(cells, list | tuple):
            errors.append(RowError(number, None, "", cells.code, cells.message))
            continue
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        data = _row_data(ruleset, mapping, cells)
        try:
            events.append(validate_event(ruleset, data, row=number))
        except InputError as error:
            member = data.get(MEMBER)
            for problem in error.problems:
                message = say("row.problem", row=number, problem=problem.message)
                errors.append(
                    RowError(
                        number,
                        None if member is None else str(member),
                        problem.field,
                        problem.code,
                        message,
                        problem.got,
                    )
                )
    return events, errors
