"""The arithmetic of a score, each rule of the format checked on small rulesets."""

from decimal import Decimal
from fractions import Fraction

import pytest

from engine import InputError, score

from .conftest import build, build_from, ruleset_dict

D = Decimal


def one_indicator(score_spec, points=10, inputs=None, **changes):
    data = ruleset_dict(**changes)
    if inputs:
        data["inputs"].update(inputs)
    data["dimensions"][0]["indicators"] = [{"id": "i", "title": "指标", "points": points, "score": score_spec}]
    return build_from(data)


def points_of(ruleset, **data):
    data.setdefault("x", 50)
    data.setdefault("flag", False)
    return score(ruleset, data).indicator("i").points


@pytest.mark.parametrize("x, expected", [(0, 0), (60, 0), (70, 5), (80, 10), (100, 10)])
def test_linear_higher_is_better(x, expected):
    rs = one_indicator({"linear": {"of": "x", "zero_at": 60, "full_at": 80}})
    assert points_of(rs, x=x) == expected


@pytest.mark.parametrize("x, expected", [(10, 10), (20, 5), (30, 0), (50, 0)])
def test_linear_lower_is_better(x, expected):
    rs = one_indicator({"linear": {"of": "x", "zero_at": 30, "full_at": 10}})
    assert points_of(rs, x=x) == expected


@pytest.mark.parametrize(
    "spec, x, expected",
    [
        ({"of": "x", "points": 2}, 3, 4),
        ({"of": "x", "points": 2}, 7, 0),  # 扣完为止
        ({"of": "x", "points": 2}, D("2.5"), 5),  # without step the amount itself counts
        ({"of": "x", "below": 4, "points": 1}, 1, 7),
        ({"of": "x", "below": 4, "points": 1}, 9, 10),
        ({"of": "x", "above": 45, "points": 1}, D("47.5"), D("7.5")),
        ({"of": "x", "below": 100, "step": D("0.1"), "points": 1}, D("99.75"), 8),  # 2 whole steps
        ({"of": "x", "below": 100, "step": D("0.1"), "points": 1}, D("99.8"), 8),
    ],
)
def test_deduct(spec, x, expected):
    rs = one_indicator({"deduct": spec})
    assert points_of(rs, x=x) == expected


@pytest.mark.parametrize(
    "spec, x, expected",
    [
        ({"of": "x", "points": 3}, 2, 6),
        ({"of": "x", "points": 3}, 9, 10),  # at most full points
        ({"of": "x", "above": 90, "step": 2, "points": 1}, 95, 2),
    ],
)
def test_award(spec, x, expected):
    rs = one_indicator({"award": spec})
    assert points_of(rs, x=x) == expected


@pytest.mark.parametrize("x, expected", [(3, 6), (8, 10), (0, 0)])
def test_formula_is_clamped(x, expected):
    rs = one_indicator({"formula": "x * 2 - 0"})
    assert points_of(rs, x=x) == expected


def test_bands_take_the_first_that_holds_and_else():
    rs = build()
    assert score(rs, {"x": 90, "flag": False}).indicator("level").points == 10
    result = score(rs, {"x": 65, "flag": False})
    assert result.indicator("level").band == 1
    assert result.indicator("level").rule.values == {"x": "65"}
    assert score(rs, {"x": 10, "flag": False}).indicator("level").band == 2


def test_bands_without_else_give_zero():
    rs = one_indicator({"bands": [{"when": "x > 50", "points": 10}]})
    assert points_of(rs, x=40) == 0


def test_check():
    rs = one_indicator({"check": "flag and x >= 50"})
    assert points_of(rs, flag=True, x=50) == 10
    assert points_of(rs, flag=True, x=49) == 0


def test_not_applicable_indicator_rescales_its_dimension():
    data = ruleset_dict()
    data["inputs"]["rate"] = {"type": "number", "title": "率", "na_allowed": True}
    data["dimensions"][0]["indicators"] = [
        {"id": "a", "title": "甲", "points": 6, "score": {"check": "flag"}},
        {"id": "b", "title": "乙", "points": 3, "score": {"formula": "x / 10"}},
        {
            "id": "c",
            "title": "丙",
            "points": 1,
            "score": {"linear": {"of": "rate", "zero_at": 0, "full_at": 1}},
        },
    ]
    rs = build_from(data)
    result = score(rs, {"x": 20, "flag": True, "rate": "NA"})
    dim = result.dimension("main")
    assert result.indicator("c").status == "na"
    assert dim.na_indicators == ["c"]
    assert dim.points == 8
    assert dim.contribution == Fraction(80, 9)  # carried exactly, never cut to 40 digits
    assert result.total == D("8.89")
    with pytest.raises(InputError) as caught:
        score(
            build_from(
                {
                    **data,
                    "dimensions": [
                        {
                            **data["dimensions"][0],
                            "indicators": data["dimensions"][0]["indicators"][2:],
                        }
                    ],
                }
            ),
            {"x": 1, "flag": True, "rate": "NA"},
        )
    assert caught.value.problems[0].code == "all_na"


def test_weighted_dimensions():
    data = ruleset_dict()
    data["dimensions"][0]["weight"] = 60
    data["dimensions"].append(
        {
            "id": "second",
            "title": "乙",
            "weight": 40,
            "indicators": [{"id": "s", "title": "s", "points": 20, "score": {"check": "flag"}}],
        }
    )
    rs = build_from(data)
    result = score(rs, {"x": 65, "flag": True})
    assert result.dimension("main").contribution == 36  # 60 * 6 / 10
    assert result.dimension("second").contribution == 40
    assert result.total == 76


def test_class_weights_extension():
    data = ruleset_dict()
    data["inputs"]["region"] = {"type": "choice", "title": "类别", "choices": ["A", "B"]}
    data["dimensions"][0]["weight"] = {"by": "region", "values": {"A": 30, "B": 50}}
    data["dimensions"].append(
        {
            "id": "second",
            "title": "乙",
            "weight": {"by": "region", "values": {"A": 70, "B": 50}},
            "indicators": [{"id": "s", "title": "s", "points": 20, "score": {"check": "flag"}}],
        }
    )
    rs = build_from(data)
    assert score(rs, {"x": 90, "flag": False, "region": "A"}).total == 30
    assert score(rs, {"x": 90, "flag": False, "region": "B"}).total == 50


def test_adjustment_caps_and_never_below_zero():
    data = ruleset_dict()
    data["inputs"]["awards"] = {"type": "integer", "title": "奖", "min": 0}
    data["inputs"]["faults"] = {"type": "integer", "title": "错", "min": 0}
    data["adjustments"] = [
        {
            "id": "bonus",
            "title": "加分",
            "cap": 3,
            "items": [
                {"id": "a", "title": "奖", "per": "awards", "points": 2},
                {"id": "f", "title": "标", "when": "flag", "points": 1},
            ],
        },
        {
            "id": "penalty",
            "title": "扣分",
            "cap": -5,
            "items": [{"id": "p", "title": "错", "per": "faults", "points": -4}],
        },
    ]
    rs = build_from(data)
    result = score(rs, {"x": 90, "flag": True, "awards": 2, "faults": 1})
    bonus, penalty = result.adjustments
    assert (bonus.raw, bonus.applied, bonus.capped) == (5, 3, True)
    assert (penalty.raw, penalty.applied, penalty.capped) == (-4, -4, False)
    assert result.total == 9
    floor = score(rs, {"x": 0, "flag": False, "awards": 0, "faults": 3})
    assert floor.adjustments[1].applied == -5
    assert floor.total == 0


def test_total_rounds_half_up_once_at_the_end():
    rs = one_indicator(
        {"formula": "x"},
        points=100,
        inputs={"x": {"type": "number", "title": "X"}},
        grades=[{"id": "top", "title": "优", "min": 90}, {"id": "rest", "title": "其他"}],
    )
    result = score(rs, {"x": D("89.995"), "flag": False})
    assert result.total == D("90.00")
    assert result.total_exact == D("89.995")
    assert result.grade.id == "top"  # decided on the rounded total
    assert score(rs, {"x": 89.994999, "flag": False}).total == D("89.99")


def vetoed(*vetoes, grades=None):
    data = ruleset_dict(vetoes=list(vetoes))
    data["inputs"]["bad"] = {"type": "integer", "title": "问题", "min": 0}
    data["grades"] = grades or [
        {"id": "a", "title": "甲", "min": 9},
        {"id": "b", "title": "乙", "min": 6},
        {"id": "c", "title": "丙", "min": 3},
        {"id": "d", "title": "丁"},
    ]
    return build_from(data)


def test_vetoes_all_reported_strongest_wins():
    rs = vetoed(
        {"id": "capb", "title": "封顶乙", "when": "bad > 0", "effect": {"cap": "b"}},
        {"id": "capc", "title": "封顶丙", "when": "bad > 1", "effect": {"cap": "c"}},
        {"id": "low", "title": "最低", "when": "bad > 2", "effect": "lowest"},
        {"id": "out", "title": "取消", "when": "bad > 3", "effect": "disqualify"},
    )

    def run(bad):
        return score(rs, {"x": 90, "flag": False, "bad": bad})

    assert run(0).grade.id == "a"
    assert run(1).grade.id == "b"
    two = run(2)
    assert two.grade.id == "c"
    assert [v.id for v in two.vetoes if v.decisive] == ["capc"]
    assert run(3).grade.id == "d"
    out = run(4)
    assert out.status == "disqualified" and out.grade is None
    assert [v.id for v in out.vetoes] == ["capb", "capc", "low", "out"]
    assert out.grade_without_vetoes.id == "a"
    assert out.total == 10
    assert all("out" in step.vetoed_by for step in out.grades_not_reached)


def test_a_cap_never_raises_a_grade():
    rs = vetoed({"id": "capb", "title": "封顶乙", "when": "bad > 0", "effect": {"cap": "b"}})
    result = score(rs, {"x": 10, "flag": False, "bad": 1})  # 0 points: grade d
    assert result.grade.id == "d"


def test_requires_and_reasons_for_grades_not_reached():
    data = ruleset_dict()
    data["grades"] = [
        {"id": "a", "title": "甲", "min": 9, "requires": ["flag", "main >= 9", "total >= 9"]},
        {"id": "b", "title": "乙", "min": 5},
        {"id": "c", "title": "丙"},
    ]
    rs = build_from(data)
    result = score(rs, {"x": 90, "flag": False})
    assert result.grade.id == "b"
    [step] = result.grades_not_reached
    assert step.failed_requires == ["flag"]
    assert step.points_missing is None
    low = score(rs, {"x": 65, "flag": True})
    assert low.grade.id == "b"
    assert low.grades_not_reached[0].points_missing == 3
    assert low.grades_not_reached[0].failed_requires == ["main >= 9", "total >= 9"]


def test_outputs_in_order_with_grade_and_earlier_outputs():
    data = ruleset_dict()
    data["inputs"]["base_pay"] = {"type": "number", "title": "基本", "min": 0}
    data["outputs"] = {
        "perf": {"title": "绩效", "formula": "base_pay * 0.3 * total / 10"},
        "annual": {
            "title": "年度",
            "formula": "base_pay * 0.7 + perf + (100 if grade == 'good' else 0)",
        },
    }
    rs = build_from(data)
    result = score(rs, {"x": 65, "flag": False, "base_pay": D("1000.01")})
    perf, annual = result.outputs
    assert perf.exact == D("1000.01") * D("0.3") * 6 / 10
    assert perf.value == D("180.00")
    assert annual.exact == D("1000.01") * D("0.7") + perf.exact


def test_division_by_zero_refuses_the_submission_naming_the_element():
    rs = one_indicator({"formula": "10 / x"})
    with pytest.raises(InputError) as caught:
        points_of(rs, x=0)
    [problem] = caught.value.problems
    assert problem.code == "undefined"
    assert "dimensions[0].indicators[0].score.formula" in problem.message


def test_guarded_division_in_a_condition_is_fine_unguarded_is_undefined():
    guarded = one_indicator({"check": "x != 0 and 10 / x > 1"})
    assert points_of(guarded, x=0) == 0
    assert points_of(guarded, x=5) == 10
    unguarded = one_indicator({"check": "10 / x > 1"})
    with pytest.raises(InputError) as caught:
        points_of(unguarded, x=0)
    assert caught.value.problems[0].code == "undefined"


def test_explanation_items_add_up_exactly(village):
    for case in village.model.tests:
        if case.expect.errors:
            continue
        result = score(village, case.input)
        for dim in result.dimensions:
            assert dim.points == sum(
                i.points for i in result.indicators if i.dimension == dim.id and i.points is not None
            )
        assert result.base == sum(Fraction(d.contribution) for d in result.dimensions)
        for group in result.adjustments:
            assert group.raw == sum(item.points for item in group.items)
        adjusted = Fraction(result.base) + sum(Fraction(g.applied) for g in result.adjustments)
        assert result.total_exact == max(0, adjusted)


def test_na_in_conditions_is_three_valued():
    data = ruleset_dict()
    data["inputs"]["rate"] = {"type": "number", "title": "率", "na_allowed": True}
    data["vetoes"] = [
        {"id": "low_rate", "title": "低", "when": "not (rate >= 50)", "effect": "lowest"},
        {"id": "no_rate", "title": "无", "when": "rate == 'NA' and flag", "effect": {"cap": "ok"}},
    ]
    rs = build_from(data)
    result = score(rs, {"x": 90, "flag": True, "rate": "NA"})
    assert [v.id for v in result.vetoes] == ["no_rate"]  # not unknown is unknown: does not hold
    assert [v.id for v in score(rs, {"x": 90, "flag": True, "rate": 10}).vetoes] == ["low_rate"]


def test_linear_multiplies_before_dividing_so_exact_values_stay_exact():
    rs = one_indicator({"linear": {"of": "x", "zero_at": 70, "full_at": 100}}, points=3)
    assert str(points_of(rs, x=96)) == "2.6"


def test_a_zero_count_of_a_negative_item_is_zero_not_minus_zero():
    data = ruleset_dict()
    data["inputs"]["faults"] = {"type": "integer", "title": "错", "min": 0}
    data["adjustments"] = [
        {"id": "p", "title": "扣", "items": [{"id": "f", "title": "错", "per": "faults", "points": -3}]}
    ]
    result = score(build_from(data), {"x": 1, "flag": False, "faults": 0})
    assert result.model_dump(mode="json")["adjustments"][0]["items"][0]["points"] == "0"
