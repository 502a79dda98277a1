"""Every message a submitter or editor can trigger, in Chinese with the titles they know,
and in English on request, from one catalogue."""

import re
import string

import pytest

from engine import InputError, RulesetError, load_ruleset, score
from engine.messages import CATALOGUE, speaking

from .conftest import build, ruleset_dict, village_submission

CJK = re.compile(r"[\u4e00-\u9fff]")
INTERNAL = re.compile(
    r"pydantic|Value error|Input should|InputSpec|Band\b|Indicator\b|Element|function-after|literal\["
)


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_catalogue_message_has_both_languages_with_the_same_blanks():
    for key, texts in CATALOGUE.items():
        assert set(texts) == {"zh", "en"}, key
        assert fields(texts["zh"]) == fields(texts["en"]), key
        assert CJK.search(texts["zh"]), key
        assert not CJK.search(texts["en"]), key


RULESET = ruleset_dict(
    inputs={
        "x": {"type": "number", "title": "得分率", "min": 0, "max": 100},
        "n": {"type": "integer", "title": "次数", "min": 0},
        "flag": {"type": "boolean", "title": "达标"},
        "rating": {"type": "choice", "title": "评价", "choices": ["好", "差"]},
        "part": {"type": "number", "title": "分项", "na_allowed": True},
    },
    consistency=[{"title": "次数与达标矛盾", "must": "not (n > 5 and not flag)"}],
)
GOOD = {"x": 50, "n": 1, "flag": True, "rating": "好", "part": 1}

# (code, the submission's changes, the field named, words of the message)
INPUT_CASES = [
    ("missing", {"x": None}, "x", "得分率 (x): 必须填写"),
    ("invalid_type", {"n": 1.5}, "n", "次数 (n): 应为 不小于 0 的整数, 实际为 1.5"),
    ("invalid_type", {"flag": "是"}, "flag", '达标 (flag): 应为 是或否 (true/false), 实际为 "是"'),
    ("out_of_range", {"x": 120}, "x", "得分率 (x): 应为 0 到 100 之间的数, 实际为 120"),
    ("not_a_choice", {"rating": "优"}, "rating", '评价 (rating): 应为 以下之一: 好、差, 实际为 "优"'),
    ("na_not_allowed", {"x": "NA"}, "x", '得分率 (x): 不能填 "NA"'),
    ("invalid_type", {"x": 1e-16}, "x", "得分率 (x): 数 1e-16 无法精确计算: 小数位为 16 位"),
    ("unknown_input", {"extra": 1}, "extra", "extra 不是本规则集的输入项"),
    ("inconsistent", {"n": 6, "flag": False}, "n", "次数与达标矛盾: 数据前后矛盾"),
]


@pytest.mark.parametrize(("code", "changes", "field", "words"), INPUT_CASES)
def test_each_input_problem_is_chinese_with_title_id_expected_and_given(code, changes, field, words):
    ruleset = build(**{k: v for k, v in RULESET.items() if k in ("inputs", "consistency")})
    data = {k: v for k, v in {**GOOD, **changes}.items() if v is not None}
    with pytest.raises(InputError) as refused:
        score(ruleset, data)
    [problem] = [p for p in refused.value.problems if p.field == field]
    assert problem.code == code
    assert words in problem.message, problem.message
    with speaking("en"), pytest.raises(InputError) as in_english:
        score(ruleset, data)
    [english] = [p for p in in_english.value.problems if p.field == field]
    assert english.code == code and field in english.message
    # only what the ruleset and the submission wrote (titles, choices, values) stays Chinese
    assert not CJK.search(re.sub(r"'[^']*'|\"[^\"]*\"|\S*[\u4e00-\u9fff]\S*", "", english.message)) or code in (
        "inconsistent",
    )
    assert english.message != problem.message


def test_all_na_and_undefined_name_the_element():
    ruleset = build(
        inputs={"a": {"type": "number", "title": "甲", "na_allowed": True}, "b": {"type": "number", "title": "乙"}},
        dimensions=[
            {
                "id": "main",
                "title": "主维度",
                "indicators": [
                    {"id": "i", "title": "指标", "points": 10, "score": {"formula": "a / b"}},
                ],
            }
        ],
    )
    with pytest.raises(InputError) as refused:
        score(ruleset, {"a": "NA", "b": 1})
    assert refused.value.problems[0].code == "all_na"
    assert "主维度 (main): 全部指标都不适用" in refused.value.problems[0].message
    with pytest.raises(InputError) as undefined:
        score(ruleset, {"a": 1, "b": 0})
    assert undefined.value.problems[0].code == "undefined"
    assert "除以零" in undefined.value.problems[0].message


def test_a_misspelled_field_is_one_problem_naming_the_input_meant(village):
    data = village_submission()["data"]
    data["collective_incme"] = data.pop("collective_income")
    with pytest.raises(InputError) as refused:
        score(village, data)
    [problem] = refused.value.problems
    assert problem.code == "unknown_input" and problem.suggestion == "collective_income"
    assert "是否指 村集体经济年收入 (collective_income)?" in problem.message


def bad(**changes) -> str:
    import json

    return json.dumps(ruleset_dict(**changes), ensure_ascii=False)


# a broken ruleset for each kind of problem: (text, the path, words of the message)
RULESET_CASES = [
    ("kaoping: 1\nid: [x\n", "ruleset", "不是有效的 YAML 或 JSON (第 2 行第 5 列)"),
    ("kaoping: 1\nid: t\nid: u\n", "ruleset", "键 'id' 出现了不止一次"),
    (bad(title=None), "title", "应为文本"),
    (
        bad(inputs={"x": {"type": "numbr", "title": "X"}}),
        "inputs.x.type",
        "应为 'number'、'integer'、'boolean'、'choice' 或 'text'",
    ),
    (bad(inputs={"x": {"type": "number", "title": "X", "maxx": 5}}), "inputs.x.maxx", "是否指 max?"),
    (bad(inputs={"x": {"type": "number", "title": "X", "min": "0"}}), "inputs.x.min", "带引号的文本"),
    (bad(inputs={"x": {"type": "choice", "title": "X"}}), "inputs.x", "需要非空的 choices 列表"),
    (bad(inputs={"x": {"type": "number", "title": "X", "min": 5, "max": 1}}), "inputs.x", "min 5 大于 max 1"),
    (bad(precision=20), "precision", "应不大于 8"),
    (
        bad(grades=[{"id": "a", "title": "好", "min": 50}, {"id": "b", "title": "差", "min": 60}]),
        "grades[1].min",
        "从高到低",
    ),
    (bad(grades=[{"id": "a", "title": "好", "min": 50}]), "grades[0]", "最后一个等次"),
    (bad(vetoes=[{"id": "v", "title": "否", "when": "flag", "effect": {"cap": "godo"}}]), "effect.cap", "是否指 good?"),
    (bad(quotas=[{"grade": "good", "max_share": 2}]), "max_share", "0 到 1 之间的数"),
    (bad(consistency=[{"title": "矛盾", "must": "xx > 1"}]), "consistency[0].must", "xx 未声明"),
    (bad(consistency=[{"title": "矛盾", "must": "x +"}]), "consistency[0].must", "表达式无法解析"),
    (bad(consistency=[{"title": "矛盾", "must": "x"}]), "consistency[0].must", "应为条件"),
    (bad(consistency=[{"title": "矛盾", "must": "fn(x) > 1"}]), "consistency[0].must", "fn 不是可用的函数"),
    (bad(consistency=[{"title": "矛盾", "must": "x == 'NA'"}]), "consistency[0].must", '永远不会是 "NA"'),
]


@pytest.mark.parametrize(("text", "path", "words"), RULESET_CASES)
def test_each_ruleset_problem_kind_is_chinese_placed_and_free_of_internals(text, path, words):
    with pytest.raises(RulesetError) as refused:
        load_ruleset(text)
    found = [p for p in refused.value.problems if path in p.path]
    assert found, refused.value.problems
    assert any(words in p.message for p in found), [p.message for p in found]
    for problem in refused.value.problems:
        assert CJK.search(problem.message), problem.message
        assert not INTERNAL.search(problem.message), problem.message
        assert problem.line is not None, problem
    with speaking("en"), pytest.raises(RulesetError) as in_english:
        load_ruleset(text)
    for problem in in_english.value.problems:
        assert not CJK.search(re.sub(r"'[^']*'|\"[^\"]*\"", "", problem.message)), problem.message


def test_the_weight_rule_names_the_dimensions():
    dimensions = ruleset_dict()["dimensions"] + [
        {
            "id": "other",
            "title": "另一维度",
            "weight": 10,
            "indicators": [{"id": "o", "title": "o", "points": 1, "score": {"check": "flag"}}],
        }
    ]
    with pytest.raises(RulesetError) as refused:
        load_ruleset(bad(dimensions=dimensions))
    [problem] = refused.value.problems
    assert "有 weight 的: other; 没有的: main" in problem.message


def test_the_service_answers_in_chinese_and_in_english_on_request(village_service):
    body = village_submission(team_avg_age=120)
    path = "/rulesets/village-branch-stars/scores"
    chinese = village_service.call("POST", path, "submitter", json=body).json()
    assert chinese["title"] == "提交的数据被拒绝" and chinese["detail"] == "共 1 个问题"
    assert chinese["errors"][0]["message"] == '村"两委"班子平均年龄 (team_avg_age): 应为 18 到 80 之间的数, 实际为 120'
    assert chinese["errors"][0]["title"] == '村"两委"班子平均年龄'
    english = village_service.call("POST", path, "submitter", json=body, headers={"Accept-Language": "en-US,en"})
    problem = english.json()
    assert problem["title"] == "Submission refused"
    assert "must be a number from 18 to 80, got 120" in problem["errors"][0]["message"]
    yaml = {"Content-Type": "application/yaml"}
    refused = village_service.call("POST", "/rulesets", "editor", content=b"kaoping: 1\nid: [x\n", headers=yaml)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["line"] == 2 and "第 2 行" in refused.json()["errors"][0]["message"]


def test_every_problem_title_the_service_uses_is_in_the_catalogue():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "api"
    used = set()
    for path in root.rglob("*.py"):
        used |= set(re.findall(r"ApiProblem\(\s*\d{3},\s*\"([A-Za-z][^\"]*)\"", path.read_text(encoding="utf-8")))
    assert used, "the scan found no titles"
    missing = sorted(title for title in used if f"problem.{title}" not in CATALOGUE)
    assert not missing, missing


def test_problem_titles_are_chinese_and_english_on_request(village_service):
    chinese = village_service.call("GET", "/rulesets/nothing-here", "auditor")
    assert chinese.status_code == 404 and chinese.json()["title"] == "没有这个规则集"
    assert "nothing-here" in chinese.json()["detail"] and CJK.search(chinese.json()["detail"])
    english = village_service.call("GET", "/rulesets/nothing-here", "auditor", headers={"Accept-Language": "en"})
    assert english.json()["title"] == "Unknown ruleset"
