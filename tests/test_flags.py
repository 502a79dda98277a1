"""Flags (extension) and text/boolean outputs: refused mistakes with their paths, what a
raised flag records, its explanation, embedded tests, coverage and `kaoping check`."""

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import RulesetError, score
from engine.checks import check_ruleset
from engine.coverage import measure
from engine.diff import diff_rulesets
from engine.explain import explain_text
from engine.testing import run_tests

from .conftest import build, ruleset_dict

VETO = {"id": "cheat", "title": "弄虚作假", "when": "flag", "effect": "lowest"}
OUTPUTS = {
    "verdict": {"title": "评语", "type": "text", "formula": "'优秀' if total >= 8 else '一般'"},
    "praised": {"title": "通报表扬", "type": "boolean", "formula": "verdict == '优秀' and grade == 'good'"},
    "bonus": {"title": "奖金", "formula": "100 if praised else 0"},
}
FLAGS = [
    {"id": "weak", "title": "水平偏低", "when": "x < 60", "severity": "notice"},
    {"id": "watch", "title": "重点关注", "when": "vetoed and cheat", "severity": "warning", "advice": "跟踪整改"},
    {"id": "odd", "title": "评语与表扬不符", "when": "verdict == '优秀' and not praised"},
]


def flagged(**changes):
    return build(**{"vetoes": [VETO], "outputs": OUTPUTS, "flags": FLAGS, **changes})


def problems(**changes):
    with pytest.raises(RulesetError) as caught:
        flagged(**changes)
    return [(p.path, p.message) for p in caught.value.problems]


def test_text_and_boolean_outputs_flow_into_later_outputs():
    result = score(flagged(), {"x": 85, "flag": False})
    outputs = {o.id: o for o in result.outputs}
    assert outputs["verdict"].answer == "优秀" and outputs["verdict"].value is None
    assert outputs["praised"].answer is True and outputs["bonus"].exact == Decimal(100)
    data = json.loads(result.model_dump_json())
    assert data["outputs"][0] == {
        "id": "verdict", "title": "评语", "value": None, "exact": None, "type": "text", "answer": "优秀"
    }  # fmt: skip
    assert data["outputs"][2] == {"id": "bonus", "title": "奖金", "value": "100", "exact": "100"}


def test_a_raised_flag_records_its_condition_and_the_values_it_read():
    result = score(flagged(), {"x": 85, "flag": True})
    assert [f.id for f in result.raised_flags] == ["watch", "odd"]
    watch = result.raised_flags[0]
    assert (watch.severity, watch.advice, watch.condition) == ("warning", "跟踪整改", "vetoed and cheat")
    assert watch.values == {"cheat": True, "vetoed": True}
    assert result.raised_flags[1].values == {"praised": False, "verdict": "优秀"}  # graded ok by the veto
    assert [f.id for f in score(flagged(), {"x": 50, "flag": False}).raised_flags] == ["weak"]
    assert score(flagged(), {"x": 85, "flag": False}).raised_flags == []


def test_a_ruleset_without_flags_writes_its_result_as_before():
    data = json.loads(score(build(), {"x": 85, "flag": False}).model_dump_json())
    assert "raised_flags" not in data and "filled_inputs" not in data
    assert list(data)[-2:] == ["flags", "engine"]


def test_the_explanation_lists_raised_flags_and_typed_outputs():
    ruleset = flagged()
    text = explain_text(score(ruleset, {"x": 85, "flag": True}), wording=ruleset.compiled.wording)
    assert "评语: 优秀" in text and "通报表扬: 否" in text
    assert "提示事项" in text
    assert "[警示] 重点关注 [watch]: 有否决项 and 弄虚作假 成立 (弄虚作假 = True, 有否决项 = True)" in text
    assert "    建议: 跟踪整改" in text
    quiet = explain_text(score(ruleset, {"x": 85, "flag": False}), wording=ruleset.compiled.wording)
    assert quiet.rstrip().endswith("提示事项\n  无")


@pytest.mark.parametrize(
    "changes, path, words",
    [
        ({"flags": [{"id": "a", "title": "甲", "when": "level_x > 1"}]}, "flags[0].when", "level_x 未声明"),
        ({"flags": [{"id": "a", "title": "甲", "when": "x + 1"}]}, "flags[0].when", "应为条件"),
        ({"flags": [FLAGS[0], FLAGS[0]]}, "flags[1].id", "weak"),
        (
            {"flags": [{"id": "a", "title": "甲", "when": "grade == 'best'"}]},
            "flags[0].when",
            "best",
        ),
        (
            {"outputs": {"ok": {"title": "合格", "type": "boolean", "formula": "total * 2"}}},
            "outputs.ok.formula",
            "条件",
        ),
        (
            {"outputs": {"say": {"title": "评语", "type": "text", "formula": "total"}}},
            "outputs.say.formula",
            "应得出文本",
        ),
    ],
)
def test_mistakes_are_refused_with_their_paths(changes, path, words):
    found = problems(**changes)
    assert any(p == path and words in m for p, m in found), found


def test_a_flag_with_an_unknown_severity_is_refused_at_its_path():
    found = problems(flags=[{"id": "a", "title": "甲", "when": "flag", "severity": "loud"}])
    assert [p for p, _ in found] == ["flags[0].severity"]


@pytest.mark.parametrize(
    "spec, words",
    [
        ({"type": "text", "title": "上期", "required": False, "previous": "grade"}, "choices 恰为"),
        ({"type": "choice", "title": "上期", "choices": ["good"], "required": False, "previous": "grade"}, "good、ok"),
        ({"type": "choice", "title": "上期", "choices": ["good", "ok"], "previous": "grade"}, "required: false"),
    ],
)
def test_a_previous_grade_input_is_an_optional_choice_of_the_grades(spec, words):
    found = problems(inputs={**ruleset_dict()["inputs"], "before": spec})
    assert any(p == "inputs.before.previous" and words in m for p, m in found), found


def test_expected_flags_and_typed_outputs_in_embedded_tests():
    tests = [
        {"name": "好", "input": {"x": 85, "flag": False}, "expect": {"outputs": {"verdict": "优秀", "praised": True}}},
        {"name": "差", "input": {"x": 50, "flag": False}, "expect": {"flags": ["weak"], "outputs": {"praised": False}}},
        {"name": "错", "input": {"x": 50, "flag": True}, "expect": {"flags": ["weak"], "outputs": {"verdict": "优秀"}}},
    ]
    outcomes = run_tests(flagged(tests=tests))
    assert [o.passed for o in outcomes] == [True, True, False]
    assert {(m.what, m.expected, m.actual) for m in outcomes[2].mismatches} == {
        ("flags", "['weak']", "['watch', 'weak']"),
        ("outputs.verdict", "优秀", "一般"),
    }
    coverage = {e.id: e.exercised_by for e in measure(flagged(tests=tests)).of("flags")}
    assert coverage == {"weak": ["差", "错"], "watch": ["错"], "odd": []}


def test_expectations_of_the_wrong_type_or_unknown_flags_are_refused():
    tests = [{"name": "t", "input": {"x": 1, "flag": False}, "expect": {"outputs": {"praised": 1}, "flags": ["wek"]}}]
    found = problems(tests=tests)
    assert any(p == "tests[0].expect.outputs.praised" for p, _ in found), found
    assert any(p == "tests[0].expect.flags" and "wek" in m for p, m in found), found


@pytest.mark.parametrize(
    "when, warning",
    [
        ("true", "对每个单位都会提出"),
        ("false", "永远不会提出"),
        ("x > 100", "永远不会提出"),
        ("x >= 0", "对每个单位都会提出"),
        ("total > 10", "永远不会提出"),
        ("total >= 0 and total <= 10", "对每个单位都会提出"),
        ("grade == 'good' and grade == 'ok'", "永远不会提出"),
    ],
)
def test_check_warns_of_flags_never_or_always_raised(when, warning):
    ruleset = build(flags=[{"id": "f", "title": "甲", "when": when}]).model
    report = check_ruleset(ruleset, 0)
    assert [w for w in report.warnings if w.startswith("flags[0].when")] == [
        next(w for w in report.warnings if warning in w)
    ]


@pytest.mark.parametrize("when", ["x > 50", "flag", "grade == 'good'", "total >= 8"])
def test_check_is_quiet_about_flags_that_may_go_either_way(when):
    ruleset = build(flags=[{"id": "f", "title": "甲", "when": when}]).model
    assert check_ruleset(ruleset, 0).warnings == []


def test_check_names_an_unreachable_grade():
    grades = [{"id": "good", "title": "好", "min": 11}, {"id": "ok", "title": "一般"}]
    ruleset = build(grades=grades, flags=[{"id": "f", "title": "甲", "when": "grade == 'good'"}]).model
    assert any(w.startswith("flags[0].when") and "good" in w for w in check_ruleset(ruleset, 0).warnings)


@settings(max_examples=60, deadline=None)
@given(x=st.integers(0, 100), threshold=st.integers(0, 100), cheat=st.booleans())
def test_a_flag_is_raised_exactly_when_its_condition_holds(x, threshold, cheat):
    flags = [{"id": "low", "title": "低", "when": f"x < {threshold} or (vetoed and total < {threshold})"}]
    result = score(build(vetoes=[VETO], flags=flags), {"x": x, "flag": cheat})
    holds = x < threshold or (cheat and result.total < threshold)
    assert [f.id for f in result.raised_flags] == (["low"] if holds else [])


def test_a_changed_flag_is_listed_among_a_versions_changes():
    before = flagged().model
    after = flagged(flags=[{**FLAGS[0], "when": "x < 50"}, FLAGS[1]]).model
    changes = {(c.element, c.id, c.change) for c in diff_rulesets(before, after).changes}
    assert {("flag", "weak", "changed"), ("flag", "odd", "removed")} <= changes
