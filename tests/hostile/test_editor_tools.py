"""Hostile files for the editor's tools: never a traceback, always a clear Chinese refusal."""

import io
import zipfile

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli import app
from engine.indicator_table import TableError, read_table

runner = CliRunner()


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"PK\x03\x04" + b"\x00" * 64, "是压缩包或 Excel 文件, 不是规则文件"),
        (bytes(range(256)), "不是 UTF-8 编码的文本"),
        (b"kaoping: 1\x00\x00", "含有二进制内容"),
        ("村党组织".encode("gbk"), "不是 UTF-8 编码的文本"),
    ],
)
@pytest.mark.parametrize("command", ["check", "test", "cases", "export"])
def test_a_file_that_is_not_a_ruleset_is_refused_without_a_traceback(tmp_path, content, expected, command):
    path = tmp_path / "indicators.xlsx"
    path.write_bytes(content)
    args = [command, str(path)] + (["-o", str(tmp_path / "out.xlsx")] if command == "export" else [])
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert expected in result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, UnicodeDecodeError)


def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _book(sheets: dict[str, list[list]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"kaoping: 1\n", "不是 Excel (.xlsx) 文件"),
        (b"", "不是 Excel (.xlsx) 文件"),
        (_zip({"hello.txt": b"hi"}), "upload.xlsx 不是可读取的 Excel 工作簿 (.xlsx)"),
        (b"PK\x03\x04garbage", "upload.xlsx 不是 Excel 工作簿 (.xlsx), 无法打开"),
        (_book({"随便": [["a"]]}), "「说明」表: 缺少这张表"),
        (_book({"说明": [], "指标": [], "等次": []}), "「说明」表: 表是空的"),
        (_book({"说明": [["字段", "值"], ["规则编码", "x"]], "指标": [["一级指标", "奇怪列"]], "等次": [["编码"]]}),
         "「指标」表第 1 行「B」列: 列名 '奇怪列' 不是这张表的列"),
        (_book({"说明": [["字段", "值"], ["密码", "x"]], "指标": [["一级指标"]], "等次": [["编码"]]}),
         "「说明」表第 2 行「字段」列: '密码' 不是可填的字段"),
    ],
)  # fmt: skip
def test_a_table_that_is_not_an_indicator_table_is_refused(content, expected):
    with pytest.raises(TableError) as caught:
        read_table(content, "upload.xlsx")
    assert any(expected in p for p in caught.value.problems), caught.value.problems


def test_an_empty_indicator_table_lists_what_is_missing():
    content = _book({"说明": [["字段", "值"]], "指标": [["一级指标"]], "等次": [["编码"]]})
    with pytest.raises(TableError) as caught:
        read_table(content)
    assert "「说明」表: 缺少或填错了「规则编码」 (缺少必填字段 id)" in caught.value.problems
    assert "「指标」表: 没有任何指标 (缺少必填字段 dimensions)" in caught.value.problems
    assert all(p.startswith("「") for p in caught.value.problems)


def test_a_garbage_table_upload_is_a_422_never_a_500(village_service):
    for content in (b"\x00\xff" * 100, _zip({"x": b"y"}), _book({"指标": [["一级指标"], ["x"]]})):
        response = village_service.call(
            "POST",
            "/rulesets/village-branch-stars/versions/table",
            "editor",
            files={"file": ("x.xlsx", content, "application/octet-stream")},
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
