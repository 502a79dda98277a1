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


def check_archive(path: Path) -> None:
    """BatchFileError unless the file is a zip whose parts inflate to sane sizes."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise BatchFileError(f"文件 {path.name} 不是 Excel 工作簿 (.xlsx), 无法打开") from None
    total = sum(part.file_size for part in parts)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise BatchFileError(
            f"文件 {path.name} 解压后共 {total:,} 字节, 超过上限 {MAX_UNCOMPRESSED_BYTES:,} 字节; 请拆分为几个文件"
        )
    for part in parts:
        if part.file_size > RATIO_FROM_BYTES and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise BatchFileError(
                f"文件 {path.name} 的 {part.filename} 压缩比异常 ({part.file_size:,} 字节压缩为 "
                f"{part.compress_size:,} 字节), 不像真实的表格, 已拒绝"
            )


def sheet_rows(path: Path) -> Generator[tuple[Any, ...]]:
    """The values of the first sheet's rows, each as long as its last cell (no padding);
    BatchFileError for a workbook that cannot be read or that is over the limits."""
    check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises whatever its parser meets in a broken or hostile part
        raise BatchFileError(f"文件 {path.name} 不是可读取的 Excel 工作簿 (.xlsx), 或含有不允许的内容") from None
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
                raise BatchFileError(
                    f"文件 {path.name} 第 {number + 1} 行附近的内容无法读取 (工作表已损坏或含有不允许的内容)"
                ) from None
            number += 1
            cells += len(row)
            if cells > MAX_CELLS:
                raise BatchFileError(f"文件 {path.name} 读到第 {number} 行时已超过 {MAX_CELLS:,} 个单元格; 请拆分")
            yield row
    finally:
        workbook.close()


def _check_dimensions(path: Path, rows: int | None, columns: int | None) -> None:
    """Refuse at once a sheet whose declared used range is over the limits."""
    if columns and columns > MAX_COLUMNS:
        raise BatchFileError(f"文件 {path.name} 的工作表有 {columns:,} 列, 超过上限 {MAX_COLUMNS:,} 列")
    if rows and columns and rows * columns > MAX_CELLS:
        raise BatchFileError(
            f"文件 {path.name} 的工作表有 {rows:,} 行 × {columns:,} 列, 超过上限 {MAX_CELLS:,} 个单元格"
        )
