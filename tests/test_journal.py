"""A batch's journal holds each unit's figures, not its result; a resumed batch, per unit,
columnar or relative, reports exactly what an uninterrupted one reports."""

import json

from engine import batch as batch_module
from engine.batch import Journal, run_batch
from engine.columnar import run as columnar_run
from engine.journal import figures_of, unit_of
from engine.pool import Scored, UnitRow, score_rows
from engine.result import UnitRef
from engine.scored import ScoredUnit
from engine.tabular import write_results
from tests.test_columnar_batch import RULESETS, batch_rows
from tests.test_relative import relative_ruleset, rows_of

from .conftest import village_submission

BASE = village_submission()["data"]


def village_rows(count: int) -> list[UnitRow]:
    return [
        UnitRow(
            n + 2,
            UnitRef(id=f"v{n:03d}", name=f"村{n}", parent=f"镇{n % 4}"),
            dict(BASE, collective_income=round(1 + (n * 37 % 140) / 10, 1), party_lectures=n % 5),
        )
        for n in range(count)
    ]


def reported(report, folder, name: str) -> tuple[bytes, bytes, bytes]:
    """The CSV report, its summary and the JSON Lines report (every unit's whole result)."""
    csv_path, jsonl_path = folder / f"{name}.csv", folder / f"{name}.jsonl"
    write_results(report, csv_path)
    write_results(report, jsonl_path)
    return csv_path.read_bytes(), csv_path.with_suffix(".summary.json").read_bytes(), jsonl_path.read_bytes()


def journal_lines(path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8")]


def test_a_journal_line_holds_a_units_figures_and_reads_back_to_them(village):
    (outcome,) = score_rows(village, village_rows(1))
    line = json.loads(json.dumps({"figures": figures_of(outcome.unit)}))
    back = unit_of(line["figures"])
    assert len(json.dumps(line, ensure_ascii=False)) < len(outcome.unit.json) / 10
    for name in ScoredUnit._SENT[1:]:
        assert getattr(back, name) == getattr(outcome.unit, name), name
    assert str(back.total) == str(outcome.unit.total)  # "85.50" stays that, not 85.5


def test_a_resumed_batch_after_kills_mid_write_reports_what_an_uninterrupted_one_does(tmp_path, monkeypatch, village):
    rows = village_rows(40)
    journal = tmp_path / "out.csv.journal"
    with journal.open("w", encoding="utf-8") as handle:
        for outcome in score_rows(village, rows[:10]):
            Journal.write(handle, outcome)
        handle.write('{"row": 12, "figures": [["v0')  # killed in the middle of a line
    with Journal(journal).open() as handle:  # resumed, then killed again mid-write
        for outcome in score_rows(village, rows[10:20]):
            Journal.write(handle, outcome)
        handle.write('{"row": 22, "fig')
    scored = []
    real = batch_module.score_rows
    monkeypatch.setattr(
        batch_module, "score_rows", lambda rs, todo: scored.extend(r.row for r in todo) or real(rs, todo)
    )
    resumed = run_batch(village, rows, workers=1, journal=journal)
    assert scored == [r.row for r in rows[20:]]  # nothing journalled after the first cut was lost
    lines = journal_lines(journal)  # every line whole, none a whole result
    assert [line["row"] for line in lines] == [r.row for r in rows] and all("result" not in line for line in lines)
    fresh = run_batch(village, rows, workers=1)
    assert reported(resumed, tmp_path, "resumed") == reported(fresh, tmp_path, "fresh")
    assert resumed.summary["quota_moves"] == fresh.summary["quota_moves"]


def test_columnar_units_are_journalled_and_a_resumed_columnar_batch_reports_the_same(tmp_path, monkeypatch):
    ruleset = RULESETS["synthetic-50"]
    rows = batch_rows(ruleset, 60, seed=3)
    journal = tmp_path / "out.csv.journal"
    first = run_batch(ruleset, rows, workers=1, journal=journal, columnar=True)
    lines = journal_lines(journal)
    assert sorted(line["row"] for line in lines) == [r.row for r in rows]
    assert sum(line.get("columnar", False) for line in lines) == first.summary["columnar"]["columnar"] == len(rows) - 1
    with journal.open("rb+") as handle:  # killed while the columnar units were written
        handle.truncate(sum(len(line) for line in journal.read_bytes().splitlines(keepends=True)[:25]) + 7)
    given = []
    real = columnar_run.score_columnar
    monkeypatch.setattr(
        columnar_run, "score_columnar", lambda rs, todo, **kw: given.extend(todo) or real(rs, todo, **kw)
    )
    resumed = run_batch(ruleset, rows, workers=1, journal=journal, columnar=True)
    assert [r.row for r in given] == sorted(line["row"] for line in lines[25:])
    fresh = run_batch(ruleset, rows, workers=1, columnar=True)
    assert reported(resumed, tmp_path, "resumed")[::2] == reported(fresh, tmp_path, "fresh")[::2]
    counts = resumed.summary.pop("columnar"), fresh.summary.pop("columnar")
    assert [{k: v for k, v in c.items() if k != "cross_checked"} for c in counts] == [
        {"columnar": len(rows) - 1, "per_unit": 1}
    ] * 2
    assert resumed.summary == fresh.summary  # the cross-check counts the units this run checked


def test_a_relative_batch_resumes_from_figures_with_each_units_reference(tmp_path):
    ruleset = relative_ruleset(method="rank", step=1)
    journal = tmp_path / "b.journal"
    rows = rows_of([5, 7, 3, 9, 1])
    run_batch(ruleset, rows[:3], workers=1, journal=journal, batch_name="b")
    assert all(line["figures"][-1]["batch"] == "b" for line in journal_lines(journal))
    resumed = run_batch(ruleset, rows, workers=1, journal=journal, batch_name="b")
    fresh = run_batch(ruleset, rows, workers=1, batch_name="b")
    assert [u.scored.reference for u in resumed.units] == [u.scored.reference for u in fresh.units]
    assert reported(resumed, tmp_path, "resumed") == reported(fresh, tmp_path, "fresh")


def test_a_batch_keeps_no_json_unless_asked_and_writes_it_again_from_the_row(village):
    rows = village_rows(6)
    lean = run_batch(village, rows, workers=1)
    kept = run_batch(village, rows, workers=1, keep_json=True)
    unmoved = [u for u in lean.units if u.scored.quota is None]
    assert unmoved and all(u.scored._json is None for u in unmoved)
    # kept, but for a unit a quota moves: its JSON, the kept one with the move applied, when asked for
    assert all(bool(u.scored._json) == (u.scored.quota is None) for u in kept.units)
    assert [u.scored.json for u in lean.units] == [u.scored.json for u in kept.units]
    assert [u.result for u in lean.units] == [u.result for u in kept.units]


def test_a_unit_journalled_for_a_row_the_file_no_longer_holds_stays_out(tmp_path, village):
    rows = village_rows(5)
    journal = tmp_path / "out.csv.journal"
    with journal.open("w", encoding="utf-8") as handle:
        for outcome in score_rows(village, rows):
            Journal.write(handle, outcome)
    assert isinstance(outcome, Scored)
    report = run_batch(village, rows[:3], workers=1, journal=journal)
    assert [u.row for u in report.units] == [r.row for r in rows[:3]]


def test_a_columnar_batch_scored_in_chunks_reports_what_one_chunk_does(tmp_path, monkeypatch):
    ruleset = RULESETS["synthetic-50"]
    rows = batch_rows(ruleset, 40, seed=4)
    whole = run_batch(ruleset, rows, workers=1, columnar=True)
    monkeypatch.setattr(batch_module, "COLUMNAR_CHUNK", 7)
    journal = tmp_path / "out.csv.journal"
    chunked = run_batch(ruleset, rows, workers=1, columnar=True, journal=journal)
    assert len(journal_lines(journal)) == len(rows)
    assert reported(chunked, tmp_path, "chunked")[::2] == reported(whole, tmp_path, "whole")[::2]
    counts = chunked.summary.pop("columnar"), whole.summary.pop("columnar")
    assert counts[0]["columnar"] == counts[1]["columnar"] == len(rows) - 1
    assert counts[0]["cross_checked"] == len(rows) - 1  # each chunk's sample: at least 20, all of 7
    assert chunked.summary == whole.summary
