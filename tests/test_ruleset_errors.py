"""Every listed ruleset mistake is refused at load time, all at once, with its path."""

import pytest

from engine import RulesetError
from engine.loader import load_text

from .conftest import build, build_from, ruleset_dict


def problems_of(**changes):
    with pytest.raises(RulesetError) as caught:
        build(**changes)
    return caught.value.problems


def indicator(when="x >= 80", **extra):
    return {
        "id": "level",
        "title": "水平",
        "points": 10,
        "score": {"bands": [{"when": when, "points": 10}, {"else": 0}]},
        **extra,
    }


def dims(*indicators):
    return [{"id": "main", "title": "主", "indicators": list(indicators)}]


def test_bad_expression_gives_path_and_column():
    [problem] = problems_of(dimensions=dims(indicator("x >= ")))
    assert problem.path == "dimensions[0].indicators[0].score.bands[0].when"
    assert problem.column == 5


def test_undeclared_name_gives_path_and_column():
    [problem] = problems_of(dimensions=dims(indicator("x >= 1 and income > 5")))
    assert problem.path == "dimensions[0].indicators[0].score.bands[0].when"
    assert "income 未声明" in problem.message
    assert problem.column == 12


def test_choice_compared_with_value_outside_its_choices():
    inputs = {
        "x": {"type": "number", "title": "X"},
        "rating": {"type": "choice", "title": "评价", "choices": ["好", "差"]},
    }
    with pytest.raises(RulesetError) as caught:
        build(
            inputs=inputs,
            dimensions=dims(indicator("rating == '优'")),
            vetoes=[{"id": "v", "title": "否", "when": "rating in ['差', '很差']", "effect": "lowest"}],
        )
    paths = {(p.path, p.column) for p in caught.value.problems}
    assert ("dimensions[0].indicators[0].score.bands[0].when", 11) in paths
    assert ("vetoes[0].when", 17) in paths


def test_duplicate_ids_are_named_with_both_places():
    problems = problems_of(dimensions=dims(indicator(), indicator()))
    assert any(p.path == "dimensions[0].indicators[1].id" and "indicators[0]" in p.message for p in problems)


def test_grades_out_of_order_and_a_last_grade_with_min():
    problems = problems_of(grades=[{"id": "a", "title": "甲", "min": 60}, {"id": "b", "title": "乙", "min": 80}])
    paths = [p.path for p in problems]
    assert "grades[1].min" in paths
    assert "grades[1]" in paths


def test_structural_mistakes_are_all_listed_at_once():
    data = ruleset_dict()
    data["dimensions"][0]["indicators"][0]["score"]["check"] = "flag"  # two methods
    data["dimensions"][0]["indicators"].append({"id": "nopoints", "title": "缺分值", "score": {"check": "flag"}})
    data["grades"][0]["colour"] = "red"
    data.pop("title")
    with pytest.raises(RulesetError) as caught:
        build_from(data)
    paths = {p.path for p in caught.value.problems}
    assert {
        "title",
        "dimensions[0].indicators[0].score",
        "dimensions[0].indicators[1].points",
        "grades[0].colour",
    } <= paths


def test_not_yaml_names_the_line():
    with pytest.raises(RulesetError) as caught:
        load_text("kaoping: 1\nid: [unclosed\n")
    problem = caught.value.problems[0]
    assert (problem.line, problem.line_column) == (2, 5)
    assert "第 2 行第 5 列" in problem.message


def test_reserved_words_cannot_be_ids():
    inputs = {
        "total": {"type": "number", "title": "总"},
        "x": {"type": "number", "title": "X"},
        "flag": {"type": "boolean", "title": "F"},
    }
    problems = problems_of(inputs=inputs)
    assert any(p.path == "inputs.total" for p in problems)


def test_na_comparison_needs_na_allowed_input():
    [problem] = problems_of(dimensions=dims(indicator("x == 'NA'")))
    assert '永远不会是 "NA"' in problem.message


def test_mixed_weights_and_unknown_veto_cap_and_quota_grade():
    data = ruleset_dict()
    data["dimensions"].append(
        {
            "id": "other",
            "title": "其他",
            "weight": 40,
            "indicators": [{"id": "o", "title": "o", "points": 5, "score": {"check": "flag"}}],
        }
    )
    data["vetoes"] = [{"id": "v", "title": "否", "when": "flag", "effect": {"cap": "gold"}}]
    data["quotas"] = [{"grade": "platinum", "max_share": 0.1}]
    with pytest.raises(RulesetError) as caught:
        build_from(data)
    paths = {p.path for p in caught.value.problems}
    assert {"dimensions", "vetoes[0].effect.cap", "quotas[0].grade"} <= paths


def test_a_condition_too_wide_for_the_engine_is_refused_not_crashed():
    wide = " or ".join(f"x == {n}" for n in range(70))
    problems = problems_of(dimensions=dims(indicator(wide)))
    assert "个分支" in problems[0].message


def test_type_errors_in_conditions_and_formulas():
    data = ruleset_dict()
    data["dimensions"][0]["indicators"][0]["score"] = {"formula": "x + '分'"}
    data["vetoes"] = [{"id": "v", "title": "否", "when": "x + 1", "effect": "lowest"}]
    with pytest.raises(RulesetError) as caught:
        build_from(data)
    paths = {p.path for p in caught.value.problems}
    assert {"dimensions[0].indicators[0].score.formula", "vetoes[0].when"} <= paths


def _from_points(**spec):
    source = spec.pop("from_points", {"ruleset": "party-member-points", "figure": "member_points_coverage_pct"})
    return {"x": {"type": "number", "title": "X", **spec, "from_points": source}}


def test_an_input_taken_from_member_points_loads():
    loaded = build(inputs=_from_points())
    assert loaded.model.inputs["x"].from_points.figure == "member_points_coverage_pct"
    counted = build(inputs=_from_points(type="integer", from_points={"ruleset": "p", "figure": "member_count"}))
    assert counted.model.inputs["x"].from_points.ruleset == "p"
    line = build(inputs=_from_points(from_points={"ruleset": "p", "figure": "member_points_qualified_pct"}))
    assert line.model.inputs["x"].from_points.figure == "member_points_qualified_pct"


def test_mistakes_in_from_points_are_refused_with_their_paths():
    [figure] = problems_of(inputs=_from_points(from_points={"ruleset": "p", "figure": "coverage"}))
    assert figure.path == "inputs.x.from_points.figure" and "member_points_coverage_pct" in figure.message
    [kind] = problems_of(inputs=_from_points(type="integer"))
    assert kind.path == "inputs.x.from_points" and "number" in kind.message
    [extra] = problems_of(inputs=_from_points(from_points={"ruleset": "p", "figure": "member_count", "sum": 1}))
    assert extra.path == "inputs.x.from_points.sum"
    [missing] = problems_of(inputs=_from_points(from_points={"figure": "member_count"}))
    assert missing.path == "inputs.x.from_points.ruleset"
    both = {
        "x": {"type": "number", "title": "X"},
        "g": {
            "type": "choice",
            "title": "上期",
            "choices": ["good", "fair"],
            "required": False,
            "previous": "grade",
            "from_points": {"ruleset": "p", "figure": "member_count"},
        },
    }
    paths = {p.path for p in problems_of(inputs=both)}
    assert "inputs.g.from_points" in paths


def test_an_input_is_filled_from_one_source_at_most():
    spec = {
        "type": "integer",
        "title": "X",
        "required": False,
        "from": "rectification_overdue",
        "from_points": {"ruleset": "p", "figure": "member_count"},
    }
    problems = [p for p in problems_of(inputs={"x": spec}) if p.path == "inputs.x"]
    assert [p.message for p in problems] == ["一个输入项只能有一个自动填入来源, 这里同时写了 from、from_points"]


def test_an_events_field_cannot_be_taken_from_member_points():
    from engine.points_loader import load_points_text

    from .conftest import ROOT

    text = (ROOT / "rulesets" / "party-member-points.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "hours: {type: number, title: 服务时长, unit: 小时, min: 0, max: 24}",
        "hours: {type: number, title: 服务时长, min: 0, max: 24, from_points: {ruleset: p, figure: member_count}}",
    )
    with pytest.raises(RulesetError) as caught:
        load_points_text(text)
    [problem] = caught.value.problems
    assert problem.path == "events.kinds[2].fields.hours.from_points"


def test_check_warns_when_a_share_of_members_does_not_fit_the_input():
    from engine.checks import check_ruleset

    narrow = build(inputs=_from_points(min=50, max=100))
    [warning] = [w for w in check_ruleset(narrow.model, 1).warnings if "from_points" in w]
    assert warning.startswith("inputs.x.from_points: member_points_coverage_pct 是 0 至 100 的百分比")
    wide = build(inputs=_from_points(min=0, max=100))
    assert not [w for w in check_ruleset(wide.model, 1).warnings if "from_points" in w]
