"""Batches through the service: upload, progress, records, downloads, and resuming."""

import io
import json
import time
import uuid
from datetime import timedelta

from openpyxl import load_workbook

from api import store
from api.tables import Batch
from engine import load_ruleset
from engine.batch import Journal
from engine.pool import UnitRow, score_rows
from engine.result import UnitRef

from .conftest import ROOT, VILLAGE_TEXT
from .test_batch import BASE, write_csv


def wait_done(service, batch_id, seconds=120):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch = service.call("GET", f"/batches/{batch_id}", "auditor").json()
        if batch["status"] in ("done", "failed"):
            return batch
        time.sleep(0.2)
    raise AssertionError(f"batch still {batch['status']}")


def upload(service, path, period="2025"):
    with path.open("rb") as handle:
        return service.call(
            "POST",
            f"/rulesets/village-branch-stars/batches?period={period}",
            "submitter",
            files={"file": (path.name, handle, "text/csv")},
        )


def test_a_batch_is_scored_stored_as_records_and_downloadable(village_service, tmp_path):
    path = tmp_path / "county.csv"
    write_csv(path, 40, bad_rows={4, 9})
    accepted = upload(village_service, path)
    assert accepted.status_code == 202, accepted.text
    assert accepted.json()["status"] == "queued"
    assert accepted.json()["rows"] is None  # answered before its rows were read
    batch = wait_done(village_service, accepted.json()["id"])
    assert batch["status"] == "done" and batch["rows"] == 40, batch
    assert (batch["scored"], batch["stored"], batch["error_rows"]) == (38, 38, 2)
    assert batch["summary"]["scored"] + batch["summary"]["error_rows"] == 40
    records = village_service.call("GET", "/scores?period=2025&limit=500", "auditor").json()
    assert records["total"] == 38 and all(r["batch_id"] == batch["id"] for r in records["items"])
    moved = [r for r in records["items"] if village_service.call("GET", f"/scores/{r['id']}").json()["result"]["quota"]]
    assert moved  # quotas moved some units: verification must reproduce the batch's decision too
    for record in records["items"]:
        verified = village_service.call("POST", f"/scores/{record['id']}/verify", "auditor").json()
        assert verified["identical"] is True, verified["differences"][:5]
    assert village_service.call("GET", "/audit/verify", "auditor").json()["intact"] is True
    xlsx = village_service.call("GET", f"/batches/{batch['id']}/results?format=xlsx", "auditor")
    assert xlsx.status_code == 200
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == ["结果", "错误", "汇总", "指标明细"] and len(workbook["汇总"]._charts) == 1
    assert workbook["结果"].max_row == 39 and workbook["错误"].max_row == 3
    header = [c.value for c in workbook["结果"][1]]
    record_ids = {workbook["结果"].cell(r, header.index("记录编号") + 1).value for r in range(2, 40)}
    stored = {r["id"] for r in village_service.call("GET", "/scores?limit=500", "auditor").json()["items"]}
    assert record_ids <= stored and len(record_ids) == 38  # each row finds its audit record
    as_json = village_service.call("GET", f"/batches/{batch['id']}/results?format=json", "auditor").json()
    assert len(as_json["units"]) == 38 and {e["row"] for e in as_json["errors"]} == {6, 11}
    as_csv = village_service.call("GET", f"/batches/{batch['id']}/results?format=csv", "auditor")
    assert as_csv.text.count("\n") == 41  # the header, 38 units and the 2 error rows, in row order
    assert as_csv.text.count(",错误,") == 2


def test_unreadable_files_are_refused_at_once(village_service, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("单位编码,颜色\nv1,红\n", encoding="utf-8")
    response = upload(village_service, path)
    assert response.status_code == 422 and "颜色" in response.json()["detail"]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    assert upload(village_service, broken).status_code == 422
    other = tmp_path / "units.txt"
    other.write_text("x", encoding="utf-8")
    assert upload(village_service, other).status_code == 422
    assert village_service.call("GET", "/batches/nope").status_code == 404


def _batch_row(service, lease_owner, lease_until, rows_csv, status="running"):
    version = None
    with service.app.state.sessions() as session:
        version = store.get_version(session, "village-branch-stars", 1)
        batch = Batch(
            id=str(uuid.uuid4()),
            ruleset_id="village-branch-stars",
            version=1,
            period="2024",
            status=status,
            filename="units.csv",
            content=rows_csv,
            rows=30,
            scored=0,
            stored=0,
            error_rows=0,
            actor="submitter-测试 (submitter)",
            actor_token_id=1,
            created_at=store.now(),
            lease_owner=lease_owner,
            lease_until=lease_until,
        )
        session.add(batch)
        session.commit()
        assert version.number == 1
        return batch.id


def test_results_of_an_unfinished_batch_are_a_conflict(village_service, tmp_path):
    path = tmp_path / "units.csv"
    write_csv(path, 30)
    batch_id = _batch_row(village_service, "someone-else", store.now() + timedelta(hours=1), path.read_bytes())
    response = village_service.call("GET", f"/batches/{batch_id}/results", "auditor")
    assert response.status_code == 409
    assert village_service.call("GET", f"/batches/{batch_id}", "auditor").json()["status"] == "running"


def test_an_interrupted_batch_is_finished_on_restart_without_rescoring_or_duplicates(service, tmp_path):
    from api.app import create_app

    assert service.add_ruleset(VILLAGE_TEXT).status_code == 201
    path = tmp_path / "units.csv"
    write_csv(path, 30)
    batch_id = _batch_row(service, "a-dead-process", store.now() - timedelta(seconds=1), path.read_bytes())
    village = load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml", version=1)
    done = score_rows(
        village,
        [
            UnitRow(
                n + 2,
                UnitRef(id=f"v{n:05d}", name=f"村{n}", parent=f"镇{n % 12}"),
                dict(BASE, collective_income=round(1 + (n * 37 % 140) / 10, 1), party_lectures=n % 5),
            )
            for n in range(10)
        ],
    )
    journal = service.app.state.settings.data_dir / "batches" / f"{batch_id}.journal"
    with journal.open("w", encoding="utf-8") as handle:
        for outcome in done:
            Journal.write(handle, outcome)
    restarted = create_app(service.app.state.settings)  # a new process: takes the batch up
    try:
        batch = wait_done(service, batch_id)
        assert batch["status"] == "done" and batch["scored"] == 30 and batch["stored"] == 30
        rows = json.loads(service.call("GET", f"/batches/{batch_id}/results?format=json").text)["units"]
        assert sorted(u["row"] for u in rows) == list(range(2, 32))
        assert service.call("GET", "/scores?period=2024&limit=500").json()["total"] == 30
        assert not journal.exists()
    finally:
        restarted.state.batches.stop()
        restarted.state.engine.dispose()
