import json

from typer.testing import CliRunner

from api.cli import app

from .conftest import ROOT

runner = CliRunner()
VILLAGE = str(ROOT / "rulesets" / "village-branch-stars.yaml")
EXAMPLE = str(ROOT / "examples" / "village-hongqi.json")


def test_score_prints_a_chinese_explanation():
    result = runner.invoke(app, ["score", VILLAGE, EXAMPLE])
    assert result.exit_code == 0, result.output
    assert "总分 88.33" in result.output
    assert "评定结果: 四星" in result.output
    assert "差 1.67 分" in result.output


def test_score_json_is_the_full_result():
    result = runner.invoke(app, ["score", VILLAGE, EXAMPLE, "--json"])
    data = json.loads(result.output)
    assert data["total"] == "88.33"
    assert data["unit"]["name"] == "红旗村"
    assert len(data["indicators"]) == 31


def test_score_json_keeps_input_types_and_one_figure_form():
    data = json.loads(runner.invoke(app, ["score", VILLAGE, EXAMPLE, "--json"]).output)
    assert data["input"]["branch_assemblies"] == 4  # an integer input stays a JSON integer
    assert data["input"]["team_avg_age"] == "46.4"  # a number input is a decimal string
    assert data["dimensions"][1]["contribution"] == "13.925"
    figures = [d[k] for d in data["dimensions"] for k in ("points", "rescaled", "contribution")]
    assert all(not f.endswith(".0") and "E" not in f for f in figures)


def test_score_text_ends_with_one_newline():
    result = runner.invoke(app, ["score", VILLAGE, EXAMPLE])
    assert result.output.endswith("七、提示事项\n  无\n")


def test_score_json_refusal_is_json_with_a_failing_exit(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"branch_assemblies": "many"}', encoding="utf-8")
    result = runner.invoke(app, ["score", VILLAGE, str(bad), "--json"])
    assert result.exit_code == 1
    refusal = json.loads(result.stdout)
    assert refusal["status"] == "refused"
    assert refusal["count"] == len(refusal["problems"])
    first = refusal["problems"][0]
    assert (first["field"], first["code"], first["got"]) == ("branch_assemblies", "invalid_type", '"many"')


def test_score_yaml_submission_and_refusal(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("branch_assemblies: many\n", encoding="utf-8")
    result = runner.invoke(app, ["score", VILLAGE, str(bad)])
    assert result.exit_code == 1
    expected = '[invalid_type] 党员大会召开次数 (branch_assemblies): 应为 0 到 100 之间的整数, 实际为 "many"'
    assert expected in result.output
    assert "[missing] 村集体经济年收入 (collective_income): 必须填写" in result.output


def test_test_command_passes_on_shipped_rulesets():
    result = runner.invoke(app, ["test", str(ROOT / "rulesets")])
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output


def test_test_command_shows_expected_and_actual_and_fails(tmp_path):
    text = (ROOT / "rulesets" / "village-branch-stars.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        text.replace("expect: {total: 97, grade: four", "expect: {total: 96, grade: four"),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["test", str(broken)])
    assert result.exit_code == 1
    assert "total: 应为 96, 实际为 97" in result.output


def test_check_reports_range_and_warnings(tmp_path):
    ruleset = tmp_path / "gappy.yaml"
    ruleset.write_text(
        json.dumps(
            {
                "kaoping": 1,
                "id": "gappy",
                "title": "有缺口",
                "inputs": {"x": {"type": "integer", "title": "X", "min": 0, "max": 100}},
                "dimensions": [
                    {
                        "id": "d",
                        "title": "D",
                        "indicators": [
                            {
                                "id": "i",
                                "title": "I",
                                "points": 10,
                                "score": {
                                    "bands": [
                                        {"when": "x >= 80", "points": 10},
                                        {"when": "x >= 90", "points": 8},
                                        {"when": "x >= 20 and x < 50", "points": 5},
                                    ]
                                },
                            }
                        ],
                    }
                ],
                "grades": [
                    {"id": "top", "title": "顶", "min": 20},
                    {"id": "rest", "title": "其余"},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = runner.invoke(app, ["check", str(ruleset)])
    assert result.exit_code == 0, result.output
    assert "可达到的总分: 0 到 10" in result.output
    assert "bands[1]: 这一档永远达不到" in result.output
    assert "[0, 19], [50, 79]" in result.output
    assert "grades[0]: 顶 需要 20 分" in result.output


def test_check_refuses_a_bad_ruleset_with_paths(tmp_path):
    ruleset = tmp_path / "bad.yaml"
    ruleset.write_text("kaoping: 1\nid: Bad Id\ntitle: x\n", encoding="utf-8")
    result = runner.invoke(app, ["check", str(ruleset)])
    assert result.exit_code == 1
    assert "id:" in result.output and "inputs:" in result.output
