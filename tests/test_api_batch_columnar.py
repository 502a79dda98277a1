"""A service batch scored on the columnar path stores the per-unit path's results, and
stops, storing nothing, when the two paths disagree on a unit."""

from dataclasses import replace

import orjson
from sqlalchemy import select

from api.batches import BatchRunner
from api.services.filled import fill_rows
from api.tables import ScoreRecord
from engine import load_ruleset
from engine.batch import run_batch
from engine.columnar import run as columnar_run
from engine.tabular import read_units

from .conftest import ROOT
from .test_api_batches import upload, wait_done
from .test_batch import write_csv


def test_stored_records_are_the_per_unit_results_and_the_summary_counts_the_columnar_units(village_service, tmp_path):
    path = tmp_path / "county.csv"
    write_csv(path, 40, bad_rows={4, 9})
    batch = wait_done(village_service, upload(village_service, path).json()["id"])
    assert batch["status"] == "done", batch
    # the two rows whose party lectures are 很多 are refused by the per-unit path
    assert batch["summary"]["columnar"] == {"columnar": 38, "per_unit": 2, "cross_checked": 38}
    village = load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml", version=1)
    rows, errors = read_units(village.model, path)
    with village_service.app.state.sessions() as session:
        rows, errors = fill_rows(session, village.model, "village-branch-stars", "2025", rows, errors)
        expected = run_batch(village, rows, workers=1, read_errors=errors)  # the per-unit path alone
        stored = {
            r.batch_row: r.result
            for r in session.scalars(select(ScoreRecord).where(ScoreRecord.batch_id == batch["id"]))
        }
    assert sorted(stored) == [u.row for u in expected.units]
    assert any(u.scored.quota for u in expected.units)  # moved units too are the per-unit results
    for unit in expected.units:
        assert stored[unit.row] == orjson.loads(unit.scored.json), unit.row
    assert village_service.call("GET", "/audit/verify", "auditor").json()["intact"] is True


def test_a_columnar_figure_the_per_unit_path_does_not_confirm_fails_the_batch(village_service, tmp_path, monkeypatch):
    scored = columnar_run.score_columns

    def one_total_off(ruleset, values, *references):
        figures, per_unit = scored(ruleset, values, *references)
        figures[3] = replace(figures[3], total=figures[3].total + 1)
        return figures, per_unit

    monkeypatch.setattr(columnar_run, "score_columns", one_total_off)
    monkeypatch.setattr(columnar_run, "_sample", lambda rows, check_all, seed: [])  # only the full check sees it
    village_service.app.state.batches.stop()  # the batch runs here, in this process, patched
    path = tmp_path / "county.csv"
    write_csv(path, 10)
    batch_id = upload(village_service, path).json()["id"]
    runner = BatchRunner(village_service.app.state.sessions, tmp_path / "runner", workers=1)
    assert runner.claim(batch_id)
    runner.process(batch_id)
    batch = village_service.call("GET", f"/batches/{batch_id}", "auditor").json()
    assert batch["status"] == "failed"
    assert "列式评分与逐单位评分不一致" in batch["failure"] and "v00003" in batch["failure"], batch["failure"]
    assert "total" in batch["failure"] and batch["stored"] == 0
    records = village_service.call("GET", "/scores?period=2025&limit=50", "auditor").json()
    assert records["total"] == 0
