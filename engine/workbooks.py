"""Excel workbooks read without trusting them: bombs and entities refused, cells bounded.

An .xlsx is a zip of XML. Its central directory says how large each part grows; the
zip module never inflates a part beyond the size it declares, so checking those sizes
before reading refuses a zip bomb without inflating it. openpyxl parses the XML with
defusedxml (a dependency), which refuses entity declarations, so an XXE part is inert.
"""

from __future__ import annotations

import zipfile
from collections.abc import Generator
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from .errors import BatchFileError
from .limits import MAX_CELLS, MAX_COLUMNS, MAX_RATIO, MAX_UNCOMPRESSED_BYTES, RATIO_FROM_BYTES
from .messages import say


def check_archive(path: Path) -> None:
    """BatchFileError unless the file is a zip whose parts inflate to sane sizes."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BatchFileError(say("file.not_xlsx", file=path.name)) from None
    total = sum(part.file_size for part in parts)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise BatchFileError(say("file.inflated", file=path.name, size=total, limit=MAX_UNCOMPRESSED_BYTES))
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise BatchFileError(
                say(
                    "file.ratio",
                    file=path.name,
                    part=part.filename,
                    size=part.file_size,
                    compressed=part.compress_size,
                )
            )


def sheet_rows(path: Path) -> Generator[tuple[Any, ...]]:
    """The values of the first sheet's rows, each as long as its last cell (no padding);
    BatchFileError for a workbook that cannot be read or that is over the limits."""
    check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises whatever its parser meets in a broken or hostile part
        raise BatchFileError(say("file.unreadable_xlsx", file=path.name)) from None
    try:
        sheet = workbook.worksheets[0]
        _check_dimensions(path, sheet.max_row, sheet.max_column)
        sheet.reset_dimensions()  # rows as long as their cells: a declared width is not trusted
        cells, number = 0, 0
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:
                raise BatchFileError(say("file.broken_row", file=path.name, row=number + 1)) from None
            number += 1
            cells += len(row)
            if cells > MAX_CELLS:
                raise BatchFileError(say("file.cells_read", file=path.name, row=number, limit=MAX_CELLS))
            yield row
    finally:
        workbook.close()


def _check_dimensions(path: Path, rows: int | None, columns: int | None) -> None:
    """Refuse at once a sheet whose declared used range is over the limits."""
    if columns and columns > MAX_COLUMNS:
        raise BatchFileError(say("file.sheet_columns", file=path.name, columns=columns, limit=MAX_COLUMNS))
    if rows and columns and rows * columns > MAX_CELLS:
        raise BatchFileError(say("file.sheet_cells", file=path.name, rows=rows, columns=columns, limit=MAX_CELLS))
