"""The Excel and CSV reports: formats by meaning, text kept text, the ranking rule."""

import csv
import json
from decimal import Decimal

from openpyxl import load_workbook

from engine import load_ruleset
from engine.batch import run_batch
from engine.pool import UnitRow
from engine.result import UnitRef
from engine.tabular import write_results

from .conftest import ROOT

EXAMPLE = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))["data"]
TEXT = (ROOT / "rulesets" / "village-branch-stars.yaml").read_text(encoding="utf-8")
# the village ruleset without its quotas (three units would leave no room for a 四星)
UNQUOTED = load_ruleset(
    TEXT.replace("  - {grade: five, max_share: 0.10", "  - {grade: five, max_share: 1").replace(
        "  - {grade: four, max_share: 0.20", "  - {grade: four, max_share: 1"
    )
)


def _report(ruleset, units, **read_errors):
    rows = [UnitRow(n, UnitRef(id=unit_id, name=name, parent="城关镇"), data) for n, (unit_id, name, data) in units]
    return run_batch(ruleset, rows, workers=1, **read_errors)


def _units():
    vetoed = dict(EXAMPLE, falsified_data=True)  # disqualified, whatever its points
    perfect_but_capped = dict(EXAMPLE, assistance_rating="差")
    bad = dict(EXAMPLE, branch_assemblies="很多")
    return [
        (2, ("v1", '=HYPERLINK("http://x")', vetoed)),
        (3, ("v2", "红旗村", EXAMPLE)),
        (4, ("v3", "+东风村", perfect_but_capped)),
        (5, ("v4", "坏数据村", bad)),
    ]


def test_excel_report_formats_freezes_filters_and_fits_chinese(tmp_path):
    village = UNQUOTED
    report = _report(village, _units())
    path = tmp_path / "report.xlsx"
    write_results(report, path)
    workbook = load_workbook(path)
    assert workbook.sheetnames == ["结果", "错误", "汇总", "指标明细"]
    results = workbook["结果"]
    header = [c.value for c in results[1]]
    assert (
        results.freeze_panes == "A2" and results.auto_filter.ref == f"A1:{results.cell(1, len(header)).column_letter}4"
    )
    column = {title: index + 1 for index, title in enumerate(header)}
    row = {results.cell(r, column["单位编码"]).value: r for r in range(2, results.max_row + 1)}
    hongqi = row["v2"]
    assert results.cell(hongqi, column["总分"]).number_format == "0.00"
    assert results.cell(hongqi, column["班子队伍"]).number_format == "0.00##"
    assert results.cell(hongqi, column["班子队伍"]).value == 13.925
    assert results.cell(hongqi, column["总分(舍入前)"]).value == 88.325
    assert results.cell(hongqi, column["等次"]).value == "四星"
    dims = [results.cell(hongqi, column[d.title]).value for d in village.model.dimensions]
    assert round(sum(dims), 6) == results.cell(hongqi, column["基础分合计"]).value  # the parts add up
    name = results.cell(row["v1"], column["单位名称"])
    assert name.data_type == "s" and name.value == '=HYPERLINK("http://x")'  # text, never a formula
    widths = results.column_dimensions
    assert widths[results.cell(1, column["总分(舍入前)"]).column_letter].width >= 14  # 6 CJK chars count double
    errors = workbook["错误"]
    assert [c.value for c in errors[1]] == ["行号", "单位编码", "列", "给定值", "问题代码", "说明"]
    assert [c.value for c in errors[2]][:5] == [5, "v4", "党员大会召开次数", '"很多"', "invalid_type"]
    summary = workbook["汇总"]
    shares = [summary.cell(r, 3) for r in range(6, 6 + len(village.model.grades) + 1)]
    assert all(c.number_format == "0.0%" for c in shares)
    assert summary.cell(2, 2).value.startswith("依次按等次、总分排名")
    details = workbook["指标明细"]
    assert details.freeze_panes == "A2" and details.max_row == 1 + 3 * 31
    assert [c.value for c in details[1]] == ["行号", "单位编码", "单位名称", "维度", "指标", "得分", "满分", "说明"]


def test_ranking_is_by_grade_then_total_and_a_disqualified_unit_is_unranked():
    report = _report(UNQUOTED, _units())
    ranks = {u.scored.unit.id: u.rank for u in report.units}
    assert ranks == {"v1": None, "v2": 1, "v3": 2}  # v3 has the same points, but a capped grade
    assert report.summary["ranking"] == {
        "by": ["grade", "total"],
        "disqualified": "unranked",
        "rule": "依次按等次、总分排名 (等次高者在前, 总分高者在前, 相同者并列); 取消评定资格的单位不排名",
    }


def test_a_ruleset_may_rank_by_total_and_put_disqualified_units_last():
    ruleset = load_ruleset(
        UNQUOTED.text.replace("\ntests:\n", "\nranking: {by: [total], disqualified: last}\ntests:\n")
    )
    ranks = {u.scored.unit.id: u.rank for u in _report(ruleset, _units()).units}
    assert ranks == {"v2": 1, "v3": 1, "v1": 3}


def test_csv_report_has_every_row_in_order_and_no_cell_a_spreadsheet_would_run(tmp_path):
    report = _report(UNQUOTED, _units())
    write_results(report, tmp_path / "out.csv")
    lines = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    header, rows = lines[0], lines[1:]
    assert [r[0] for r in rows] == ["2", "3", "4", "5"]
    by_id = {r[header.index("单位编码")]: r for r in rows}
    assert by_id["v1"][header.index("单位名称")] == '\'=HYPERLINK("http://x")'
    assert by_id["v3"][header.index("单位名称")] == "'+东风村"
    assert by_id["v2"][header.index("总分(舍入前)")] == "88.325" and by_id["v2"][header.index("总分")] == "88.33"
    error = by_id["v4"]
    assert error[header.index("状态")] == "错误" and error[header.index("列")] == "党员大会召开次数"
    assert error[header.index("给定值")] == '"很多"'
    summary = json.loads((tmp_path / "out.summary.json").read_text(encoding="utf-8"))
    shares = [Decimal(g["share"]) if "/" not in g["share"] else g["share"] for g in summary["grades"]]
    assert "1/3" in shares and all(len(str(s)) < 12 for s in shares)  # exact, never 28 digits


def test_raised_flags_have_a_column_and_are_counted_in_the_summary(tmp_path):
    report = _report(UNQUOTED, _units())
    assert report.summary["flags"] == [
        {"flag": "adjust_team", "title": "建议调整班子", "severity": "warning", "count": 0},
        {"flag": "close_watch", "title": "重点关注", "severity": "attention", "count": 2},
        {"flag": "satisfaction_low", "title": "群众满意度偏低", "severity": "notice", "count": 0},
    ]
    path = tmp_path / "report.xlsx"
    write_results(report, path)
    workbook = load_workbook(path)
    results = workbook["结果"]
    header = [c.value for c in results[1]]
    assert header[-2:] == ["标记", "提示事项"]
    unit = header.index("单位编码") + 1
    raised = {results.cell(r, unit).value: results.cell(r, len(header)).value for r in range(2, results.max_row + 1)}
    assert raised == {"v1": "重点关注", "v2": None, "v3": "重点关注"}
    summary = [[c.value for c in row][:2] for row in workbook["汇总"].iter_rows()]
    at = summary.index(["提示事项", "单位数"])
    assert summary[at + 1 : at + 4] == [["建议调整班子", 0], ["重点关注", 2], ["群众满意度偏低", 0]]


def test_a_ruleset_without_flags_keeps_its_report_and_summary_as_before():
    plain = load_ruleset(TEXT[: TEXT.index("flags:\n")] + TEXT[TEXT.index("quotas:\n") : TEXT.index("tests:\n")])
    report = _report(plain, _units())
    assert "flags" not in report.summary
    assert all("raised_flags" not in unit.scored.json for unit in report.units)
