"""Member points (docs/member-points.md): the `events:` ruleset kind refused with element
paths, events counted by durable_rules, caps applied whatever the order of events, the
events file and `kaoping points`."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from typer.testing import CliRunner

from api.cli import app
from engine import RulesetError, load_ruleset
from engine import points as points_module
from engine.errors import InputError
from engine.events import validate_event
from engine.events_file import read_events
from engine.expressions import holds
from engine.messages import set_language
from engine.points import member_points
from engine.points_explain import explain_points
from engine.points_loader import load_points_file, load_points_text

from .conftest import ROOT

SHIPPED = ROOT / "rulesets" / "party-member-points.yaml"
EXAMPLE = ROOT / "examples" / "member-events.csv"

BASE = {
    "kaoping": 1,
    "id": "points",
    "title": "积分",
    "precision": 1,
    "events": {
        "base": 60,
        "cap": 100,
        "floor": 0,
        "categories": [
            {"id": "bonus", "title": "加分", "cap": 10},
            {"id": "minus", "title": "扣分", "floor": -30},
        ],
        "kinds": [
            {
                "id": "service",
                "title": "志愿服务",
                "category": "bonus",
                "fields": {"hours": {"type": "number", "title": "时长", "min": 0, "max": 24}},
                "when": "hours >= 1",
                "points": "hours * 0.5",
            },
            {"id": "absence", "title": "缺席", "category": "minus", "points": -4},
        ],
        "lines": [{"id": "good", "title": "优秀", "min": 80}, {"id": "pass", "title": "合格"}],
    },
}


def points_ruleset(**events_changes):
    data = copy.deepcopy(BASE)
    data["events"].update(copy.deepcopy(events_changes))
    return load_points_text(json.dumps(data, ensure_ascii=False))


def refused(**events_changes) -> list:
    with pytest.raises(RulesetError) as caught:
        points_ruleset(**events_changes)
    return caught.value.problems


def event(kind="service", date="2026-03-01", member="m1", **fields):
    return {"member": member, "date": date, "kind": kind, **fields}


def points_of(loaded, *given, period=None):
    events = [validate_event(loaded.model, data, row=n) for n, data in enumerate(given, start=2)]
    return member_points(loaded.compiled, "m1", events, period)


# ---------------------------------------------------------------- the language


def test_a_kind_in_an_undeclared_category_is_refused_at_its_path():
    kinds = copy.deepcopy(BASE["events"]["kinds"])
    kinds[1]["category"] = "minuss"
    [problem] = refused(kinds=kinds)
    assert problem.path == "events.kinds[1].category"
    assert "minuss 不是已声明的积分类别" in problem.message and "minus" in problem.message


def test_a_when_that_reads_an_undeclared_field_is_refused_with_its_column():
    kinds = copy.deepcopy(BASE["events"]["kinds"])
    kinds[0]["when"] = "hours >= 1 and minutes > 0"
    [problem] = refused(kinds=kinds)
    assert problem.path == "events.kinds[0].when"
    assert problem.column == 16


def test_points_that_are_not_a_number_are_refused():
    kinds = copy.deepcopy(BASE["events"]["kinds"])
    kinds[0]["points"] = "'many'"
    [problem] = refused(kinds=kinds)
    assert problem.path == "events.kinds[0].points"


def test_a_floor_above_the_cap_is_refused_for_a_category_and_for_the_period():
    categories = [{"id": "bonus", "title": "加分", "cap": 5, "floor": 6}, BASE["events"]["categories"][1]]
    [category] = refused(categories=categories)
    [period] = refused(floor=120)
    assert (category.path, period.path) == ("events.categories[0]", "events")
    assert "下限 floor 6 高于上限 cap 5" in category.message and "高于上限 cap 100" in period.message


def test_lines_go_highest_first_and_the_last_has_no_min():
    problems = refused(lines=[{"id": "a", "title": "甲", "min": 60}, {"id": "b", "title": "乙", "min": 80}])
    assert {p.path for p in problems} == {"events.lines[1]"}
    problems = refused(
        lines=[{"id": "a", "title": "甲", "min": 60}, {"id": "b", "title": "乙", "min": 80}, {"id": "c", "title": "丙"}]
    )
    assert [p.path for p in problems] == ["events.lines[1].min"]


def test_an_event_field_cannot_be_na_nor_optional_without_default():
    kinds = copy.deepcopy(BASE["events"]["kinds"])
    kinds[0]["fields"]["place"] = {"type": "text", "title": "地点", "required": False}
    kinds[0]["fields"]["hours"]["na_allowed"] = True
    problems = refused(kinds=kinds)
    assert {p.path for p in problems} == {"events.kinds[0].fields.place", "events.kinds[0].fields.hours"}


def test_duplicate_ids_and_unknown_fields_are_refused_with_lines():
    data = copy.deepcopy(BASE)
    data["events"]["kinds"].append(dict(data["events"]["kinds"][1]))
    data["events"]["ranks"] = True
    with pytest.raises(RulesetError) as caught:
        load_points_text(json.dumps(data, ensure_ascii=False, indent=1))
    paths = {p.path for p in caught.value.problems}
    assert "events.ranks" in paths
    assert all(p.line for p in caught.value.problems)


def test_a_test_expecting_an_undeclared_line_or_category_is_refused():
    data = copy.deepcopy(BASE)
    data["tests"] = [{"name": "t", "events": [], "expect": {"line": "best", "cut": {"bonuss": 1, "total": 0}}}]
    with pytest.raises(RulesetError) as caught:
        load_points_text(json.dumps(data, ensure_ascii=False))
    assert {p.path for p in caught.value.problems} == {"tests[0].expect.line", "tests[0].expect.cut"}


def test_the_scoring_loader_says_a_points_ruleset_is_read_by_kaoping_points():
    with pytest.raises(RulesetError) as caught:
        load_ruleset(SHIPPED)
    [problem] = caught.value.problems
    assert problem.path == "events" and "kaoping points" in problem.message


def test_ranking_is_off_by_default():
    assert points_ruleset().model.events.ranking is False


# ---------------------------------------------------------------- counting events


def test_durable_rules_decides_which_events_count_as_the_when_says():
    loaded = points_ruleset()
    hours = ["0", "0.5", "0.999", "1", "1.5", "24"]
    result = points_of(loaded, *(event(hours=Decimal(h), date=f"2026-03-{n + 1:02d}") for n, h in enumerate(hours)))
    when = loaded.model.events.kinds[0].when
    for shown_event, h in zip(result.events, hours, strict=True):
        assert shown_event.counted == holds(when.root, {"hours": Decimal(h)})
        assert shown_event.rule is None or shown_event.rule.rule_id == "kind.service"
    assert result.category("bonus").points == Decimal("13.25") - Decimal("3.25")


def test_identical_events_count_each():
    result = points_of(points_ruleset(), event("absence"), event("absence"))
    assert result.category("minus").raw == -8
    assert result.counted == 2


def test_a_cap_a_floor_and_the_period_cap_record_what_they_cut():
    result = points_of(
        points_ruleset(base=95),
        *(event(hours=Decimal(8), date=f"2026-04-0{n}") for n in range(1, 4)),
    )
    assert (result.category("bonus").raw, result.category("bonus").points, result.category("bonus").cut) == (12, 10, 2)
    assert (result.raw_total, result.total, result.cut) == (105, 100, 5)
    text = explain_points(result)
    assert "超过上限 10, 减去 2, 计 10" in text and "超过期间总分上限 100, 减去 5" in text
    low = points_of(points_ruleset(base=20), *(event("absence", date=f"2026-05-{n:02d}") for n in range(1, 10)))
    assert (low.category("minus").raw, low.category("minus").points) == (-36, -30)
    assert low.category("minus").cut == -6
    assert (low.raw_total, low.total) == (-10, 0)
    assert "低于下限 -30, 补足 6, 计 -30" in explain_points(low)


def test_only_the_period_s_events_count():
    loaded = points_ruleset()
    result = points_of(loaded, event("absence", "2025-12-31"), event("absence", "2026-01-01"), period="2026")
    assert [e.date for e in result.events] == ["2026-01-01"]
    assert points_of(loaded, event("absence", "2026-02-03"), period="2026-02").total == 56
    assert points_of(loaded, event("absence", "2026-02-03"), period="2026-03").total == 60


def test_another_member_s_events_are_refused():
    loaded = points_ruleset()
    events = [validate_event(loaded.model, event("absence", member=m)) for m in ("m1", "m2")]
    with pytest.raises(InputError):
        member_points(loaded.compiled, "m1", events)


def test_a_long_list_of_events_is_matched_over_several_sessions_with_the_same_result(monkeypatch):
    loaded = points_ruleset()
    given = [event(hours=Decimal(n % 3), date=f"2026-06-{n % 28 + 1:02d}") for n in range(25)]
    whole = points_of(loaded, *given)
    monkeypatch.setattr(points_module, "MAX_FACTS_PER_SESSION", 4)
    assert points_of(loaded, *given).model_dump() == whole.model_dump()


def test_an_event_is_validated_like_a_submission():
    loaded = points_ruleset()
    with pytest.raises(InputError) as caught:
        validate_event(loaded.model, {"member": "", "date": "2026-02-30", "kind": "service", "hours": 30})
    codes = {(p.field, p.code) for p in caught.value.problems}
    assert codes == {("member", "missing"), ("date", "invalid_type"), ("hours", "out_of_range")}
    with pytest.raises(InputError) as caught:
        validate_event(loaded.model, {"member": "m", "date": "2026-02-03", "kind": "servce"})
    [problem] = caught.value.problems
    assert problem.code == "not_a_choice" and "service" in problem.message


# ---------------------------------------------------------------- properties

AMOUNTS = st.decimals(min_value=0, max_value=24, places=1)
EVENTS = st.lists(
    st.one_of(
        st.builds(lambda h, d: event(hours=h, date=f"2026-07-{d:02d}"), AMOUNTS, st.integers(1, 28)),
        st.builds(lambda d: event("absence", date=f"2026-08-{d:02d}"), st.integers(1, 28)),
    ),
    max_size=30,
)
LOADED = points_ruleset(base=70)


@settings(max_examples=60, deadline=None)
@given(EVENTS)
def test_no_member_s_points_exceed_a_cap_or_go_below_a_floor(given_events):
    result = points_of(LOADED, *given_events)
    for category in result.categories:
        assert category.cap is None or category.points <= category.cap
        assert category.floor is None or category.points >= category.floor
        assert category.raw - category.cut == category.points
    assert 0 <= result.total <= 100
    assert result.raw_total - result.cut == result.total_exact


@settings(max_examples=60, deadline=None)
@given(EVENTS, st.randoms(use_true_random=False))
def test_events_in_any_order_give_the_same_result(given_events, random):
    shuffled = list(given_events)
    random.shuffle(shuffled)
    events = [validate_event(LOADED.model, data) for data in given_events]
    again = [validate_event(LOADED.model, data) for data in shuffled]
    first = member_points(LOADED.compiled, "m1", events)
    second = member_points(LOADED.compiled, "m1", again)
    assert first.model_dump() == second.model_dump()


# ---------------------------------------------------------------- the events file


def test_the_example_events_file_reads_without_errors():
    events, errors = read_events(load_points_file(SHIPPED).model, EXAMPLE)
    assert errors == [] and len(events) == 18
    assert {e.branch for e in events} == {"红旗村党支部", "向阳村党支部"}


def test_rows_with_problems_are_reported_with_their_row_numbers(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text(
        "党员编号,日期,事项,时长\nm1,2026-03-01,志愿服务,3\nm1,2026/03/01,志愿服务,30\n,2026-03-02,献血,\n",
        encoding="utf-8",
    )
    events, errors = read_events(points_ruleset().model, path)
    assert len(events) == 1 and events[0].values == {"hours": Decimal(3)}
    assert {(e.row, e.field, e.code) for e in errors} == {
        (3, "date", "invalid_type"),
        (3, "hours", "out_of_range"),
        (4, "member", "missing"),
        (4, "kind", "not_a_choice"),
    }
    assert all(e.message.startswith(f"第 {e.row} 行") for e in errors)


def test_an_unknown_column_is_refused_with_a_hint(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("党员编号,日期,事项,hour\n", encoding="utf-8")
    with pytest.raises(Exception, match="hour; 是否指 hours"):
        read_events(points_ruleset().model, path)


def test_an_excel_events_file_with_date_cells_and_numeric_member_ids(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["member", "date", "kind", "hours"])
    sheet.append([1001, dt.datetime(2026, 3, 1), "service", 2.5])
    sheet.append([1001, dt.date(2026, 3, 2), "absence", None])
    path = tmp_path / "events.xlsx"
    workbook.save(path)
    events, errors = read_events(points_ruleset().model, path)
    assert errors == []
    assert [(e.member, e.date, e.kind) for e in events] == [
        ("1001", "2026-03-01", "service"),
        ("1001", "2026-03-02", "absence"),
    ]


# ---------------------------------------------------------------- kaoping points

runner = CliRunner()


def test_kaoping_points_lists_each_member_s_total_and_line():
    out = runner.invoke(app, ["points", str(SHIPPED), str(EXAMPLE), "--period", "2026"])
    assert out.exit_code == 0, out.output
    assert "DY001\t红旗村党支部\t7\t76.5\t合格" in out.output
    assert "DY003\t红旗村党支部\t0\t60\t基本合格" in out.output


def test_kaoping_points_explains_one_member():
    out = runner.invoke(app, ["points", str(SHIPPED), str(EXAMPLE), "--period", "2026", "--member", "DY002"])
    assert out.exit_code == 0, out.output
    assert "无故缺席组织生活 [扣分]: -2 分" in out.output
    assert "0 分, 不计分: 不满足 hours >= 1" in out.output
    assert "总积分 59" in out.output
    as_json = runner.invoke(app, ["points", str(SHIPPED), str(EXAMPLE), "--member", "DY002", "--json"])
    assert json.loads(as_json.output)["total"] == "61"


def test_rank_is_refused_unless_the_ruleset_opts_in(tmp_path):
    out = runner.invoke(app, ["points", str(SHIPPED), str(EXAMPLE), "--rank"])
    assert out.exit_code == 1 and "未启用排名" in out.output
    opted = tmp_path / "ranked.yaml"
    opted.write_text(SHIPPED.read_text(encoding="utf-8").replace("ranking: false", "ranking: true"), encoding="utf-8")
    out = runner.invoke(app, ["points", str(opted), str(EXAMPLE), "--period", "2026", "--rank"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[2].startswith("1\tDY005\t")


def test_branch_inputs_are_written_with_where_each_came_from(tmp_path):
    target = tmp_path / "branches.csv"
    out = runner.invoke(app, ["points", str(SHIPPED), str(EXAMPLE), "--period", "2026", "--branch-inputs", str(target)])
    assert out.exit_code == 0, out.output
    rows = target.read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(",")
    red = dict(zip(header, next(r for r in rows if r.startswith("红旗村")).split(","), strict=True))
    assert red["member_count"] == "3"
    assert red["member_points_coverage_pct"] == "66.67"
    assert red["member_points_average"] == "65.17"
    sources = (tmp_path / "branches.sources.csv").read_text(encoding="utf-8-sig")
    assert "3 名党员中 2 名有计分事项, 2 / 3 × 100 = 66.67" in sources


def test_a_file_with_bad_rows_is_refused_whole(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("党员编号,日期,事项\nm1,2026-03-01,参加主题党日\nm2,2026-13-01,参加主题党日\n", encoding="utf-8")
    out = runner.invoke(app, ["points", str(SHIPPED), str(path)])
    assert out.exit_code == 1
    assert "1 行事项有错误" in out.output and "第 3 行" in out.output


def test_check_and_test_read_a_points_ruleset():
    out = runner.invoke(app, ["check", str(SHIPPED)])
    assert out.exit_code == 0, out.output
    assert "8 类事项" in out.output and "0 到 100" in out.output
    out = runner.invoke(app, ["test", str(SHIPPED), "--coverage", "--min", "100"])
    assert out.exit_code == 0, out.output
    assert "测试覆盖率 100.0%" in out.output


def test_the_shipped_ruleset_has_at_least_ten_tests_and_no_warnings():
    loaded = load_points_file(SHIPPED)
    assert len(loaded.model.tests) >= 10
    from engine.points_checks import points_warnings

    assert points_warnings(loaded.model) == []


def test_a_division_by_zero_refuses_the_event_naming_the_element():
    kinds = copy.deepcopy(BASE["events"]["kinds"])
    kinds[0]["when"] = "10 / hours > 1"
    kinds[0]["points"] = "12 / hours"
    loaded = points_ruleset(kinds=kinds)
    assert points_of(loaded, event(hours=Decimal(4))).category("bonus").points == 3
    with pytest.raises(InputError) as caught:
        points_of(loaded, event(hours=Decimal(0)))
    assert caught.value.problems[0].field == "events.kinds[0].when"
    kinds[0]["when"] = "hours >= 0"
    with pytest.raises(InputError) as caught:
        points_of(points_ruleset(kinds=kinds), event(hours=Decimal(0)))
    assert caught.value.problems[0].field == "events.kinds[0].points"


def test_the_documented_example_loads_and_passes_its_test():
    text = (ROOT / "docs" / "member-points.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    loaded = load_points_text(example)
    from engine.testing import run_points_tests

    assert [outcome.mismatches for outcome in run_points_tests(loaded)] == [[]]


def test_the_explanation_is_in_english_on_request():
    try:
        out = runner.invoke(app, ["--lang", "en", "points", str(SHIPPED), str(EXAMPLE), "--member", "DY005"])
    finally:
        set_language("zh")  # the command set it for this process; the tests after it read Chinese
    assert out.exit_code == 0, out.output
    assert out.output.startswith(
        "member DY005 (branch 向阳村党支部), all periods — 党员量化积分\n4 event(s), 4 counted:"
    )
    assert "line reached: 合格" in out.output


def test_more_kinds_than_the_engine_holds_under_one_node_are_refused_before_it_hangs():
    kinds = [{"id": f"k{n}", "title": f"事项{n}", "category": "bonus", "points": 1} for n in range(501)]
    [problem] = refused(kinds=kinds)
    assert problem.path == "(engine limits)" and "501" in problem.message


def test_a_quarter_is_a_period_of_events():
    from engine.events import check_period, in_period

    check_period("2026Q2")
    assert in_period("2026-04-01", "2026Q2") and in_period("2026-06-30", "2026Q2")
    assert not in_period("2026-07-01", "2026Q2") and not in_period("2025-05-01", "2026Q2")
    with pytest.raises(InputError):
        check_period("2026Q5")


def test_the_documented_branch_input_loads():
    import yaml

    from .conftest import build

    text = (ROOT / "docs" / "member-points.md").read_text(encoding="utf-8")
    section = text.split("## Branch inputs in the service", 1)[1]
    declared = yaml.safe_load(section.split("```yaml\n", 1)[1].split("```", 1)[0])["inputs"]
    loaded = build(inputs={"x": {"type": "number", "title": "X"}, **declared})
    assert loaded.model.inputs["member_points_rate"].from_points.figure == "member_points_coverage_pct"
