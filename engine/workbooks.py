"""Excel workbooks read fast and without trusting them: bombs refused, cells bounded.

An .xlsx is a zip of XML. Its central directory says how large each part grows; the
zip module never inflates a part beyond the size it declares, so checking those sizes
before reading refuses a zip bomb without inflating it. The cells are read by calamine
(Rust, through python-calamine), many times faster than a Python XML parser; its parser
never resolves entity declarations, so an XXE part is inert. Cells come back as openpyxl
gave them before: None for an empty cell, whole numbers as int, rows as long as their
last non-empty cell, so every reader sees the same values whichever library reads them.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from .errors import BatchFileError
from .limits import MAX_CELLS, MAX_COLUMNS, MAX_RATIO, MAX_UNCOMPRESSED_BYTES, RATIO_FROM_BYTES
from .messages import say

UNREADABLE = (CalamineError, zipfile.BadZipFile, OSError, ValueError, KeyError, RuntimeError)
SHEET_PART = re.compile(r"xl/worksheets/[^/]+\.xml")
CHUNK = 4 * 1024 * 1024
ROOT = re.compile(rb"<[A-Za-z_]")  # an XML part's first element: its prolog ends there
DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
# a cell's place (<c r="AB12">, any namespace prefix) and a sheet's declared range
CELL_PLACE = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]{1,7})"')
DECLARED = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?dimension\s[^>]*?\bref="(?:[A-Z]+[0-9]+:)?([A-Z]{1,3})([0-9]{1,7})"')


def _check_sizes(archive: zipfile.ZipFile, name: str) -> None:
    """BatchFileError unless the archive's parts inflate to sane sizes (read from its
    directory: nothing is inflated)."""
    parts = archive.infolist()
    total = sum(part.file_size for part in parts)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise BatchFileError(say("file.inflated", file=name, size=total, limit=MAX_UNCOMPRESSED_BYTES))
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise BatchFileError(
                say("file.ratio", file=name, part=part.filename, size=part.file_size, compressed=part.compress_size)
            )


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _extent(archive: zipfile.ZipFile, part: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """A sheet part's declared range and the range its cells really span (rows, columns),
    read in chunks: calamine allocates the whole span at once, so two cells at A1 and
    XFD1048576 would ask for half a terabyte before a single value came back."""
    declared, rows, columns, tail = (0, 0), 0, 0, b""
    with archive.open(part) as handle:
        while chunk := handle.read(CHUNK):
            text = tail + chunk
            cut = text.rfind(b"<")
            text, tail = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            if declared == (0, 0) and b"dimension" in text and (found := DECLARED.search(text)):
                declared = (int(found[2]), column_number(found[1]))
            places = CELL_PLACE.findall(text)
            if places:
                rows = max(rows, max(int(row) for row in {row for _, row in places}))
                columns = max(columns, max(column_number(c) for c in {column for column, _ in places}))
    return declared, (rows, columns)


def _declares_a_dtd(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether an XML part has a document type declaration before its root element."""
    seen = b""
    with archive.open(part) as handle:
        while chunk := handle.read(64 * 1024):
            seen = (seen + chunk).lstrip()
            root = ROOT.search(seen)
            if DOCTYPE.search(seen[: root.start() if root else len(seen)]):
                return True
            if root:
                return False
            seen = seen[-16:]
    return False


def _check_parts(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a workbook with a part declaring a DTD (no spreadsheet program writes one; it
    is how entity attacks begin), or a sheet that declares or spans more than the limits."""
    for part in archive.namelist():
        if part.endswith((".xml", ".rels")) and _declares_a_dtd(archive, part):
            raise BatchFileError(say("file.unreadable_xlsx", file=name))
        if SHEET_PART.fullmatch(part):
            declared, spanned = _extent(archive, part)
            _check_dimensions(name, *declared)
            _check_dimensions(name, *spanned, columns_limit=None)


def check_workbook(source: Path | bytes, name: str) -> None:
    """BatchFileError unless the file is a zip whose parts inflate to sane sizes, none
    declares a DTD and no sheet is over the limits: the archive opened once for all."""
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            _check_sizes(archive, name)
            try:
                _check_parts(archive, name)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):  # a damaged part
                raise BatchFileError(say("file.unreadable_xlsx", file=name)) from None
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BatchFileError(say("file.not_xlsx", file=name)) from None


def open_workbook(source: Path | bytes, name: str) -> CalamineWorkbook:
    """A workbook checked for bombs and oversized sheets, and opened; BatchFileError when
    it cannot be read."""
    check_workbook(source, name)
    try:
        if isinstance(source, bytes):
            return CalamineWorkbook.from_filelike(io.BytesIO(source))
        return CalamineWorkbook.from_path(str(source))
    except UNREADABLE:
        raise BatchFileError(say("file.unreadable_xlsx", file=name)) from None


def cell_value(value: Any) -> Any:
    """A cell as openpyxl gave it: None when empty, a whole number as int."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def sheet_values(book: CalamineWorkbook, index_or_name: int | str, name: str) -> Iterator[tuple[Any, ...]]:
    """A sheet's rows of cell values, each as long as its last non-empty cell."""
    try:
        sheet = (
            book.get_sheet_by_index(index_or_name)
            if isinstance(index_or_name, int)
            else (book.get_sheet_by_name(index_or_name))
        )
        rows = sheet.iter_rows()
    except UNREADABLE:
        raise BatchFileError(say("file.unreadable_xlsx", file=name)) from None
    for row in rows:
        values = [cell_value(cell) for cell in row]
        while values and values[-1] is None:
            values.pop()
        yield tuple(values)


def sheet_rows(path: Path) -> Generator[tuple[Any, ...]]:
    """The values of the first sheet's rows, each as long as its last cell (no padding);
    BatchFileError for a workbook that cannot be read or that is over the limits."""
    book = open_workbook(path, path.name)
    try:
        cells = 0
        for number, row in enumerate(sheet_values(book, 0, path.name), start=1):
            cells += len(row)
            if cells > MAX_CELLS:
                raise BatchFileError(say("file.cells_read", file=path.name, row=number, limit=MAX_CELLS))
            yield row
    finally:
        book.close()


def _check_dimensions(name: str, rows: int, columns: int, columns_limit: int | None = MAX_COLUMNS) -> None:
    """Refuse at once a sheet whose range is over the limits. A declared range is held to
    the column limit too; cells really beyond it are one row's error, found when read."""
    if columns_limit is not None and columns > columns_limit:
        raise BatchFileError(say("file.sheet_columns", file=name, columns=columns, limit=columns_limit))
    if rows * columns > MAX_CELLS:
        raise BatchFileError(say("file.sheet_cells", file=name, rows=rows, columns=columns, limit=MAX_CELLS))
