"""Batch files in and out: CSV, Excel (.xlsx) and JSON Lines.

Columns are named by input id or by the input's Chinese title; a unit id column and
an optional parent column (township, county) identify each unit. Spreadsheet
values are converted by the input's declared type, the way a person typed them
("是"/"否", "NA", "6.2"); anything that still does not fit is left for the normal
validation to report with its row number.
"""

from __future__ import annotations

import csv
import functools
import json
import re
import unicodedata
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import chain
from pathlib import Path
from typing import Any

import orjson
import xlsxwriter

from .batch import BatchReport
from .decimals import approx, exact_text, parse_exact, plain, round_half_up, shown, to_decimal
from .errors import BatchFileError
from .limits import MAX_COLUMNS, MAX_LINE_CHARS, MAX_ROWS
from .messages import listing, say, suggestion
from .model import Ruleset
from .pool import RowError, UnitRow
from .result import UnitRef
from .textfiles import BoundedLines, decide_encoding, overlong_message
from .workbooks import sheet_rows

UNIT_ID = ("unit_id", "id", "单位编码", "单位代码", "编码")
UNIT_NAME = ("unit_name", "name", "单位名称", "名称")
UNIT_PARENT = ("parent", "上级", "上级单位", "所属乡镇", "乡镇")
TRUE, FALSE = ("true", "是", "1", "yes"), ("false", "否", "0", "no")
UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XML 1.0 cannot hold


@dataclass(frozen=True)
class _Unreadable:
    """A row that could not even be split into cells, in the place of its cells."""

    code: str
    message: str


def _columns(ruleset: Ruleset, path: Path, headers: list[str]) -> dict[int, tuple[str, str]]:
    """Column index -> ("input"|"unit_id"|"unit_name"|"unit_parent", name)."""
    by_title = {spec.title: name for name, spec in ruleset.inputs.items()}
    mapping: dict[int, tuple[str, str]] = {}
    unknown = []
    for index, header in enumerate(headers):
        header = (header or "").strip()
        if not header:
            continue
        if header in ruleset.inputs or header in by_title:
            mapping[index] = ("input", header if header in ruleset.inputs else by_title[header])
        elif header in UNIT_ID:
            mapping[index] = ("unit_id", header)
        elif header in UNIT_NAME:
            mapping[index] = ("unit_name", header)
        elif header in UNIT_PARENT:
            mapping[index] = ("unit_parent", header)
        else:
            unknown.append(header)
    problems = []
    if "unit_id" not in {kind for kind, _ in mapping.values()}:
        problems.append(say("file.no_unit_id", file=path.name, names=listing(UNIT_ID)))
    if unknown:
        known = [*by_title, *ruleset.inputs, *UNIT_ID, *UNIT_NAME, *UNIT_PARENT]
        named = listing(header + suggestion(header, known) for header in unknown)
        problems.append(say("file.unknown_columns", file=path.name, ruleset=ruleset.id, names=named))
    if problems:
        raise BatchFileError("; ".join(problems))
    return mapping


# a million rows repeat few distinct numbers: one Decimal per text, not per cell (104
# bytes each, the most of a row's memory); a Decimal never changes, so sharing is safe
_decimal = functools.lru_cache(maxsize=1 << 16)(Decimal)


def convert(spec, value: Any) -> Any:
    """A spreadsheet cell as the input's type, where it plainly is one."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, str):
        value = value.strip()
        if value == "NA":
            return value
        if spec.type == "boolean":
            lowered = value.lower()
            return True if lowered in TRUE else False if lowered in FALSE else value
        if spec.numeric:
            try:
                return _decimal(value)
            except InvalidOperation:
                return value
        return value
    if isinstance(value, float):
        if spec.type == "integer" and value.is_integer():
            return int(value)
        return to_decimal(value)
    if spec.type in ("choice", "text") and isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _from_cells(ruleset: Ruleset, mapping, number: int, cells: list[Any]) -> UnitRow | RowError:
    unit: dict[str, str | None] = {"id": None, "name": None, "parent": None}
    data: dict[str, Any] = {}
    for index, (kind, name) in mapping.items():
        value = cells[index] if index < len(cells) else None
        if kind == "input":
            converted = convert(ruleset.inputs[name], value)
            if converted is not None:
                data[name] = converted
        elif value is not None and str(value).strip():
            unit[kind.removeprefix("unit_")] = str(value).strip()
    if not unit["id"]:
        return RowError(number, None, "unit_id", "missing", say("row.no_unit_id"))
    return UnitRow(number, UnitRef(**unit), data)


def _rows_csv(path: Path, codec: str) -> Generator[list[Any] | _Unreadable]:
    """The records of a CSV file; an overlong line stands as its record's error."""
    csv.field_size_limit(MAX_LINE_CHARS)  # a cell spanning lines may not outgrow a line
    with path.open(encoding=codec, newline="") as handle:
        lines = BoundedLines(handle)
        reader = csv.reader(lines)
        last = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise BatchFileError(
                    say("file.csv_cell", file=path.name, line=lines.number, limit=MAX_LINE_CHARS)
                ) from None
            overlong = [n for n in lines.overlong if last < n <= lines.number]
            last = lines.number
            yield _Unreadable("line_too_long", overlong_message(path, min(overlong))) if overlong else cells


def _width(cells: list[Any] | tuple[Any, ...]) -> int:
    """How many columns a row uses: up to its last non-empty cell."""
    width = len(cells)
    while width and _empty(cells[width - 1]):
        width -= 1
    return width


def _empty(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def read_units(ruleset: Ruleset, path: Path, encoding: str | None = None) -> tuple[list[UnitRow], list[RowError]]:
    """Every unit of a batch file, and the rows that could not even be read as units.
    A text file is read in `encoding` when one is declared, else in the one it is in.

    Spreadsheet rows are numbered as the spreadsheet shows them (the header is row 1).
    """
    if path.suffix.lower() == ".jsonl":
        return _read_jsonl(ruleset, path, decide_encoding(path, encoding))
    mapping, rows = _opened(ruleset, path, encoding)
    units, errors = [], []
    for number, cells in enumerate(rows, start=2):
        if number > MAX_ROWS + 1:
            rows.close()
            raise BatchFileError(say("file.too_many_rows", file=path.name, limit=MAX_ROWS))
        if isinstance(cells, _Unreadable):
            errors.append(RowError(number, None, "", cells.code, cells.message))
        elif len(cells) > MAX_COLUMNS and _width(cells) > MAX_COLUMNS:
            message = say("file.row_columns", file=path.name, row=number, columns=_width(cells), limit=MAX_COLUMNS)
            errors.append(RowError(number, None, "", "too_many_columns", message))
        elif not all(_empty(c) for c in cells):
            _collect(_from_cells(ruleset, mapping, number, cells), units, errors)
    return units, _duplicates(units, errors)


def check_file(ruleset: Ruleset, path: Path, encoding: str | None = None) -> None:
    """BatchFileError unless the file is one read_units can read: a known kind, text in
    an encoding it can decode and, for a spreadsheet, columns this ruleset knows. Reads
    only the header (and a text file's bytes, to decide its encoding), so it is quick."""
    if path.suffix.lower() == ".jsonl":
        decide_encoding(path, encoding)
        return
    _opened(ruleset, path, encoding)[1].close()


def _opened(
    ruleset: Ruleset, path: Path, encoding: str | None
) -> tuple[dict[int, tuple[str, str]], Generator[list[Any] | tuple[Any, ...] | _Unreadable]]:
    """A spreadsheet's column mapping, and its rows after the header."""
    rows = spreadsheet_rows(path, encoding)
    try:
        header = next(rows)
    except StopIteration:
        raise BatchFileError(say("file.empty", file=path.name)) from None
    if path.suffix.lower() == ".xlsx":
        _LAST_HEADER.clear()
        _LAST_HEADER[_identity(path)] = header
    try:
        if isinstance(header, _Unreadable):
            raise BatchFileError(say("file.header_too_long", file=path.name, limit=MAX_LINE_CHARS))
        if _width(header) > MAX_COLUMNS:
            raise BatchFileError(say("file.header_columns", file=path.name, columns=_width(header), limit=MAX_COLUMNS))
        return _columns(ruleset, path, [str(h) if h is not None else "" for h in header]), rows
    except BatchFileError:
        rows.close()
        raise


def spreadsheet_rows(path: Path, encoding: str | None = None) -> Generator[list[Any] | tuple[Any, ...] | _Unreadable]:
    """The rows of a .csv or .xlsx file, header first; a row that could not be split into
    cells stands as an object with the `code` and `message` of its error."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise BatchFileError(say("file.kind", file=path.name))
    return _rows_csv(path, decide_encoding(path, encoding)) if suffix == ".csv" else sheet_rows(path)


def _read_jsonl(ruleset: Ruleset, path: Path, codec: str) -> tuple[list[UnitRow], list[RowError]]:
    units, errors = [], []
    with path.open(encoding=codec, newline="") as handle:
        lines = BoundedLines(handle)
        for line in lines:
            number = lines.number
            if number > MAX_ROWS:
                raise BatchFileError(say("file.too_many_rows", file=path.name, limit=MAX_ROWS))
            if number in lines.overlong:
                errors.append(RowError(number, None, "", "line_too_long", overlong_message(path, number)))
                continue
            if not line.strip():
                continue
            try:
                entry = json.loads(line, parse_float=Decimal)
            except json.JSONDecodeError as error:
                errors.append(RowError(number, None, "", "invalid_json", f"not JSON: {error.msg}"))
                continue
            if not isinstance(entry, dict) or not isinstance(entry.get("data"), dict):
                errors.append(RowError(number, None, "data", "invalid_type", say("row.jsonl_shape")))
                continue
            unit = entry.get("unit") or {}
            if not isinstance(unit, dict) or not unit.get("id"):
                errors.append(RowError(number, None, "unit.id", "missing", say("row.no_unit_id")))
                continue
            ref = UnitRef(id=str(unit["id"]), name=unit.get("name"), parent=unit.get("parent"))
            units.append(UnitRow(number, ref, entry["data"]))
    return units, _duplicates(units, errors)


def _collect(item: UnitRow | RowError, units: list[UnitRow], errors: list[RowError]) -> None:
    (units if isinstance(item, UnitRow) else errors).append(item)


def _duplicates(units: list[UnitRow], errors: list[RowError]) -> list[RowError]:
    """A unit id appearing again is an error row (the first stays), never a second score."""
    seen: dict[str, int] = {}
    kept = []
    for unit in units:
        first = seen.setdefault(unit.unit.id, unit.row)
        if first != unit.row:
            errors.append(
                RowError(
                    unit.row,
                    unit.unit.id,
                    "unit_id",
                    "duplicate_unit",
                    say("row.duplicate_unit", unit=unit.unit.id, first=first),
                )
            )
        else:
            kept.append(unit)
    units[:] = kept
    return sorted(errors, key=lambda e: e.row)


# The header row of the workbook read last. A sheet cannot be read a row at a time
# (calamine loads it whole: a second of a county's), and a batch asks for its file's
# headers once more after reading its rows; the file's path, size and modification time
# say it is still the same file.
_LAST_HEADER: dict[tuple[str, int, int], list[Any] | tuple[Any, ...]] = {}


def _identity(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_size, stat.st_mtime_ns)


def headers_as_written(ruleset: Ruleset, path: Path, encoding: str | None = None) -> dict[str, str]:
    """Each input's column header as the file writes it (its id or its title), so that
    an error row names the column the person sees in their own file."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        return {}
    header = _LAST_HEADER.get(_identity(path)) if suffix == ".xlsx" else None
    if header is None:
        rows = _rows_csv(path, decide_encoding(path, encoding)) if suffix == ".csv" else sheet_rows(path)
        try:
            header = next(rows, [])
        finally:
            rows.close()
    if isinstance(header, _Unreadable):
        return {}
    headers = [str(h).strip() for h in header if h is not None]
    by_title = {spec.title: name for name, spec in ruleset.inputs.items()}
    return {by_title.get(h, h): h for h in headers if h in ruleset.inputs or h in by_title}


# ---------------------------------------------------------------- writing results

# what a spreadsheet takes for the start of a formula (OWASP, "CSV injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
DETAIL_UNITS = 2000  # units whose every indicator the Excel report lists, one row each


def csv_text(value: Any) -> Any:
    """A text cell for CSV: one that a spreadsheet would read as a formula gets a
    leading single quote (=1+2 -> '=1+2); numbers and empty cells stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


@dataclass(frozen=True)
class Column:
    """A report column: its header, and what its cells mean (text, points, total, rank...)."""

    title: str
    kind: str = "text"  # text | points | total | count | share


def _grade_title(model: Ruleset, grade_id: str | None) -> str:
    if grade_id is None:
        return "取消评定资格"
    return next((g.title for g in model.grades if g.id == grade_id), grade_id)


def _result_columns(report: BatchReport) -> list[Column]:
    model = report.ruleset.model
    columns = [Column("行号", "count")]
    if report.record_ids:
        columns.append(Column("记录编号"))
    columns += [Column("单位编码"), Column("单位名称"), Column("上级单位")]
    columns += [Column(d.title, "points") for d in model.dimensions]
    columns.append(Column("基础分合计", "points"))
    columns += [Column(g.title, "points") for g in model.adjustments]
    columns += [Column("总分(舍入前)", "points"), Column("总分", "total"), Column("等次"), Column("状态")]
    columns += [Column("排名", "count"), Column("上级内排名", "count")]
    columns += [Column("一票否决"), Column("名额调整"), Column("标记")]
    if model.flags:
        columns.append(Column("提示事项"))
    return columns


def _result_rows(report: BatchReport) -> Iterator[list[Any]]:
    """Each unit's figures, exact (a report writer shows them by its own means)."""
    model = report.ruleset.model
    vetoes = {v.id: v.title for v in model.vetoes}
    flags = {f.id: f.title for f in model.flags}
    for unit in report.units:
        scored = unit.scored
        ref = scored.unit
        quota = scored.quota
        base, applied, total_exact = scored.sums
        moved = ""
        if quota:
            to = _grade_title(model, quota.to_grade) if quota.to_grade else "—"
            moved = f"{_grade_title(model, quota.from_grade)} → {to}: {quota.reason}"
        yield [
            unit.row,
            *([report.record_ids.get(unit.row)] if report.record_ids else []),
            ref.id if ref else None,
            ref.name if ref else None,
            ref.parent if ref else None,
            *scored.contributions,
            base,
            *applied,
            total_exact,
            scored.total,
            _grade_title(model, scored.grade),
            "已评定" if scored.status == "scored" else "取消评定资格",
            unit.rank,
            unit.parent_rank,
            "、".join(vetoes[v] for v in scored.vetoes),
            moved,
            "、".join(scored.flags),
            *(["、".join(flags.get(f, f) for f in scored.raised)] if flags else []),
        ]


ERROR_COLUMNS = [
    Column("行号", "count"),
    Column("单位编码"),
    Column("列"),
    Column("给定值"),
    Column("问题代码"),
    Column("说明"),
]


def _error_rows(report: BatchReport) -> list[list[Any]]:
    """Error rows in row order, each naming its column as the file's header writes it."""
    inputs = report.ruleset.model.inputs
    rows = []
    for error in sorted(report.errors, key=lambda e: e.row):
        column = report.columns.get(error.field) or (
            inputs[error.field].title if error.field in inputs else error.field
        )
        rows.append([error.row, error.unit_id, column, error.value, error.code, error.message])
    return rows


DETAIL_COLUMNS = [
    Column("行号", "count"),
    Column("单位编码"),
    Column("单位名称"),
    Column("维度"),
    Column("指标"),
    Column("得分", "points"),
    Column("满分", "points"),
    Column("说明"),
]


def _detail_rows(report: BatchReport) -> Iterator[list[Any]]:
    """One row per unit and indicator: points, full points and the reason."""
    dimensions = {d.id: d.title for d in report.ruleset.model.dimensions}
    for unit in report.units[:DETAIL_UNITS]:
        data = orjson.loads(unit.scored.json)  # plain JSON: rebuilding the full result would cost more
        ref = data["unit"] or {}
        for ind in data["indicators"]:
            points = "不适用" if ind["points"] is None else parse_exact(ind["points"])
            yield [
                unit.row,
                ref.get("id"),
                ref.get("name"),
                dimensions.get(ind["dimension"], ind["dimension"]),
                ind["title"],
                points,
                parse_exact(ind["full_points"]),
                ind["detail"],
            ]


def write_results(report: BatchReport, path: Path) -> list[Path]:
    """Write the results (and, for CSV and JSONL, a sibling file for the summary)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(report, path)
        return [path]
    if suffix == ".csv":
        summary_path = path.with_suffix(".summary.json")
        write_csv(report, path)
        summary_path.write_text(summary_json(report), encoding="utf-8")
        return [path, summary_path]
    if suffix == ".jsonl":
        summary_path = path.with_suffix(".summary.json")
        with path.open("w", encoding="utf-8") as handle:
            for unit in report.units:
                handle.write(
                    f'{{"row": {unit.row}, "rank": {json.dumps(unit.rank)}, '
                    f'"parent_rank": {json.dumps(unit.parent_rank)}, '
                    f'"result": {unit.scored.json}}}\n'
                )
            for error in report.errors:
                handle.write(json.dumps({"row": error.row, "error": error.__dict__}, ensure_ascii=False) + "\n")
        summary_path.write_text(summary_json(report), encoding="utf-8")
        return [path, summary_path]
    raise BatchFileError(say("file.results_kind", file=path.name))


def write_csv(report: BatchReport, path: Path) -> None:
    """Every row of the batch file in row order: a scored unit with its figures by the one
    display rule (≈ where rounded), an error row with its column, the value given and the
    problem (one line per problem)."""
    precision = report.ruleset.model.precision
    columns = _result_columns(report)

    def text(column: Column, value: Any) -> Any:
        if value is None or column.kind in ("count", "text"):
            return csv_text(value)
        return shown(value, precision) if column.kind == "points" else plain(value)

    lines: list[tuple[int, list[Any]]] = [
        (cells[0], [text(c, v) for c, v in zip(columns, cells, strict=True)] + [""] * 4)
        for cells in _result_rows(report)
    ]
    blank = [""] * (len(columns) - 1)
    status = [c.title for c in columns].index("状态")
    for row, unit_id, column, value, code, message in _error_rows(report):
        cells = [row, *blank]
        cells[[c.title for c in columns].index("单位编码")] = csv_text(unit_id)
        cells[status] = "错误"
        lines.append((row, cells + [csv_text(column), csv_text(value), code, csv_text(message)]))
    lines.sort(key=lambda line: line[0])
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([csv_text(c.title) for c in columns] + ["列", "给定值", "问题代码", "说明"])
        writer.writerows(cells for _, cells in lines)


def summary_json(report: BatchReport) -> str:
    """The summary with its exact figures (decimals, or fractions as "p/q")."""
    return json.dumps(report.summary, ensure_ascii=False, indent=2, default=exact_text)


# ---------------------------------------------------------------- the Excel report


def _text_width(value: Any) -> int:
    """How wide a cell's text is, a CJK character counting twice."""
    text = "" if value is None else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class _Sheet:
    """A sheet written row by row (xlsxwriter's constant-memory mode: a row is flushed when
    the next begins), with number formats by meaning, text kept text (never a formula),
    a frozen header with filters and column widths that fit its text."""

    SAMPLE = 500  # rows looked at for column widths

    def __init__(self, workbook: xlsxwriter.Workbook, title: str, precision: int):
        self.sheet = workbook.add_worksheet(title)
        self.title = title
        self.row = 0
        points = "0." + "0" * precision + "##" if precision else "0.##"
        formats = {"points": points, "total": "0." + "0" * precision if precision else "0", "share": "0.0%"}
        self.formats = {kind: workbook.add_format({"num_format": shape}) for kind, shape in formats.items()}
        self.formats["count"] = workbook.add_format({"num_format": "0"})

    def append(self, cells: Iterable[tuple[Any, str]]) -> None:
        """Write one row of (value, kind) cells below the last."""
        for column, (value, kind) in enumerate(cells):
            if value is None or value == "":
                continue  # an empty cell, not a cell holding an empty text
            if kind == "text" or isinstance(value, str):
                self.sheet.write_string(self.row, column, _writable(str(value)))
            else:
                number = float(approx(value)) if kind in ("points", "total", "share") else value
                self.sheet.write_number(self.row, column, number, self.formats[kind])
        self.row += 1

    def widths(self, widths: Iterable[float]) -> None:
        for column, width in enumerate(widths):
            self.sheet.set_column(column, column, width)

    def table(self, columns: list[Column], rows: Iterable[list[Any]]) -> None:
        """Write a header and rows as a table with a filter over all of them."""
        rows = iter(rows)
        sample = [row for _, row in zip(range(self.SAMPLE), rows, strict=False)]
        self.widths(
            min(60, max([_text_width(column.title)] + [_text_width(_display(row[index])) for row in sample]) + 2)
            for index, column in enumerate(columns)
        )
        self.sheet.freeze_panes(1, 0)
        self.append((c.title, "text") for c in columns)
        for row in chain(sample, rows):
            self.append(zip(row, (c.kind for c in columns), strict=True))
        self.sheet.autofilter(0, 0, self.row - 1, len(columns) - 1)


def _writable(text: str) -> str:
    """Text as a cell holds it: a line ends with "\n" (XML readers turn "\r" into it anyway),
    characters XML cannot hold become U+FFFD; "=1+2" stays that text, never a formula."""
    return UNWRITABLE.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def _display(value: Any) -> str:
    return plain(round_half_up(value, 4)) if isinstance(value, Decimal | Fraction) else str(value or "")


def _write_xlsx(report: BatchReport, path: Path) -> None:
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    precision = report.ruleset.model.precision
    _Sheet(workbook, "结果", precision).table(_result_columns(report), _result_rows(report))
    _Sheet(workbook, "错误", precision).table(ERROR_COLUMNS, _error_rows(report))
    _write_summary(workbook, _Sheet(workbook, "汇总", precision), report)
    details = _Sheet(workbook, "指标明细", precision)
    details.table(DETAIL_COLUMNS, _detail_rows(report))
    if len(report.units) > DETAIL_UNITS:
        details.append(
            [
                (
                    f"本批共 {len(report.units)} 个单位, 此表只列前 {DETAIL_UNITS} 个;"
                    " 其余单位的指标得分与说明见其评分记录 (记录编号) 或 JSONL 结果",
                    "text",
                )
            ]
        )
    workbook.close()


def _write_summary(workbook: xlsxwriter.Workbook, sheet: _Sheet, report: BatchReport) -> None:
    summary, model = report.summary, report.ruleset.model
    sheet.widths((24, 12, 12, 12, 12, 12, 12))
    sheet.append([(f"{model.title}: 汇总", "text")])
    sheet.append([("排名规则", "text"), (summary["ranking"]["rule"], "text")])
    counts = [("读入行数", summary["rows"]), ("已评分", summary["scored"]), ("错误行", summary["error_rows"])]
    sheet.append(cell for title, count in counts for cell in ((title, "text"), (count, "count")))
    sheet.append([])
    sheet.append([("等次", "text"), ("单位数", "text"), ("占比", "text")])
    header = sheet.row - 1
    for grade in summary["grades"]:
        sheet.append([(grade["title"], "text"), (grade["count"], "count"), (grade["share"], "share")])
    chart = workbook.add_chart({"type": "column"})
    chart.add_series(
        {
            "name": [sheet.title, header, 1],
            "categories": [sheet.title, header + 1, 0, sheet.row - 1, 0],
            "values": [sheet.title, header + 1, 1, sheet.row - 1, 1],
        }
    )
    chart.set_title({"name": "等次分布"})
    chart.set_y_axis({"name": "单位数"})
    sheet.sheet.insert_chart("I4", chart)
    sheet.append([])
    sheet.append((t, "text") for t in ("指标", "平均", "最小", "下四分位", "中位数", "上四分位", "最大"))
    stats = [("总分", summary["total"])] + [(d["title"], d) for d in summary["dimensions"].values()]
    for title, figures in stats:
        sheet.append([(title, "text")] + [(figures[k], "points") for k in ("mean", "min", "q1", "median", "q3", "max")])
    sheet.append([])
    sheet.append([("一票否决", "text"), ("单位数", "text")])
    for veto in summary["vetoes"]:
        sheet.append([(veto["title"], "text"), (veto["count"], "count")])
    sheet.append([])
    if "flags" in summary:
        sheet.append([("提示事项", "text"), ("单位数", "text")])
        for flag in summary["flags"]:
            sheet.append([(flag["title"], "text"), (flag["count"], "count")])
        sheet.append([])
    sheet.append((t, "text") for t in ("名额调整: 行号", "单位编码", "原等次", "调整后", "并列待定", "原因"))
    for move in summary["quota_moves"]:
        to = _grade_title(model, move["to"]) if move["to"] else "—"
        moved = [move["unit"], _grade_title(model, move["from"]), to, "是" if move["tie"] else None, move["reason"]]
        sheet.append([(move["row"], "count")] + [(value, "text") for value in moved])
