"""Test coverage, boundary cases and the reachable-range analysis `kaoping check` shares."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from engine import load_ruleset
from engine.cases import cases_yaml
from engine.checks import check_ruleset
from engine.coverage import measure
from engine.loader import load_text
from engine.testing import run_tests

from .conftest import ROOT, SCORING_RULESETS, VILLAGE_TEXT

runner = CliRunner()
SHIPPED = SCORING_RULESETS


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_rulesets_exercise_every_band_cap_veto_and_grade(path: Path):
    coverage = measure(load_ruleset(path))
    assert coverage.percent(("bands", "caps", "vetoes", "grades")) == 100
    assert [e.id for e in coverage.elements if not e.exercised] == []


def test_coverage_lists_what_no_test_exercises():
    without = VILLAGE_TEXT.split("  - name: 各分档取中间档")[0]
    coverage = measure(load_text(without))
    missing = {e.id for e in coverage.elements if not e.exercised}
    assert {"themed_days.bands[1]", "income_level.bands[4]", "penalty.overdue", "five.requires[2]"} <= missing
    assert "themed_days.bands[0]" not in missing and "penalty.cap" not in missing
    assert coverage.percent(("caps",)) == 100 and coverage.percent(("bands",)) < 100


def test_cli_coverage_and_min(tmp_path):
    ruleset = tmp_path / "v.yaml"
    ruleset.write_text(VILLAGE_TEXT.split("  - name: 各分档取中间档")[0], encoding="utf-8")
    result = runner.invoke(app, ["test", "--coverage", str(ruleset)])
    assert result.exit_code == 0, result.output
    assert "分档 (bands): 11/27 = 40.7%" in result.output
    assert "分档 themed_days.bands[1]  主题党日: themed_party_days >= 10" in result.output
    result = runner.invoke(app, ["test", "--coverage", "--min", "80", str(ruleset)])
    assert result.exit_code == 1
    assert "village-branch-stars 的测试覆盖率 59.2% 低于要求的 80%" in result.output
    result = runner.invoke(app, ["test", "--coverage", "--min", "100", str(ROOT / "rulesets")])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_generated_cases_paste_into_the_ruleset_and_pass(path: Path):
    loaded = load_ruleset(path)
    text = cases_yaml(loaded)
    assert "未生成" not in text
    pasted = load_text(path.read_text(encoding="utf-8").rstrip("\n") + "\n" + text)
    added = pasted.model.tests[len(loaded.model.tests) :]
    assert len(added) >= 10
    assert all(o.passed for o in run_tests(pasted)), [o.name for o in run_tests(pasted) if not o.passed]


def test_cases_sit_on_band_edges_and_grade_thresholds():
    text = cases_yaml(load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml"))
    for value in (5, 6, 7, 9, 10, 11, 13):  # themed_party_days bands at 6, 10, 12 within 0..100
        assert f"input: {{<<: *cases_base, themed_party_days: {value}}}" in text
    assert "themed_party_days: 12}" not in text  # the base unit's own value is the base case
    for total in ("89.99", "90.00", "90.01", "59.99", "60.00"):
        assert f"expect: {{total: {total}," in text
    assert "name: '边界 扣分项封顶 -10: petition_cases = 5'" in text


def test_cli_cases_writes_a_file(tmp_path):
    out = tmp_path / "cases.yaml"
    result = runner.invoke(app, ["cases", str(ROOT / "rulesets" / "village-cadre-pay.yaml"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output == f"village-cadre-pay: 已写出 {out}\n"
    assert out.read_text(encoding="utf-8").startswith("  # kaoping cases:")


def _one_indicator(bands, input_spec) -> str:
    return json.dumps(
        {
            "kaoping": 1,
            "id": "edge",
            "title": "边界",
            "inputs": {"n": input_spec},
            "dimensions": [
                {
                    "id": "d",
                    "title": "D",
                    "indicators": [{"id": "i", "title": "I", "points": 10, "score": {"bands": bands}}],
                }
            ],
            "grades": [{"id": "top", "title": "顶", "min": 5}, {"id": "rest", "title": "其余"}],
        },
        ensure_ascii=False,
    )


def test_check_warns_of_a_first_band_the_range_excludes_and_counts_only_reachable_points(tmp_path):
    text = _one_indicator(
        [{"when": "n > 10", "points": 10}, {"when": "n >= 5", "points": 2}, {"else": 0}],
        {"type": "integer", "title": "N", "min": 0, "max": 10},
    )
    report = check_ruleset(load_text(text).model, 0)
    assert report.highest_total == 2 and report.lowest_total == 0 and report.range_exact
    assert "dimensions[0].indicators[0].score.bands[0]: 这一档永远达不到" in report.warnings[0]
    assert "grades[0]: 顶 需要 5 分, 但可达到的最高总分是 2" in report.warnings
    path = tmp_path / "edge.json"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["check", str(path)])
    assert "可达到的总分: 0 到 2 (精确)" in result.output


def test_check_says_when_the_range_is_only_a_bound():
    text = _one_indicator(
        [{"when": "n > 3 or n < 1", "points": 10}, {"else": 1}], {"type": "number", "title": "N", "min": 0, "max": 5}
    )
    report = check_ruleset(load_text(text).model, 0)
    assert (report.lowest_total, report.highest_total) == (1, 10)
    assert not report.range_exact and report.range_reasons == ["部分指标或条件的形式无法精确分析"]
