"""Batch files in and out: CSV, Excel (.xlsx) and JSON Lines.

Columns are named by input id or by the input's Chinese title; a unit id column and
an optional parent column (township, county) identify each unit. Spreadsheet
values are converted by the input's declared type, the way a person typed them
("是"/"否", "NA", "6.2"); anything that still does not fit is left for the normal
validation to report with its row number.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Generator, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference

from .batch import BatchReport
from .decimals import plain, to_decimal
from .errors import BatchFileError
from .limits import MAX_COLUMNS, MAX_LINE_CHARS, MAX_ROWS
from .model import Ruleset
from .pool import RowError, UnitRow
from .result import UnitRef
from .textfiles import BoundedLines, decide_encoding, overlong_message
from .workbooks import sheet_rows

UNIT_ID = ("unit_id", "id", "单位编码", "单位代码", "编码")
UNIT_NAME = ("unit_name", "name", "单位名称", "名称")
UNIT_PARENT = ("parent", "上级", "上级单位", "所属乡镇", "乡镇")
TRUE, FALSE = ("true", "是", "1", "yes"), ("false", "否", "0", "no")


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
    if unknown:
        raise BatchFileError(
            f"文件 {path.name} 中有既不是 {ruleset.id} 的输入项也不是单位信息的列: {'、'.join(unknown)}"
        )
    if "unit_id" not in {kind for kind, _ in mapping.values()}:
        raise BatchFileError(f"文件 {path.name} 没有单位编码列 (列名用其中之一: {'、'.join(UNIT_ID)})")
    return mapping


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
                return Decimal(value)
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
        return RowError(number, None, "unit_id", "missing", "the row has no unit id")
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
                    f"文件 {path.name} 第 {lines.number} 行起无法按 CSV 读取: 单元格超过 {MAX_LINE_CHARS:,} 个字符, "
                    "多半是双引号没有闭合"
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
            raise BatchFileError(f"文件 {path.name} 超过 {MAX_ROWS:,} 行单位数据; 请拆分为几个文件")
        if isinstance(cells, _Unreadable):
            errors.append(RowError(number, None, "", cells.code, cells.message))
        elif len(cells) > MAX_COLUMNS and _width(cells) > MAX_COLUMNS:
            message = f"文件 {path.name} 第 {number} 行有 {_width(cells):,} 列, 超过上限 {MAX_COLUMNS:,} 列"
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
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise BatchFileError(f"文件 {path.name}: 批次文件须为 .csv、.xlsx 或 .jsonl")
    rows = _rows_csv(path, decide_encoding(path, encoding)) if suffix == ".csv" else sheet_rows(path)
    try:
        header = next(rows)
    except StopIteration:
        raise BatchFileError(f"文件 {path.name} 是空的") from None
    try:
        if isinstance(header, _Unreadable):
            raise BatchFileError(f"文件 {path.name} 第 1 行 (表头) 超过 {MAX_LINE_CHARS:,} 个字符, 无法读取")
        if _width(header) > MAX_COLUMNS:
            raise BatchFileError(f"文件 {path.name} 的表头有 {_width(header):,} 列, 超过上限 {MAX_COLUMNS:,} 列")
        return _columns(ruleset, path, [str(h) if h is not None else "" for h in header]), rows
    except BatchFileError:
        rows.close()
        raise


def _read_jsonl(ruleset: Ruleset, path: Path, codec: str) -> tuple[list[UnitRow], list[RowError]]:
    units, errors = [], []
    with path.open(encoding=codec, newline="") as handle:
        lines = BoundedLines(handle)
        for line in lines:
            number = lines.number
            if number > MAX_ROWS:
                raise BatchFileError(f"文件 {path.name} 超过 {MAX_ROWS:,} 行单位数据; 请拆分为几个文件")
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
                errors.append(
                    RowError(number, None, "data", "invalid_type", 'each line is {"unit": {...}, "data": {...}}')
                )
                continue
            unit = entry.get("unit") or {}
            if not isinstance(unit, dict) or not unit.get("id"):
                errors.append(RowError(number, None, "unit.id", "missing", "the line has no unit id"))
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
                    f"unit {unit.unit.id} already appears in row {first}",
                )
            )
        else:
            kept.append(unit)
    units[:] = kept
    return sorted(errors, key=lambda e: e.row)


# ---------------------------------------------------------------- writing results


def _result_headers(report: BatchReport) -> list[str]:
    model = report.ruleset.model
    return (
        ["行号", "单位编码", "单位名称", "上级单位", "总分", "等次", "状态", "排名", "上级内排名"]
        + [d.title for d in model.dimensions]
        + ["一票否决", "名额调整", "标记"]
    )


def _result_rows(report: BatchReport) -> Iterator[list[Any]]:
    model = report.ruleset.model
    grades = {g.id: g.title for g in model.grades}
    vetoes = {v.id: v.title for v in model.vetoes}
    for unit in report.units:
        scored = unit.scored
        ref = scored.unit
        quota = scored.quota
        yield [
            unit.row,
            ref.id if ref else None,
            ref.name if ref else None,
            ref.parent if ref else None,
            float(scored.total),
            grades[scored.grade] if scored.grade else "取消评定资格",
            "已评定" if scored.status == "scored" else "取消评定资格",
            unit.rank,
            unit.parent_rank,
            *[float(round(c, 4)) for c in scored.contributions],
            "、".join(vetoes[v] for v in scored.vetoes),
            f"{quota.from_grade} → {quota.to_grade or '—'}: {quota.reason}" if quota else "",
            "、".join(scored.flags),
        ]


ERROR_HEADERS = ["行号", "单位编码", "字段", "问题代码", "说明"]

# what a spreadsheet takes for the start of a formula (OWASP, "CSV injection")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _error_rows(report: BatchReport) -> Iterator[list[Any]]:
    return ([e.row, e.unit_id, e.field, e.code, e.message] for e in report.errors)


def _csv_rows(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    """Rows for a CSV report: a text cell that would start a formula is quoted with a
    leading apostrophe; numbers, negative ones too, are written as numbers."""
    for cells in rows:
        yield [f"'{c}" if isinstance(c, str) and c.startswith(FORMULA_START) else c for c in cells]


def _xlsx_row(sheet, cells: Iterable[Any]) -> list[Any]:
    """Cells for an Excel report: every text is a text cell, never a formula, whatever it
    starts with (characters XML cannot hold become U+FFFD)."""
    return [_text_cell(sheet, c) if isinstance(c, str) else c for c in cells]


def _text_cell(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("\ufffd", text))
    cell.data_type = "s"  # openpyxl takes text starting with "=" for a formula
    return cell


def write_results(report: BatchReport, path: Path) -> list[Path]:
    """Write the results (and, for CSV and JSONL, sibling files for errors and summary)."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(report, path)
        return [path]
    if suffix == ".csv":
        errors_path, summary_path = path.with_suffix(".errors.csv"), path.with_suffix(".summary.json")
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerows(_csv_rows([_result_headers(report)]))
            writer.writerows(_csv_rows(_result_rows(report)))
        with errors_path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(ERROR_HEADERS)
            writer.writerows(_csv_rows(_error_rows(report)))
        summary_path.write_text(summary_json(report), encoding="utf-8")
        return [path, errors_path, summary_path]
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
    raise BatchFileError(f"结果文件 {path.name}: 须为 .xlsx、.csv 或 .jsonl")


def summary_json(report: BatchReport) -> str:
    return json.dumps(report.summary, ensure_ascii=False, indent=2, default=lambda d: plain(d))


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(round(value, 4))


def _write_xlsx(report: BatchReport, path: Path) -> None:
    workbook = Workbook(write_only=True)
    results = _Sheet(workbook.create_sheet("结果"))
    results.append(_result_headers(report))
    for cells in _result_rows(report):
        results.append(cells)
    errors = _Sheet(workbook.create_sheet("错误"))
    errors.append(ERROR_HEADERS)
    for cells in _error_rows(report):
        errors.append(cells)
    _write_summary(_Sheet(workbook.create_sheet("汇总")), report)
    workbook.save(path)


class _Sheet:
    """A write-only sheet whose appended texts are text cells (see _xlsx_row)."""

    def __init__(self, sheet):
        self.sheet = sheet

    def append(self, cells: Iterable[Any]) -> None:
        self.sheet.append(_xlsx_row(self.sheet, cells))

    def add_chart(self, chart, anchor: str) -> None:
        self.sheet.add_chart(chart, anchor)


def _write_summary(sheet: _Sheet, report: BatchReport) -> None:
    summary = report.summary
    sheet.append([f"{report.ruleset.model.title}: 汇总"])
    sheet.append(["读入行数", summary["rows"], "已评分", summary["scored"], "错误行", summary["error_rows"]])
    sheet.append([])
    sheet.append(["等次", "单位数", "占比"])
    first = 5
    for grade in summary["grades"]:
        sheet.append([grade["title"], grade["count"], float(round(grade["share"], 4))])
    last = first + len(summary["grades"]) - 1
    chart = BarChart()
    chart.title = "等次分布"
    chart.y_axis.title = "单位数"
    chart.add_data(Reference(sheet.sheet, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(sheet.sheet, min_col=1, min_row=first, max_row=last))
    sheet.add_chart(chart, "F4")
    sheet.append([])
    sheet.append(["指标", "平均", "最小", "下四分位", "中位数", "上四分位", "最大"])
    stats = [("总分", summary["total"])] + [(d["title"], d) for d in summary["dimensions"].values()]
    for title, figures in stats:
        sheet.append([title] + [_number(figures[k]) for k in ("mean", "min", "q1", "median", "q3", "max")])
    sheet.append([])
    sheet.append(["一票否决", "单位数"])
    for veto in summary["vetoes"]:
        sheet.append([veto["title"], veto["count"]])
    sheet.append([])
    sheet.append(["名额调整: 行号", "单位编码", "原等次", "调整后", "并列待定", "原因"])
    for move in summary["quota_moves"]:
        sheet.append([move["row"], move["unit"], move["from"], move["to"], "是" if move["tie"] else "", move["reason"]])
