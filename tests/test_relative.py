"""Relative indicators: rank, proportion to the best and against the mean, scored over a
batch in a second pass, each unit recomputable from the reference it records."""

import csv
import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from api.cli import app
from engine import InputError, RulesetError, load_ruleset, score
from engine.batch import run_batch
from engine.checks import check_ruleset
from engine.explain import explain_text
from engine.pool import UnitRow
from engine.relative import own_values_of_data, place_among, references
from engine.result import UnitRef
from engine.testing import run_tests

from .conftest import ROOT, build_from, ruleset_dict

COUNTY = ROOT / "rulesets" / "county-relative-appraisal.yaml"
TOWNSHIPS = ROOT / "examples" / "townships.csv"


def relative_ruleset(**relative):
    """One indicator of 10 points scored relative to `x`, and a veto that disqualifies."""
    score_ = {"relative": {"of": "x", **relative}}
    return build_from(
        ruleset_dict(
            inputs={
                "x": {"type": "number", "title": "X", "min": -100, "max": 100, "na_allowed": True},
                "fraud": {"type": "boolean", "title": "弄虚作假"},
            },
            dimensions=[
                {
                    "id": "main",
                    "title": "主维度",
                    "indicators": [{"id": "rel", "title": "相对", "points": 10, "score": score_}],
                }
            ],
            vetoes=[{"id": "fraud", "title": "弄虚作假", "when": "fraud", "effect": "disqualify"}],
        )
    )


def rows_of(values, fraud=()):
    return [
        UnitRow(n, UnitRef(id=f"u{n}"), {"x": value, "fraud": n in fraud}) for n, value in enumerate(values, start=1)
    ]


def points_in_batch(ruleset, values, fraud=()):
    report = run_batch(ruleset, rows_of(values, fraud), workers=1, batch_name="test")
    return [unit.result.indicator("rel").points for unit in sorted(report.units, key=lambda u: u.row)]


# ---------------------------------------------------------------- the methods


def test_rank_shared_ties_and_floor():
    ruleset = relative_ruleset(method="rank", step=2, floor=3)
    # places 1, 2, 2, 4, 5: 10, 8, 8, 4, then 2 held at the floor of 3
    assert points_in_batch(ruleset, [9, 7, 7, 5, 1]) == [10, 8, 8, 4, 3]


def test_rank_dense_ties_and_lower_is_better():
    ruleset = relative_ruleset(method="rank", step=1, ties="dense", direction="lower")
    assert points_in_batch(ruleset, [1, 3, 3, 5]) == [10, 9, 9, 8]


def test_best_is_a_ratio_of_the_best_value_exactly():
    ruleset = relative_ruleset(method="best")
    points = points_in_batch(ruleset, [12, 9, 4, -2])
    assert points == [10, Decimal("7.5"), Fraction(10, 3), 0]
    report = run_batch(ruleset, rows_of([12, 9, 4]), workers=1)
    third = report.units[2].result.model_dump(mode="json")["indicators"][0]
    assert third["points"] == "10/3"  # 10 × 4 / 12, a fraction, not a rounded decimal


def test_best_lower_is_better_and_a_best_that_is_not_positive():
    lower = relative_ruleset(method="best", direction="lower")
    assert points_in_batch(lower, [2, 4, 8]) == [10, 5, Decimal("2.5")]
    # the best is 0: only the units at the best get full points
    assert points_in_batch(lower, [0, 0, 3]) == [10, 10, 0]
    higher = relative_ruleset(method="best")
    assert points_in_batch(higher, [-1, -3, -1]) == [10, 0, 10]


def test_mean_gives_points_at_the_mean_and_per_unit_of_deviation_within_full_points():
    ruleset = relative_ruleset(method="mean", at_mean=6, per=1)
    # mean 5: 6 + 5 = 11 held at 10; 6 + 1 = 7; 6 - 1 = 5; 6 - 5 = 1
    assert points_in_batch(ruleset, [10, 6, 4, 0]) == [10, 7, 5, 1]
    lower = relative_ruleset(method="mean", direction="lower", at_mean=5, per=2)
    assert points_in_batch(lower, [1, 3, 20]) == [10, 10, 0]


def test_na_units_are_not_applicable_and_take_no_part():
    ruleset = relative_ruleset(method="rank", step=1)
    report = run_batch(ruleset, rows_of([5, "NA", 3]), workers=1)
    assert [(e.row, e.code) for e in report.errors] == [(2, "all_na")]  # its one indicator is not applicable
    assert [u.result.reference.indicators["rel"].count for u in report.units] == [2, 2]
    county = load_ruleset(COUNTY)
    unit = json.loads((ROOT / "examples" / "township-hekou.json").read_text(encoding="utf-8"))["data"]
    peers = {0: own_values_of_data(county.model, {**unit, "resettlement_sites_org_pct": "NA"}, "na")}
    own = own_values_of_data(county.model, unit, "me")
    assert place_among(county.model, "b", peers, own).indicators["petitions_mean"].count == 2


def test_disqualified_units_take_no_part_unless_the_ruleset_includes_them():
    excluded = relative_ruleset(method="best")
    report = run_batch(excluded, rows_of([20, 10, 5], fraud={1}), workers=1)
    units = sorted(report.units, key=lambda u: u.row)
    assert units[1].result.indicator("rel").points == 10  # the fraudulent 20 is not the best
    fraudulent = units[0].result.reference.indicators["rel"]
    assert (fraudulent.best, fraudulent.count, fraudulent.rank) == (20, 3, 1)  # placed, others unmoved
    assert units[0].result.status == "disqualified"
    included = relative_ruleset(method="best", disqualified="include")
    assert points_in_batch(included, [20, 10, 5], fraud={1}) == [10, 5, Decimal("2.5")]


def test_a_unit_refused_in_scoring_leaves_the_peers():
    ruleset = build_from(
        {
            **ruleset_dict(
                inputs={"x": {"type": "number", "title": "X"}, "y": {"type": "number", "title": "Y"}},
                dimensions=[
                    {
                        "id": "main",
                        "title": "主维度",
                        "indicators": [
                            {
                                "id": "rel",
                                "title": "相对",
                                "points": 10,
                                "score": {"relative": {"of": "x", "method": "best"}},
                            }
                        ],
                    }
                ],
                outputs={"ratio": {"title": "比值", "formula": "rel / y"}},
            )
        }
    )
    rows = [UnitRow(n, UnitRef(id=f"u{n}"), {"x": x, "y": y}) for n, (x, y) in enumerate([(20, 0), (10, 1)], 1)]
    report = run_batch(ruleset, rows, workers=1)
    assert [e.code for e in report.errors] == ["undefined"]  # divides by zero: refused
    [unit] = report.units
    assert unit.result.indicator("rel").points == 10 and unit.result.reference.indicators["rel"].count == 1


# ---------------------------------------------------------------- the reference


def test_a_single_unit_needs_a_reference_and_is_recomputed_exactly_from_it():
    county = load_ruleset(COUNTY)
    data = json.loads((ROOT / "examples" / "township-hekou.json").read_text(encoding="utf-8"))["data"]
    with pytest.raises(InputError) as refused:
        score(county, data)
    assert refused.value.problems[0].code == "needs_reference"
    assert "参照批次" in refused.value.problems[0].message
    from engine.tabular import read_units

    rows, _ = read_units(county.model, TOWNSHIPS)
    report = run_batch(county, rows, workers=1, batch_name="townships.csv")
    for unit in report.units:
        result = unit.result
        again = score(county, rows[unit.row - 2].data, unit=result.unit, reference=result.reference)
        assert again.model_dump_json() == result.model_dump_json()


def test_a_unit_placed_among_a_reference_batch_takes_its_own_rows_place():
    ruleset = relative_ruleset(method="rank", step=1)
    peers = {n: own_values_of_data(ruleset.model, {"x": x, "fraud": False}, f"u{n}") for n, x in enumerate([9, 5, 3])}
    own = own_values_of_data(ruleset.model, {"x": 4, "fraud": False}, "u1")  # u1 had 5: its row is replaced
    reference = place_among(ruleset.model, "ref", peers, own).indicators["rel"]
    assert (reference.rank, reference.count, reference.best, reference.best_unit) == (2, 3, 9, "u0")


def test_the_result_and_the_explanation_name_the_reference():
    county = load_ruleset(COUNTY)
    from engine.tabular import read_units

    rows, _ = read_units(county.model, TOWNSHIPS)
    report = run_batch(county, rows, workers=1, batch_name="townships.csv")
    second = next(u for u in report.units if u.scored.unit.id == "T02").result
    data = json.loads(second.model_dump_json())
    assert data["reference"]["batch"] == "townships.csv"
    assert data["reference"]["indicators"]["poverty_income_best"] == {
        "value": "9600",
        "count": 6,
        "rank": 3,
        "best": "12000",
        "best_unit": "T01",
        "best_count": 1,
        "mean": "28000/3",
    }
    text = explain_text(second, wording=county.compiled.wording)
    assert "参照批次: townships.csv" in text
    assert "第 3 名 / 共 6 个单位" in text and "最优值 12000 (T01)" in text


def test_rulesets_without_relative_indicators_keep_their_json(village):
    data = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))["data"]
    assert "reference" not in json.loads(score(village, data).model_dump_json())


# ---------------------------------------------------------------- properties


values = st.lists(st.integers(min_value=-50, max_value=50), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(values, st.sampled_from(["shared", "dense"]), st.sampled_from(["higher", "lower"]))
def test_rank_points_are_monotonic_in_the_value(xs, ties, direction):
    model = relative_ruleset(method="rank", step=Decimal("0.5"), ties=ties, direction=direction).model
    units = {n: own_values_of_data(model, {"x": x, "fraud": False}, f"u{n}") for n, x in enumerate(xs)}
    found = references(model, "p", units)
    from engine.relative import relative_points

    relative = model.dimensions[0].indicators[0].score.relative
    points = {
        x: relative_points(relative, Decimal(10), Decimal(x), found[n].indicators["rel"]) for n, x in enumerate(xs)
    }
    ordered = sorted(points) if direction == "higher" else sorted(points, reverse=True)
    assert all(points[a] <= points[b] for a, b in zip(ordered, ordered[1:], strict=False))


@settings(max_examples=15, deadline=None)
@given(values, st.sampled_from(["rank", "best", "mean"]))
def test_a_batch_scored_twice_gives_identical_relative_points(xs, method):
    extra = {"rank": {"step": 1}, "best": {}, "mean": {"at_mean": 5, "per": Decimal("0.5")}}[method]
    ruleset = relative_ruleset(method=method, **extra)
    first = run_batch(ruleset, rows_of(xs), workers=1, batch_name="b")
    second = run_batch(ruleset, list(reversed(rows_of(xs))), workers=1, batch_name="b")
    assert [u.scored.json for u in first.units] == [u.scored.json for u in second.units]


# ---------------------------------------------------------------- the language, tests, checks


def _problems(**relative):
    with pytest.raises(RulesetError) as caught:
        relative_ruleset(**relative)
    return [(p.path, p.message) for p in caught.value.problems]


def test_mistakes_are_refused_with_their_element_path():
    path = "dimensions[0].indicators[0].score.relative"
    [(where, message)] = _problems(method="rank")
    assert where.startswith(path) and "step" in message
    [(where, message)] = _problems(method="best", step=1)
    assert where.startswith(path) and "step" in message and "best" in message
    [(where, message)] = _problems(method="mean", per=1, at_mean=11)
    assert where.startswith("dimensions[0].indicators[0]") and "at_mean" in message and "10" in message
    [(where, _)] = _problems(method="average")
    assert where.startswith(path)
    [(where, message)] = _problems(method="best", of="y")
    assert where == f"{path}.of" and "y" in message


def test_a_test_of_a_relative_ruleset_names_its_batch():
    data = ruleset_dict(
        inputs={"x": {"type": "number", "title": "X"}},
        dimensions=[
            {
                "id": "main",
                "title": "主维度",
                "indicators": [
                    {"id": "rel", "title": "相对", "points": 10, "score": {"relative": {"of": "x", "method": "best"}}}
                ],
            }
        ],
        tests=[{"name": "无批次", "input": {"x": 1}, "expect": {"total": 10}}],
    )
    with pytest.raises(RulesetError) as caught:
        build_from(data)
    [problem] = caught.value.problems
    assert problem.path == "tests[0]" and "batch" in problem.message
    data["tests"] = [
        {"name": "一半", "input": {"x": 2}, "batch": [{"x": 4}], "expect": {"total": 5}},
        {"name": "批次中有错", "input": {"x": 2}, "batch": [{"x": "多"}], "expect": {"total": 5}},
    ]
    outcomes = run_tests(build_from(data))
    assert outcomes[0].passed
    assert not outcomes[1].passed and "batch[0]" in outcomes[1].mismatches[0].actual


def test_a_batch_in_a_test_of_a_ruleset_without_relative_indicators_is_refused():
    data = ruleset_dict(
        tests=[{"name": "多余", "input": {"x": 90, "flag": True}, "batch": [], "expect": {"total": 10}}]
    )
    with pytest.raises(RulesetError) as caught:
        build_from(data)
    assert caught.value.problems[0].path == "tests[0].batch"


def test_check_warns_of_relative_surprises():
    best = relative_ruleset(method="best")
    warnings = check_ruleset(best.model, len(best.compiled.conditions)).warnings
    assert any("可能为负数" in w for w in warnings) and any("不参与" in w for w in warnings)
    flat = relative_ruleset(method="rank", step=1, floor=10)
    assert any("每个名次得分相同" in w for w in check_ruleset(flat.model, 0).warnings)


# ---------------------------------------------------------------- the CLI


def test_cli_scores_a_unit_against_a_reference_batch_file(tmp_path):
    runner = CliRunner()
    submission = str(ROOT / "examples" / "township-hekou.json")
    refused = runner.invoke(app, ["score", str(COUNTY), submission])
    assert refused.exit_code == 1 and "needs_reference" in refused.output
    scored = runner.invoke(app, ["score", str(COUNTY), submission, "--reference", str(TOWNSHIPS), "--json"])
    assert scored.exit_code == 0, scored.output
    result = json.loads(scored.output)
    assert result["reference"]["batch"] == "townships.csv"
    assert result["reference"]["indicators"]["income_growth_rank"]["rank"] == 1  # 26 beats the batch's 25
    out = tmp_path / "out.csv"
    batch = runner.invoke(app, ["batch", str(COUNTY), str(TOWNSHIPS), "-o", str(out), "--workers", "1"])
    assert batch.exit_code == 0, batch.output
    with out.open(encoding="utf-8-sig") as handle:
        rows = {row["单位编码"]: row for row in csv.DictReader(handle)}
    assert rows["T01"]["总分"] == "100" and rows["T06"]["状态"] == "取消评定资格"


def test_a_resumed_batch_scores_again_the_units_whose_reference_changed(tmp_path):
    ruleset = relative_ruleset(method="rank", step=1)
    journal = tmp_path / "b.journal"
    rows = rows_of([5, 7, 3, 9])
    run_batch(ruleset, rows[:3], workers=1, journal=journal, batch_name="b")  # stopped before the last row was read
    resumed = run_batch(ruleset, rows, workers=1, journal=journal, batch_name="b")
    fresh = run_batch(ruleset, rows, workers=1, batch_name="b")
    assert [u.scored.json for u in resumed.units] == [u.scored.json for u in fresh.units]
    assert [u.result.indicator("rel").points for u in resumed.units] == [8, 9, 7, 10]


def test_the_indicator_table_exports_and_imports_a_relative_ruleset(tmp_path):
    table, back = tmp_path / "t.xlsx", tmp_path / "back.yaml"
    exported = CliRunner().invoke(app, ["export", str(COUNTY), "-o", str(table)])
    assert exported.exit_code == 0, exported.output
    imported = CliRunner().invoke(app, ["import", str(table), "-o", str(back)])
    assert imported.exit_code == 0, imported.output
    assert load_ruleset(back).model == load_ruleset(COUNTY).model


def test_boundary_cases_of_a_relative_ruleset_are_scored_in_the_base_tests_batch():
    from engine.cases import cases_yaml

    text = cases_yaml(load_ruleset(COUNTY))
    assert "batch: &cases_batch [" in text and text.count("batch: *cases_batch") >= 10


def test_a_relative_version_replayed_against_itself_moves_nobody_and_a_draft_moves_ranks():
    from engine.impact import StoredScore, replay
    from engine.loader import load_text
    from engine.tabular import read_units

    county = load_ruleset(COUNTY)
    rows, _ = read_units(county.model, TOWNSHIPS)
    report = run_batch(county, rows, workers=1, batch_name="townships.csv")
    data = {row.row: row.data for row in rows}
    stored = [
        StoredScore(
            f"s{u.row}", u.result.unit.model_dump(), "2025", "b1", data[u.row], u.result.model_dump(mode="json")
        )
        for u in report.units
    ]
    alone = json.loads((ROOT / "examples" / "township-hekou.json").read_text(encoding="utf-8"))
    placed = place_among(
        county.model,
        "townships.csv",
        {u.row: own_values_of_data(county.model, data[u.row], u.scored.unit.id) for u in report.units},
        own_values_of_data(county.model, alone["data"], "T09"),
    )
    single = score(county, alone["data"], unit={"id": "T09"}, reference=placed)
    stored.append(StoredScore("s-alone", {"id": "T09"}, "2025", None, alone["data"], single.model_dump(mode="json")))
    same = replay(county.model, county, stored)
    assert (same.units, same.errors, same.changed_grade) == (len(stored), 0, 0)
    assert all(Decimal(item.new_total) == Decimal(item.old_total) for item in same.items)
    # a draft giving 2 points a place: the batch's units are placed again among each other
    draft = load_text(COUNTY.read_text(encoding="utf-8").replace("step: 0.5, floor: 5", "step: 2, floor: 0"))
    moved = replay(county.model, draft, stored)
    totals = {item.score_id: (item.old_total, item.new_total) for item in moved.items}
    assert Decimal(totals["s2"][0]) == Decimal(totals["s2"][1])  # T01 stays first
    assert Decimal(totals["s3"][1]) == Decimal(totals["s3"][0]) - Decimal("1.5")  # T02 shares place 2: 8, not 9.5
