"""The `rectification:` section (docs/rectification.md) and `from: rectification_overdue`:
what they accept, what a result opens, every mistake refused with its element path, the
`kaoping check` warnings, the indicator table and the differences of a new version."""

from __future__ import annotations

import io

import pytest

from engine import RulesetError, score
from engine.checks import rectification_warnings
from engine.loader import load_text
from engine.rectification import openings
from engine.result import FilledInput

from .conftest import BASE, VILLAGE_TEXT, build

ADJUSTMENTS = [
    {
        "id": "penalty",
        "title": "扣分项",
        "items": [
            {"id": "late", "title": "迟报", "when": "flag", "points": -2},
            {"id": "praise", "title": "表扬", "when": "x > 99", "points": 1},
        ],
    }
]
VETOES = [{"id": "fraud", "title": "弄虚作假", "when": "x == 13", "effect": "disqualify"}]


def item(id_="fix_level", **trigger):
    return {"id": id_, "title": "{unit}{period}年度整改", "deadline_days": 30, **(trigger or {"indicator": "level"})}


def ruleset(*items, **changes):
    return build(adjustments=ADJUSTMENTS, vetoes=VETOES, rectification=list(items), **changes)


def problems_of(*items, **changes):
    with pytest.raises(RulesetError) as caught:
        ruleset(*items, **changes)
    return {p.path: p.message for p in caught.value.problems}


def opened(loaded, x, flag=False):
    result = score(loaded, {"x": x, "flag": flag}, unit={"id": "v1", "name": "红旗村"})
    return {o.item.id: (o.title, o.because) for o in openings(loaded.model, result.model_dump(mode="json"), "2025")}


def test_an_indicator_opens_an_item_at_no_points_or_below_its_line():
    loaded = ruleset(item(), item("fix_middle", indicator="level", below=8, responsible="乡镇"))
    assert opened(loaded, 90) == {}
    assert opened(loaded, 70) == {"fix_middle": ("红旗村2025年度整改", "指标 水平 得 6 分, 低于 8 分")}
    assert opened(loaded, 10) == {
        "fix_level": ("红旗村2025年度整改", "指标 水平 得 0 分"),
        "fix_middle": ("红旗村2025年度整改", "指标 水平 得 0 分, 低于 8 分"),
    }


def test_a_deduction_that_applied_and_a_veto_that_held_open_theirs():
    loaded = ruleset(item("fix_late", deduction="late"), item("fix_fraud", veto="fraud"))
    assert opened(loaded, 90) == {}
    assert opened(loaded, 90, flag=True) == {"fix_late": ("红旗村2025年度整改", "扣分项 迟报 计 -2 分")}
    assert opened(loaded, 13)["fix_fraud"] == ("红旗村2025年度整改", "一票否决 弄虚作假 成立")


def test_a_ruleset_without_the_section_scores_exactly_as_before():
    plain = build()
    assert plain.model.rectification == []
    data = score(plain, {"x": 70, "flag": False}).model_dump(mode="json")
    assert "filled_inputs" not in data
    # a grade filled from last period's record is written with the fields it always had
    assert FilledInput(input="g", record="r", period="2024").model_dump(mode="json") == {
        "input": "g",
        "record": "r",
        "period": "2024",
    }


@pytest.mark.parametrize(
    ("given", "path", "words"),
    [
        (item(indicator="levle"), "rectification[0].indicator", "levle 不是本规则集的指标; 是否指 level"),
        (item(deduction="lat"), "rectification[0].deduction", "lat 不是本规则集的加减分项"),
        (item(veto="frau"), "rectification[0].veto", "frau 不是本规则集的否决项"),
        ({**item(), "deadline_days": -5}, "rectification[0].deadline_days", "-5"),
        ({**item(), "deadline_days": 0}, "rectification[0].deadline_days", "1"),
        ({**item(), "deadline_days": "30"}, "rectification[0].deadline_days", "整数"),
        ({**item(), "responsible": "乡政府"}, "rectification[0].responsible", "乡政府 既不是 unit"),
        ({**item(), "title": "{village}整改"}, "rectification[0].title", "{village} 无法填写, 只能用 unit、period"),
        ({**item(), "title": "整改{"}, "rectification[0].title", "花括号不成对"),
        (item(indicator="level", veto="fraud"), "rectification[0]", "由且只由 indicator、deduction、veto 之一引起"),
        (item(veto="fraud", below=3), "rectification[0]", "below 只用于"),
        ({**item(), "after": 3}, "rectification[0].after", "after"),
    ],
)
def test_mistakes_are_refused_at_their_element(given, path, words):
    problems = problems_of(given)
    assert path in problems, problems
    assert words in problems[path], problems[path]


def test_each_item_id_once_and_each_required_field():
    problems = problems_of(item(), item())
    assert "rectification[0].id" in problems["rectification[1].id"]
    for field in ("id", "title", "deadline_days"):
        given = item()
        del given[field]
        assert f"rectification[0].{field}" in problems_of(given)


def test_an_input_filled_from_the_overdue_count_is_an_optional_integer():
    inputs = {**BASE["inputs"], "overdue": {"type": "integer", "title": "逾期整改数", "required": False}}
    loaded = build(inputs={**inputs, "overdue": {**inputs["overdue"], "from": "rectification_overdue"}})
    assert loaded.model.inputs["overdue"].filled_from == "rectification_overdue"
    for wrong in ({"type": "number"}, {"required": True}):
        with pytest.raises(RulesetError) as caught:
            build(inputs={**inputs, "overdue": {**inputs["overdue"], **wrong, "from": "rectification_overdue"}})
        assert {p.path for p in caught.value.problems} == {"inputs.overdue.from"}
    with pytest.raises(RulesetError) as caught:
        build(inputs={**inputs, "overdue": {**inputs["overdue"], "from": "last_year"}})
    assert {p.path for p in caught.value.problems} == {"inputs.overdue.from"}


def test_check_warns_of_items_no_unit_or_every_unit_opens():
    floored = {
        "id": "main",
        "title": "主维度",
        "indicators": [
            {
                "id": "level",
                "title": "水平",
                "points": 10,
                "score": {"bands": [{"when": "x >= 80", "points": 10}, {"else": 4}]},
            }
        ],
    }
    loaded = ruleset(
        item(),  # never 0 points: the lowest band gives 4
        item("fix_line", indicator="level", below=4),  # never below 4
        item("fix_always", indicator="level", below=11),  # always below 11
        item("fix_praise", deduction="praise"),  # a bonus taken for a deduction
        item("fix_fine", indicator="level", below=5),
        dimensions=[floored],
    )
    warnings = rectification_warnings(loaded.model)
    assert [w.split(":")[0] for w in warnings] == [
        "rectification[0].indicator",
        "rectification[1].below",
        "rectification[2].below",
        "rectification[3].deduction",
    ]
    assert "最低得 4 分, 从不为 0 分" in warnings[0] and "每个单位都会产生" in warnings[2]
    assert "praise 是加分项" in warnings[3]
    assert rectification_warnings(load_text(VILLAGE_TEXT).model) == []


def test_the_indicator_table_keeps_the_items_and_the_filled_input():
    """docs/editor-tools.md: the 整改事项 sheet, one item a row; 取自上期 = 逾期整改数."""
    from engine.indicator_table import TableError, read_table, workbook_of

    model = load_text(VILLAGE_TEXT).model
    book = workbook_of(model)
    sheet = book["整改事项"]
    assert [c.value for c in sheet[3]] == ["fix_secretary", "{unit}书记配备整改", "指标", "secretary_in_post", None,
                                          "乡镇", 90]  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    _, loaded = read_table(buffer.getvalue())
    assert loaded.model.rectification == model.rectification
    assert loaded.model.inputs["overdue_rectifications"].filled_from == "rectification_overdue"
    assert "整改事项" not in workbook_of(build().model).sheetnames  # a table without them keeps its sheets
    sheet["C2"], sheet["G3"] = "罚款", -1
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(TableError) as caught:
        read_table(buffer.getvalue())
    [problem] = caught.value.problems
    assert problem.startswith("「整改事项」表第 2 行「引起方式」列") and "罚款" in problem
    sheet["C2"] = "指标"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(TableError) as caught:
        read_table(buffer.getvalue())
    [problem] = caught.value.problems
    assert problem.startswith("「整改事项」表第 3 行「整改期限天数」列"), problem


def test_a_versions_difference_names_its_items():
    from engine.diff import diff_rulesets

    after = load_text(VILLAGE_TEXT).model
    before = after.model_copy(update={"rectification": after.rectification[:-1]})
    changes = {(c.element, c.id, c.change) for c in diff_rulesets(before, after).changes}
    assert changes == {("rectification", "fix_weak_lax", "added")}


def test_kaoping_check_prints_the_warnings(tmp_path):
    import json

    from typer.testing import CliRunner

    from api.cli import app

    from .conftest import ruleset_dict

    data = ruleset_dict(rectification=[item("fix_line", indicator="level", below=0)])
    path = tmp_path / "line.yaml"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    shown = CliRunner().invoke(app, ["check", str(path)])
    assert shown.exit_code == 0, shown.output
    assert "rectification[0].below: 该指标最低得 0 分, 不低于 0: 此整改事项不会产生" in shown.output
