"""Whole-jurisdiction batches: files in and out, crashes contained, kill and resume."""

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from engine import batch as batch_module
from engine.batch import Journal, run_batch
from engine.pool import Scored, UnitRow
from engine.result import UnitRef
from engine.tabular import BatchFileError, read_units, write_results

from .conftest import ROOT, village_submission

BASE = village_submission()["data"]
KEYS = list(BASE)


def write_csv(path, count, bad_rows=(), titles=False, village=None):
    titles_of = {k: village.model.inputs[k].title for k in KEYS} if titles else {}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["单位编码", "单位名称", "乡镇"] + [titles_of.get(k, k) for k in KEYS])
        for n in range(count):
            row = dict(BASE, collective_income=round(1 + (n * 37 % 140) / 10, 1), party_lectures=n % 5)
            if n in bad_rows:
                row["party_lectures"] = "很多"
            writer.writerow(
                [f"v{n:05d}", f"村{n}", f"镇{n % 12}"]
                + ["是" if v is True else "否" if v is False else v for v in (row[k] for k in KEYS)]
            )


def test_reading_csv_by_titles_converts_types_and_reports_bad_rows(tmp_path, village):
    path = tmp_path / "units.csv"
    write_csv(path, 20, bad_rows={3}, titles=True, village=village)
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["", "无编码村", "镇0"] + [BASE[k] for k in KEYS])
        csv.writer(handle).writerow(["v00001", "重复", "镇0"] + [BASE[k] for k in KEYS])
    rows, errors = read_units(village.model, path)
    assert len(rows) == 20
    assert rows[0].row == 2 and rows[0].unit == UnitRef(id="v00000", name="村0", parent="镇0")
    assert rows[0].data["has_activity_site"] is True and rows[0].data["collective_income"] == Decimal("1")
    assert rows[0].data["migrant_members_contact_pct"] == "NA"
    assert [(e.row, e.code) for e in errors] == [(22, "missing"), (23, "duplicate_unit")]
    report = run_batch(village, rows, workers=1, read_errors=errors)
    assert report.summary["rows"] == 22 and report.summary["scored"] == 19 and report.summary["error_rows"] == 3
    bad = [e for e in report.errors if e.row == 5]
    assert [(e.unit_id, e.field, e.code) for e in bad] == [("v00003", "party_lectures", "invalid_type")]


def test_a_file_with_unknown_columns_or_no_unit_id_is_refused(tmp_path, village):
    path = tmp_path / "bad.csv"
    path.write_text("单位编码,颜色\nv1,红\n", encoding="utf-8")
    try:
        read_units(village.model, path)
    except BatchFileError as error:
        assert "颜色" in str(error)
    else:
        raise AssertionError("refused")
    path.write_text("collective_income\n1\n", encoding="utf-8")
    try:
        read_units(village.model, path)
    except BatchFileError as error:
        assert "单位编码" in str(error)
    else:
        raise AssertionError("refused")


def test_excel_in_and_out_with_sheets_headers_chart_and_counts(tmp_path, village):
    source = tmp_path / "units.csv"
    write_csv(source, 60, bad_rows={10, 11})
    rows, errors = read_units(village.model, source)
    report = run_batch(village, rows, workers=1, read_errors=errors)
    xlsx = tmp_path / "results.xlsx"
    write_results(report, xlsx)
    again, again_errors = read_units(village.model, _as_xlsx(source, tmp_path))
    assert [r.data for r in again] == [r.data for r in rows]
    workbook = load_workbook(xlsx)
    assert workbook.sheetnames == ["结果", "错误", "汇总", "指标明细"]
    results = list(workbook["结果"].iter_rows(values_only=True))
    assert results[0][:5] == ("行号", "单位编码", "单位名称", "上级单位", "组织建设")
    assert results[0][10:17] == ("基础分合计", "加分项", "扣分项", "总分(舍入前)", "总分", "等次", "状态")
    assert results[0][-6:] == ("排名", "上级内排名", "一票否决", "名额调整", "标记", "提示事项")
    errors_sheet = list(workbook["错误"].iter_rows(values_only=True))
    assert len(results) - 1 + len({e[0] for e in errors_sheet[1:]}) == 60  # every row somewhere
    assert {e[0] for e in errors_sheet[1:]} == {12, 13}
    summary = workbook["汇总"]
    assert len(summary._charts) == 1
    counts = {row[0]: row[1] for row in summary.iter_rows(min_row=6, max_row=11, values_only=True)}
    assert sum(counts.values()) == 58
    graded = sum(1 for r in results[1:] if r[15] != "取消评定资格")
    assert counts["五星"] <= graded // 10  # the 10% quota holds


def _as_xlsx(source, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    with source.open(encoding="utf-8") as handle:
        for row in csv.reader(handle):
            sheet.append([_typed(v) for v in row])
    path = tmp_path / "units.xlsx"
    workbook.save(path)
    return path


def _typed(value: str):
    try:
        return int(value)
    except ValueError:
        try:
            return float(value)
        except ValueError:
            return value


def test_csv_and_jsonl_outputs(tmp_path, village):
    rows, errors = read_units(village.model, _jsonl(tmp_path))
    assert errors[0].code == "invalid_json" and len(rows) == 5
    report = run_batch(village, rows, workers=1, read_errors=errors)
    written = write_results(report, tmp_path / "out.csv")
    assert [p.name for p in written] == ["out.csv", "out.summary.json"]
    lines = list(csv.reader((tmp_path / "out.csv").open(encoding="utf-8-sig")))
    assert len(lines) == 7  # the header, five units and the error row, in row order
    assert [line[0] for line in lines[1:]] == sorted((line[0] for line in lines[1:]), key=int)
    assert json.loads((tmp_path / "out.summary.json").read_text(encoding="utf-8"))["scored"] == 5
    write_results(report, tmp_path / "out.jsonl")
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").open(encoding="utf-8")]
    assert sum("result" in line for line in lines) == 5 and sum("error" in line for line in lines) == 1


def _jsonl(tmp_path):
    path = tmp_path / "units.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for n in range(5):
            handle.write(json.dumps({"unit": {"id": f"j{n}", "parent": "镇"}, "data": BASE}, ensure_ascii=False) + "\n")
        handle.write("{broken\n")
    return path


def test_a_worker_that_dies_is_replaced_and_a_unit_that_kills_twice_is_an_error_row(monkeypatch, village):
    monkeypatch.setenv("KAOPING_TEST_CRASH_UNIT", "u7")
    rows = [UnitRow(n + 2, UnitRef(id=f"u{n}"), dict(BASE)) for n in range(250)]
    report = run_batch(village, rows, workers=2)
    assert len(report.units) == 249
    [error] = report.errors
    assert (error.row, error.unit_id, error.code) == (9, "u7", "crashed")
    assert report.pool.workers_replaced == 2 and report.pool.units_retried == 100
    assert sorted(u.row for u in report.units) == [n + 2 for n in range(250) if n != 7]


def test_resume_scores_only_what_the_journal_lacks(tmp_path, monkeypatch, village):
    rows = [UnitRow(n + 2, UnitRef(id=f"u{n}"), dict(BASE)) for n in range(30)]
    journal = tmp_path / "out.xlsx.journal"
    first = batch_module.score_rows(village, rows[:12])
    with journal.open("w", encoding="utf-8") as handle:
        for outcome in first:
            Journal.write(handle, outcome)
        handle.write('{"row": 14, "result": {"trunc')  # killed in the middle of a line
    scored = []
    real = batch_module.score_rows
    monkeypatch.setattr(
        batch_module, "score_rows", lambda rs, todo: scored.extend(r.row for r in todo) or real(rs, todo)
    )
    report = run_batch(village, rows, workers=1, journal=journal)
    assert scored == [r.row for r in rows[12:]]
    assert sorted(u.row for u in report.units) == [r.row for r in rows]
    assert isinstance(first[0], Scored)


def test_killing_a_batch_midway_and_resuming_loses_and_duplicates_nothing(tmp_path, village):
    source, output = tmp_path / "units.csv", tmp_path / "results.jsonl"
    write_csv(source, 3000, bad_rows={5})
    command = [
        sys.executable,
        "-m",
        "api.cli",
        "batch",
        str(ROOT / "rulesets" / "village-branch-stars.yaml"),
        str(source),
        "-o",
        str(output),
        "--workers",
        "2",
    ]
    env = {**os.environ, "COLUMNS": "120"}
    runner = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    journal = output.with_name(output.name + ".journal")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if journal.exists() and sum(1 for _ in journal.open(encoding="utf-8")) >= 400:
            break
        time.sleep(0.05)
    os.killpg(runner.pid, signal.SIGKILL)
    runner.wait()
    done_before = sum(1 for _ in journal.open(encoding="utf-8"))
    assert 400 <= done_before < 3000 and not output.exists()
    refused = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    assert refused.returncode == 1 and "--resume" in refused.stderr
    resumed = subprocess.run(command + ["--resume"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    lines = [json.loads(line) for line in output.open(encoding="utf-8")]
    rows = [line["row"] for line in lines]
    assert sorted(rows) == list(range(2, 3002)) and len(rows) == len(set(rows))
    assert [line["error"]["code"] for line in lines if "error" in line] == ["invalid_type"]
    assert not journal.exists()
    assert "共 3000 行: 2999 行已评分, 1 行有错误" in resumed.stdout


def test_a_scored_unit_travels_without_its_parsed_result_and_rebuilds_it_on_demand(village):
    import pickle

    from engine import score
    from engine.scored import ScoredUnit

    result = score(village, dict(BASE), unit={"id": "v1", "parent": "镇"})
    unit = ScoredUnit.of(village.model, result)
    travelled = pickle.loads(pickle.dumps(unit))
    assert travelled._result is None
    assert (travelled.total, travelled.grade, travelled.unit) == (result.total, result.grade.id, result.unit)
    assert travelled.contributions == tuple(d.contribution for d in result.dimensions)
    assert travelled.result == result


def test_a_batch_scores_in_the_pool_it_is_given(village):
    from engine.batch import scoring_pool

    rows = [UnitRow(n + 2, UnitRef(id=f"u{n}"), dict(BASE, party_lectures=n % 5)) for n in range(40)]
    alone = run_batch(village, rows, workers=1)
    with scoring_pool(village, 2) as pool:
        pooled = run_batch(village, rows, pool=pool)
        assert all(worker.process.is_alive() for worker in pool.workers)  # the batch did not stop them
    assert [u.scored.json for u in pooled.units] == [u.scored.json for u in alone.units]
    assert pooled.summary == alone.summary


def test_a_stored_unit_reads_the_same_figures_as_the_scored_one(village):
    from engine import score
    from engine.scored import ScoredUnit

    vetoed = dict(BASE, falsified_data=True)
    for data in (dict(BASE), vetoed):
        scored = ScoredUnit.of(village.model, score(village, data, unit={"id": "v1", "parent": "镇"}))
        stored = ScoredUnit.stored(village.model, scored.json)
        figures = ("unit", "status", "total", "grade", "contributions", "vetoes", "flags", "raised", "quota")
        assert [getattr(stored, f) for f in figures] == [getattr(scored, f) for f in figures]
    assert stored.vetoes and stored.raised == ("close_watch",)  # the second unit was vetoed


def test_a_file_without_a_unit_id_column_says_so_beside_its_unknown_columns(village, tmp_path):
    path = tmp_path / "units.csv"
    path.write_text("村名,村集体经济收入\n甲,5\n", encoding="utf-8")
    try:
        read_units(village.model, path)
    except BatchFileError as error:
        message = str(error)
    else:
        raise AssertionError("a file without a unit id column was read")
    assert "没有单位编码列" in message
    assert "村名" in message and "是否指 村集体经济年收入?" in message


def test_quartiles_order_decimals_and_fractions_exactly_even_where_their_floats_tie():
    from fractions import Fraction

    from engine.batch import quartiles

    third = Fraction(1, 3)
    close = [third, Decimal("0.3333333333333333333333333333"), third + Fraction(1, 10**30)]
    close.append(Decimal("0.3333333333333333"))
    values = close * 3 + [Decimal(1), Fraction(2, 7)]
    expected = sorted(values)
    for seed in range(5):
        shuffled = list(values)
        random.Random(seed).shuffle(shuffled)
        found = quartiles(shuffled)
        assert (found["min"], found["max"]) == (expected[0], expected[-1])
        assert Fraction(found["median"]) == (Fraction(expected[6]) + Fraction(expected[7])) / 2
        assert found == quartiles(values)


def test_a_workbooks_headers_as_written_come_from_the_file_read_and_follow_a_rewrite(tmp_path):
    from openpyxl import Workbook

    from engine import load_ruleset
    from engine.tabular import headers_as_written

    model = load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml").model
    path = tmp_path / "units.xlsx"

    def save(header: str) -> None:
        workbook = Workbook()
        workbook.active.append(["单位编码", header])
        workbook.active.append(["v1", 3])
        workbook.save(path)

    save("branch_assemblies")
    assert headers_as_written(model, path) == {"branch_assemblies": "branch_assemblies"}  # nothing read yet
    read_units(model, path)
    assert headers_as_written(model, path) == {"branch_assemblies": "branch_assemblies"}
    title = model.inputs["branch_assemblies"].title
    save(title)  # another file at the same path: its own header counts
    assert headers_as_written(model, path) == {"branch_assemblies": title}


def test_a_sheet_declaring_16384_columns_is_refused_by_the_reader_itself(tmp_path):
    import re
    import zipfile

    from openpyxl import Workbook

    from engine import load_ruleset

    model = load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml").model
    plain, wide = tmp_path / "plain.xlsx", tmp_path / "wide.xlsx"
    workbook = Workbook()
    workbook.active.append(["单位编码", "branch_assemblies"])
    workbook.active.append(["v1", 3])
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(wide, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                assert b"<dimension" in data
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD2000"', data)
            target.writestr(name, data)
    assert read_units(model, plain)[0]
    with pytest.raises(BatchFileError, match="16,384 列"):
        read_units(model, wide)
