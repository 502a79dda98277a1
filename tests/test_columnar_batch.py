"""A columnar batch reports what a plain batch reports, and stops loudly when a columnar
figure is not what the per-unit path computes."""

import json
import pickle
import random
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from api.cli import app
from bench.generate import jurisdiction
from engine import load_ruleset
from engine.batch import run_batch
from engine.columnar import run as columnar_run
from engine.columnar.check import differing
from engine.columnar.run import ColumnarMismatch
from engine.pool import UnitRow, score_rows
from engine.result import UnitRef
from engine.tabular import write_results
from tests.golden_units import random_units, shipped_rulesets

from .conftest import ROOT

RULESETS = shipped_rulesets()


def batch_rows(ruleset, count: int, seed: int) -> list[UnitRow]:
    """Random units of `ruleset`, each named, and one row its inputs refuse."""
    units = random_units(random.Random(seed), ruleset, count)
    rows = [
        UnitRow(row=n + 2, unit=UnitRef(id=f"u{n}", name=f"单位{n}", parent=f"镇{n % 3}"), data=unit["data"])
        for n, unit in enumerate(units)
    ]
    first = rows[0]
    return [*rows, replace(first, row=len(rows) + 2, unit=UnitRef(id="bad"), data={**first.data, "x": 1})]


def written(report, path) -> bytes:
    write_results(report, path)
    return path.read_bytes()


@pytest.mark.parametrize(
    "name",
    [
        "village-branch-stars",
        "synthetic-50",
        "village-cadre-pay",
        "township-secretary-review",
        "county-relative-appraisal",
    ],
)
def test_a_columnar_batch_reports_what_a_plain_batch_reports(name, tmp_path):
    ruleset = RULESETS[name]
    rows = batch_rows(ruleset, 40, seed=11)
    plain = run_batch(ruleset, rows, workers=1)
    columnar = run_batch(ruleset, rows, workers=1, columnar=True)
    counts = columnar.summary.pop("columnar")
    assert "columnar" not in plain.summary
    assert columnar.summary == plain.summary
    assert counts["columnar"] > 0 and counts["columnar"] + counts["per_unit"] == len(rows)
    assert counts["cross_checked"] == min(20, counts["columnar"])
    for suffix in ("csv", "jsonl"):
        assert written(columnar, tmp_path / f"c.{suffix}") == written(plain, tmp_path / f"p.{suffix}")


def _loaded(inputs: dict, dimensions: list, **more):
    """A small ruleset of `inputs` and `dimensions`, two grades, and `more` (vetoes, flags...)."""
    grades = [{"id": "g", "title": "等次", "min": 5}, {"id": "h", "title": "等次二"}]
    ruleset = {"kaoping": 1, "id": "t", "title": "测试", "inputs": inputs, "dimensions": dimensions, "grades": grades}
    return load_ruleset(json.dumps({**ruleset, **more}, ensure_ascii=False))


def _indicator(id_: str, points: int, score: dict) -> dict:
    """A dimension of one indicator."""
    return {
        "id": f"d{id_}",
        "title": "维度",
        "indicators": [{"id": id_, "title": "指标", "points": points, "score": score}],
    }


def _conditional_ruleset(where: str):
    """A ruleset whose veto, flag or adjustment (`where`) reads a conditional on y, which may be "NA"."""
    conditional = "(x if y > 2 else 0) > 1"
    inputs = {
        "x": {"type": "integer", "title": "数", "min": 0, "max": 9},
        "y": {"type": "integer", "title": "数二", "min": 0, "max": 9, "na_allowed": True},
    }
    more = {
        "veto": {"vetoes": [{"id": "v", "title": "否决", "when": conditional, "effect": "lowest"}]},
        "flag": {"flags": [{"id": "f", "title": "提示", "when": conditional}]},
        "adjustment": {
            "adjustments": [
                {"id": "g1", "title": "调整", "items": [{"id": "a", "title": "加分", "points": 1, "when": conditional}]}
            ]
        },
    }[where]
    return _loaded(inputs, [_indicator("i", 10, {"formula": "x"})], **more)


@pytest.mark.parametrize("where", ["veto", "flag", "adjustment"])
def test_a_unit_whose_conditional_is_unknown_goes_per_unit_and_the_counts_say_so(where):
    ruleset = _conditional_ruleset(where)
    datas = [{"x": x, "y": "NA" if x % 3 == 0 else x} for x in range(10)]
    rows = [UnitRow(row=n + 2, unit=UnitRef(id=f"u{n}"), data=d) for n, d in enumerate(datas)]
    plain = run_batch(ruleset, rows, workers=1)
    columnar = run_batch(ruleset, rows, workers=1, columnar=True, check_all=True)
    counts = columnar.summary.pop("columnar")
    assert (counts["columnar"], counts["per_unit"], counts["cross_checked"]) == (6, 4, 6)  # y "NA": x = 0, 3, 6, 9
    assert columnar.summary == plain.summary
    run = columnar_run.score_columnar(ruleset, rows)
    assert [row.unit.id for row in run.left] == ["u0", "u3", "u6", "u9"]


def test_columnar_units_scored_again_per_unit_when_a_refusal_moves_their_peers_count_as_per_unit(tmp_path):
    inputs = {
        "a": {"type": "integer", "title": "数", "min": 0, "max": 99},
        "z": {"type": "integer", "title": "数二", "min": 0, "max": 9, "na_allowed": True},
    }
    rank = _indicator("r", 10, {"relative": {"of": "a", "method": "rank", "step": 1}})
    ruleset = _loaded(inputs, [rank, _indicator("c", 5, {"check": "z > 1"})])
    datas = [{"a": 90, "z": "NA"}, *({"a": a, "z": a % 5} for a in (10, 40, 20, 70, 50))]  # the first: d2 all "NA"
    rows = [UnitRow(row=n + 2, unit=UnitRef(id=f"u{n}"), data=d) for n, d in enumerate(datas)]
    plain = run_batch(ruleset, rows, workers=1)
    columnar = run_batch(ruleset, rows, workers=1, columnar=True)
    counts = columnar.summary.pop("columnar")
    assert columnar.summary == plain.summary
    assert (counts["columnar"], counts["per_unit"]) == (0, 6)  # u0 refused: the others' places move, rescored
    assert written(columnar, tmp_path / "c.csv") == written(plain, tmp_path / "p.csv")


def test_a_wrong_columnar_figure_stops_the_batch_naming_the_unit_and_the_figure(monkeypatch):
    ruleset = RULESETS["synthetic-50"]
    rows = batch_rows(ruleset, 30, seed=4)
    honest = columnar_run.score_columns

    def broken(loaded, values, references):
        figures, left = honest(loaded, values, references)
        figures[7] = replace(figures[7], total=figures[7].total + 1)
        return figures, left

    monkeypatch.setattr(columnar_run, "score_columns", broken)
    with pytest.raises(ColumnarMismatch) as raised:
        run_batch(ruleset, rows, workers=1, columnar=True, check_all=True)
    assert "u7" in str(raised.value) and "total" in str(raised.value) and "不一致" in str(raised.value)


def test_the_sample_is_seeded_and_at_least_twenty_or_one_in_a_hundred():
    rows = list(range(5000))
    assert columnar_run._sample(rows, False, 0) == columnar_run._sample(rows, False, 0)
    assert len(columnar_run._sample(rows, False, 0)) == 50
    assert len(columnar_run._sample(rows[:300], False, 0)) == 20
    assert columnar_run._sample(rows[:300], True, 0) == rows[:300]


def cli_units(tmp_path, name: str) -> tuple[list[str], int]:
    """`kaoping batch` arguments for random units of a shipped ruleset (no output yet), and
    how many units."""
    units = tmp_path / f"{name}.jsonl"
    rows = batch_rows(RULESETS[name], 20, seed=9)
    lines = [json.dumps({"unit": r.unit.model_dump(), "data": r.data}, ensure_ascii=False) for r in rows[:-1]]
    units.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return ["batch", str(ROOT / "rulesets" / f"{name}.yaml"), str(units), "--workers", "1"], len(lines)


def test_the_cli_batch_scores_columnar_when_asked(tmp_path):
    args, count = cli_units(tmp_path, "village-branch-stars")
    plain = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "p.csv")])
    done = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "c.csv"), "--columnar", "--check-all"])
    assert plain.exit_code == 0 and done.exit_code == 0, done.output
    assert f"共 {count} 行: {count} 行已评分, 0 行有错误" in done.output and count > 5
    assert "列式评分" in done.output and "列式评分 0 个" not in done.output and "列式评分" not in plain.output
    assert (tmp_path / "c.csv").read_bytes() == (tmp_path / "p.csv").read_bytes()


def test_a_columnar_unit_writes_its_json_per_unit_once_asked_and_pickles_with_it():
    ruleset = RULESETS["synthetic-50"]
    rows = batch_rows(ruleset, 30, seed=6)[:-1]
    run = columnar_run.score_columnar(ruleset, rows)
    unchecked = next(unit for unit in run.units.values() if unit._json is None)
    row = next(r for r in rows if r.unit == unchecked.unit)
    expected = score_rows(ruleset, [row])[0].unit
    assert unchecked.json == expected.json and unchecked.result == expected.result
    copy = pickle.loads(pickle.dumps(unchecked))
    assert copy.json == expected.json and differing(copy, expected) is None


def test_units_the_quotas_move_keep_their_json_for_later_and_match_the_plain_batch():
    ruleset = RULESETS["village-branch-stars"]
    rows = [
        UnitRow(row=n + 2, unit=UnitRef(id=uid, name=name, parent=town), data=data)
        for n, (uid, name, town, data) in enumerate(jurisdiction(1500, 12))
    ]
    plain = {u.row: u.scored for u in run_batch(ruleset, rows, workers=1).units}
    moved = [u.scored for u in run_batch(ruleset, rows, workers=1, columnar=True).units if u.scored.quota]
    assert len(moved) > 20 and all(unit._json is None for unit in moved)  # no full result rebuilt
    for unit in moved:
        expected = plain[next(row for row, u in plain.items() if u.unit == unit.unit)]
        assert differing(unit, expected) is None
        assert (unit.quota, unit.flags) == (expected.quota, expected.flags)
        assert unit.json == expected.json


class Unused:
    """A pool that must not be asked to score."""

    stats = None

    def run(self, rows):
        raise AssertionError("the few units left by the columnar path go to a worker")


def test_the_few_units_a_columnar_batch_leaves_are_scored_in_this_process(tmp_path):
    ruleset = RULESETS["village-branch-stars"]
    rows = batch_rows(ruleset, 40, seed=11)
    report = run_batch(ruleset, rows, pool=Unused(), columnar=True, journal=tmp_path / "j")
    assert report.summary["columnar"]["per_unit"] >= 1  # the bad row, refused in this process
    assert [e.row for e in report.errors] == [rows[-1].row]
    counts = report.summary["columnar"]
    assert len((tmp_path / "j").read_text(encoding="utf-8").splitlines()) == counts["columnar"] + counts["per_unit"]


def test_a_pool_stops_the_workers_it_never_fed_at_once_and_the_others_when_done():
    from engine.pool import ScoringPool

    ruleset = RULESETS["synthetic-50"]
    with ScoringPool(ruleset.text, None, 2) as idle:
        pass
    assert all(not w.process.is_alive() and w.process.exitcode < 0 for w in idle.workers)  # killed
    rows = batch_rows(ruleset, 1, seed=1)[:1]
    with ScoringPool(ruleset.text, None, 2) as used:
        assert len(list(used.run(rows))) == 1
    fed = [w for w in used.workers if w.fed]
    assert len(fed) == 1 and fed[0].process.exitcode == 0  # asked to stop, and stopped
    assert all(w.process.exitcode < 0 for w in used.workers if not w.fed)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_the_cli_batch_scores_a_county_file_columnar_as_it_scores_it_per_unit(suffix, tmp_path):
    from bench.generate import write_county

    files = dict(zip((".csv", ".xlsx"), write_county(tmp_path / "county", 120, 4)[:2], strict=True))
    args = ["batch", str(ROOT / "rulesets" / "village-branch-stars.yaml"), str(files[suffix]), "--workers", "1"]
    plain = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "p.csv")])
    done = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "c.csv"), "--columnar"])
    assert plain.exit_code == 0 and done.exit_code == 0, done.output
    assert "共 120 行: 120 行已评分" in done.output and "列式评分" in done.output and "列式评分 0 个" not in done.output
    assert (tmp_path / "c.csv").read_bytes() == (tmp_path / "p.csv").read_bytes()


def test_the_cli_starts_no_worker_for_a_columnar_batch_that_leaves_few_units(tmp_path, monkeypatch):
    from bench.generate import write_county
    from engine import batch

    started = []

    class Counted(batch.ScoringPool):
        def __init__(self, *args, **kwargs):
            started.append(args)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(batch, "ScoringPool", Counted)
    county = write_county(tmp_path / "county", 60, 3)[0]
    args = ["batch", str(ROOT / "rulesets" / "village-branch-stars.yaml"), str(county), "--workers", "2"]
    done = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "c.csv"), "--columnar"])
    assert done.exit_code == 0, done.output
    assert started == []  # every unit scored at once in this process, no worker booted for nothing
    plain = CliRunner().invoke(app, [*args, "-o", str(tmp_path / "p.csv")])
    assert plain.exit_code == 0 and len(started) == 1  # the per-unit path starts its pool as before
