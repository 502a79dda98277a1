"""Quotas across a batch, rankings and the summary, on hand-worked cases."""

from decimal import Decimal

from engine import score
from engine.batch import finish, quartiles, rank
from engine.scored import ScoredUnit

from .conftest import build_from, ruleset_dict


def quota_ruleset(quotas, requires=None):
    data = ruleset_dict()
    data["inputs"]["x"] = {"type": "number", "title": "X", "min": 0, "max": 100}
    data["inputs"]["tb"] = {"type": "number", "title": "并列比较", "min": 0, "max": 100, "na_allowed": True}
    data["dimensions"][0]["indicators"] = [{"id": "level", "title": "水平", "points": 100, "score": {"formula": "x"}}]
    data["grades"] = [
        {"id": "a", "title": "甲", "min": 90, **({"requires": requires} if requires else {})},
        {"id": "b", "title": "乙", "min": 80},
        {"id": "c", "title": "丙", "min": 70},
        {"id": "d", "title": "丁"},
    ]
    data["vetoes"] = [{"id": "out", "title": "取消", "when": "flag", "effect": "disqualify"}]
    data["quotas"] = quotas
    return build_from(data)


def run(rs, units):
    results = {
        n + 1: ScoredUnit.of(
            rs.model, score(rs, {"x": x, "flag": flag, "tb": tb}, unit={"id": f"u{n}", "parent": parent})
        )
        for n, (x, flag, tb, parent) in enumerate(units)
    }
    report = finish(rs, results, [], len(units))
    return {u.result.unit.id: u for u in report.units}, report


def unit(x, flag=False, tb=50, parent="p1"):
    return (x, flag, tb, parent)


def test_seats_are_floor_of_graded_units_times_share_disqualified_not_counted():
    rs = quota_ruleset([{"grade": "a", "max_share": 0.25}])
    # 9 graded units (one disqualified): floor(9 * 0.25) = 2 seats for a
    units = [
        unit(99),
        unit(97),
        unit(95),
        unit(93),
        unit(85),
        unit(75),
        unit(60),
        unit(50),
        unit(40),
        unit(98, flag=True),
    ]
    by_id, report = run(rs, units)
    assert [by_id[f"u{i}"].result.grade.id for i in range(4)] == ["a", "a", "b", "b"]
    moved = by_id["u2"].result
    assert moved.quota.from_grade == "a" and moved.quota.to_grade == "b" and not moved.quota.tie
    assert "名额 2 个 (共 9 个评定单位" in moved.quota.reason
    assert any(step.id == "a" and step.quota for step in moved.grades_not_reached)
    assert by_id["u9"].result.grade is None  # the disqualified unit is left alone
    assert len(report.summary["quota_moves"]) == 2


def test_dropped_units_compete_for_the_next_grade():
    rs = quota_ruleset([{"grade": "a", "max_share": 0.2}, {"grade": "b", "max_share": 0.2}])
    # 10 graded: 2 seats each. a holders: 99 98 97 96 -> 97, 96 drop to b; b holders then 97 96 85 84 -> 85, 84 to c
    units = [unit(x) for x in (99, 98, 97, 96, 85, 84, 75, 74, 60, 10)]
    by_id, _ = run(rs, units)
    grades = [by_id[f"u{i}"].result.grade.id for i in range(10)]
    assert grades == ["a", "a", "b", "b", "c", "c", "c", "c", "d", "d"]
    assert by_id["u4"].result.quota.from_grade == "b"


def test_tie_break_then_ties_across_the_cut_all_drop_and_are_flagged():
    rs = quota_ruleset([{"grade": "a", "max_share": 0.2, "tie_break": ["tb"]}])
    # 10 graded: 2 seats. totals 95 95 95 95: tie-break 80 > 70 = 70 > NA; the cut falls between the two 70s
    units = [unit(95, tb=70), unit(95, tb=80), unit(95, tb="NA"), unit(95, tb=70), unit(91, tb=99)] + [unit(50)] * 5
    by_id, report = run(rs, units)
    assert by_id["u1"].result.grade.id == "a"  # best tie-break keeps its seat
    for tied in ("u0", "u3"):  # tied with each other across the cut: both drop, both flagged
        result = by_id[tied].result
        assert result.grade.id == "b" and result.quota.tie and "quota_tie" in result.flags
        assert "提交评审委员会决定" in result.quota.reason
    assert by_id["u2"].result.grade.id == "b" and not by_id["u2"].result.quota.tie  # NA sorts last
    assert by_id["u4"].result.grade.id == "b"  # 91 ranks below every 95
    assert sum(m["tie"] for m in report.summary["quota_moves"]) == 2


def test_a_dropped_unit_skips_grades_it_does_not_qualify_for():
    data_quota = [{"grade": "a", "max_share": 0.1}]
    rs = quota_ruleset(data_quota)
    data = rs.model.model_dump(mode="json", by_alias=True, exclude_none=True)
    data["grades"][1]["requires"] = ["tb >= 60"]
    rs = build_from(data)
    units = [unit(99, tb=90), unit(98, tb=10)] + [unit(50)] * 8
    by_id, _ = run(rs, units)
    moved = by_id["u1"].result
    assert moved.grade.id == "c" and moved.quota.to_grade == "c"
    assert [s.id for s in moved.grades_not_reached] == ["a", "b"]
    assert moved.grades_not_reached[1].failed_requires == ["tb >= 60"]


def test_no_quota_leaves_results_untouched():
    rs = quota_ruleset([])
    by_id, report = run(rs, [unit(99), unit(98)])
    assert all(u.result.quota is None for u in by_id.values())
    assert report.summary["quota_moves"] == []


def test_competition_ranking_overall_and_within_parent():
    rs = quota_ruleset([])
    units = [
        unit(90, parent="p1"),
        unit(95, parent="p2"),
        unit(90, parent="p2"),
        unit(80, parent="p1"),
        unit(99, flag=True, parent="p1"),
    ]
    by_id, _ = run(rs, units)
    assert [by_id[f"u{i}"].rank for i in range(5)] == [2, 1, 2, 4, None]
    assert [by_id[f"u{i}"].parent_rank for i in range(5)] == [1, 1, 2, 2, None]


def test_summary_distribution_statistics_and_vetoes():
    rs = quota_ruleset([])
    by_id, report = run(rs, [unit(95), unit(85), unit(85), unit(65), unit(99, flag=True)])
    summary = report.summary
    counts = {g["grade"]: g["count"] for g in summary["grades"]}
    assert counts == {"a": 1, "b": 2, "c": 0, "d": 1, None: 1}
    assert summary["grades"][0]["share"] == Decimal("0.2")
    assert summary["total"]["median"] == Decimal("85.00")
    assert summary["total"]["max"] == Decimal("99.00")
    assert summary["vetoes"] == [{"veto": "out", "title": "取消", "count": 1}]


def test_quartiles_interpolate():
    figures = quartiles([Decimal(v) for v in (1, 2, 3, 4, 5)])
    assert (figures["q1"], figures["median"], figures["q3"], figures["mean"]) == (2, 3, 4, 3)
    assert quartiles([])["mean"] is None


def test_rank_handles_an_empty_batch(village):
    assert rank(village.model, []) == []
