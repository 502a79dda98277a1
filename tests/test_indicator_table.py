"""Indicator tables (Excel) to rulesets and back: exact round trips, located problems."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from api.cli import app
from engine import load_ruleset
from engine.indicator_table import TableError, read_table, workbook_of

from .conftest import ROOT, SCORING_RULESETS, VILLAGE_TEXT

runner = CliRunner()
SHIPPED = SCORING_RULESETS
TABLED = SHIPPED


def _table_bytes(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("path", TABLED, ids=lambda p: p.stem)
def test_each_shipped_ruleset_round_trips_exactly(path: Path):
    original = load_ruleset(path)
    text, back = read_table(_table_bytes(workbook_of(original.model)))
    dump = {"mode": "json", "by_alias": True}
    assert back.model.model_dump(**dump) == original.model.model_dump(**dump)
    assert [t.expect.model_fields_set for t in back.model.tests] == [
        t.expect.model_fields_set for t in original.model.tests
    ]
    assert load_ruleset(text).model == back.model


def test_the_table_has_one_row_per_indicator_in_the_offices_shape():
    book = workbook_of(load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml").model)
    sheet = book["指标"]
    header = [c.value for c in sheet[1]]
    assert header[:8] == ["一级指标", "维度编码", "权重依据", "维度权重", "维度说明", "二级指标", "指标编码", "分值"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 31
    first = dict(zip(header, rows[0], strict=True))
    assert first["一级指标"] == "组织建设" and first["二级指标"] == "党员大会(每季度1次)"
    assert first["评分方法"] == "扣分" and first["评分依据"] == "branch_assemblies" and first["低于"] == 4
    assert first["输入编码"] == "branch_assemblies" and first["输入名称"] == "党员大会召开次数"
    assert first["类型"] == "整数" and (first["最小值"], first["最大值"]) == (0, 100)
    themed = dict(zip(header, rows[3], strict=True))
    assert themed["分档"].splitlines() == [
        "themed_party_days >= 12 → 3",
        "themed_party_days >= 10 → 2",
        "themed_party_days >= 6 → 1",
        "其余 → 0",
    ]
    quotas = list(book["名额控制"].iter_rows(min_row=2, values_only=True))
    assert quotas[0] == ("five", "0.10", "collective_economy、mass_satisfaction_pct")


def _edited(changes) -> bytes:
    book = workbook_of(load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml").model)
    for sheet, cell, value in changes:
        book[sheet][cell] = value
    return _table_bytes(book)


def test_problems_are_reported_by_sheet_row_and_column_in_chinese():
    header = [c.value for c in workbook_of(load_ruleset(VILLAGE_TEXT).model)["指标"][1]]
    column = {name: chr(ord("A") + i) for i, name in enumerate(header)}
    content = _edited(
        [
            ("指标", f"{column['分值']}3", "三分"),
            ("指标", f"{column['评分方法']}4", "打分"),
            ("等次", "C2", "很高"),
        ]
    )
    with pytest.raises(TableError) as caught:
        read_table(content)
    assert caught.value.problems == [
        "「指标」表第 3 行「分值」列: 应填一个数, 填的是 '三分'",
        "「指标」表第 4 行「评分方法」列: 应为 分档、条件、线性、扣分、加分、公式、相对评价 之一, 填的是 '打分'",
        "「等次」表第 2 行「最低分」列: 应填一个数, 填的是 '很高'",
    ]


def test_ruleset_problems_are_located_at_the_cell_they_came_from():
    header = [c.value for c in workbook_of(load_ruleset(VILLAGE_TEXT).model)["指标"][1]]
    bands = chr(ord("A") + header.index("分档"))
    content = _edited([("指标", f"{bands}5", "themed_party_days >= 12 → 3\nnobody > 1 → 2")])
    with pytest.raises(TableError) as caught:
        read_table(content)
    [problem] = caught.value.problems
    assert problem.startswith("「指标」表第 5 行「分档」列: ")
    assert "nobody" in problem and "dimensions[0].indicators[3].score.bands[1].when" in problem


def test_cli_export_then_import_gives_a_ruleset_that_passes_its_tests(tmp_path):
    table, ruleset = tmp_path / "村.xlsx", tmp_path / "村.yaml"
    village = str(ROOT / "rulesets" / "village-branch-stars.yaml")
    result = runner.invoke(app, ["export", village, "-o", str(table)])
    assert result.exit_code == 0, result.output
    assert result.output == f"village-branch-stars: 已写出 {table}\n"
    assert "指标" in load_workbook(table).sheetnames
    result = runner.invoke(app, ["import", str(table), "-o", str(ruleset)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"village-branch-stars: 已写出 {ruleset} (共 ") and "项指标)" in result.output
    result = runner.invoke(app, ["test", str(ruleset)])
    assert result.exit_code == 0 and "20 passed, 0 failed" in result.output


def test_cli_import_of_a_bad_table_writes_nothing(tmp_path):
    table, ruleset = tmp_path / "bad.xlsx", tmp_path / "out.yaml"
    table.write_bytes(_edited([("等次", "C2", "很高")]))
    result = runner.invoke(app, ["import", str(table), "-o", str(ruleset)])
    assert result.exit_code == 1
    assert "「等次」表第 2 行「最低分」列" in result.output
    assert not ruleset.exists() and list(tmp_path.iterdir()) == [table]


def test_a_table_upload_becomes_a_draft_version(village_service):
    content = _edited([("等次", "C2", 88)])
    response = village_service.call(
        "POST",
        "/rulesets/village-branch-stars/versions/table?base_version=1&note=从指标表导入",
        "editor",
        files={"file": ("村.xlsx", content, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
    )
    assert response.status_code == 201, response.text
    detail = response.json()
    assert detail["number"] == 2 and detail["status"] == "draft"
    assert detail["parsed"]["grades"][0]["min"] == 88


def test_a_bad_table_upload_is_a_problem_listing_each_cell(village_service):
    response = village_service.call(
        "POST",
        "/rulesets/village-branch-stars/versions/table",
        "editor",
        files={"file": ("村.xlsx", _edited([("等次", "C2", "很高")]), "application/octet-stream")},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["errors"][0]["message"] == "「等次」表第 2 行「最低分」列: 应填一个数, 填的是 '很高'"
    assert village_service.call("GET", "/rulesets/village-branch-stars").json()["versions"][-1]["number"] == 1


COUNTY = ROOT / "rulesets" / "county-relative-appraisal.yaml"


def test_relative_indicators_have_their_columns_and_round_trip():
    original = load_ruleset(COUNTY)
    assert original.model.relative_indicators()
    book = workbook_of(original.model)
    header = [c.value for c in book["指标"][1]]
    assert header[18:24] == ["比较方式", "方向", "最低分", "并列", "均值分", "取消资格单位"]
    assert "同批次单位" in [c.value for c in book["测试"][1]]
    rows = {r[6]: r for r in book["指标"].iter_rows(min_row=2, values_only=True)}
    relative = original.model.relative_indicators()[0]
    assert rows[relative.id][8] == "相对评价" and rows[relative.id][9] == relative.score.relative.of.text
    text, back = read_table(_table_bytes(book))
    assert back.model == original.model
    assert [t.batch for t in back.model.tests] == [t.batch for t in original.model.tests]


def test_every_relative_method_and_option_round_trips():
    from engine.loader import load_text

    text = COUNTY.read_text(encoding="utf-8")
    original = load_ruleset(COUNTY)
    assert {i.score.relative.method for i in original.model.relative_indicators()} == {"rank", "best", "mean"}
    varied = load_text(text.replace("ties: shared", "ties: dense, disqualified: include, direction: lower", 1))
    _, back = read_table(_table_bytes(workbook_of(varied.model)))
    assert back.model == varied.model
    [rank] = [i.score.relative for i in back.model.relative_indicators() if i.score.relative.method == "rank"]
    assert (rank.ties, rank.disqualified, rank.direction, rank.step, rank.floor) == (
        "dense",
        "include",
        "lower",
        0.5,
        5,
    )


def test_a_relative_cell_mistake_is_located():
    book = workbook_of(load_ruleset(COUNTY).model)
    sheet = book["指标"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[8].value == "相对评价":
            row[header.index("比较方式")].value = "排名"
            break
    with pytest.raises(TableError) as caught:
        read_table(_table_bytes(book))
    assert any("比较方式" in p and "排名" in p for p in caught.value.problems), caught.value.problems


def test_an_input_taken_from_member_points_round_trips_and_a_bad_cell_is_located():
    from engine.loader import load_text

    declared = 'member_points_rate:       {type: number, title: 党员量化积分管理覆盖率, unit: "%", min: 0, max: 100}'
    derived = VILLAGE_TEXT.replace(
        declared, declared[:-1] + ", from_points: {ruleset: party-member-points, figure: member_points_coverage_pct}}"
    )
    original = load_text(derived)
    book = workbook_of(original.model)
    header = [c.value for c in book["指标"][1]]
    assert header[-1] == "取自党员积分" and "比较方式" not in header
    _, back = read_table(_table_bytes(book))
    assert back.model == original.model
    column = header.index("取自党员积分")
    for row in book["指标"].iter_rows(min_row=2):
        if row[column].value:
            row[column].value = "party-member-points"
    with pytest.raises(TableError) as caught:
        read_table(_table_bytes(book))
    assert any("取自党员积分" in p and "规则集编码: 汇总值" in p for p in caught.value.problems)


def test_a_table_without_extensions_keeps_its_columns():
    book = workbook_of(load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml").model)
    header = [c.value for c in book["指标"][1]]
    assert "比较方式" not in header and "取自党员积分" not in header
    assert [c.value for c in book["测试"][1]] == ["名称", "输入", "预期"]
