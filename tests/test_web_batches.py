"""The batch pages without a browser: upload through the page (refused files said in
Chinese beside the file field), progress, and the dashboard's distribution, ranking
(equal to the engine's), quota moves and ties, error rows and downloads."""

from __future__ import annotations

import html
import json
import re

import pytest

from api.batches import report_of
from api.services import batch_results
from api.tables import Batch

from .test_api_batches import wait_done
from .test_batch import write_csv


def upload_page(service, path, **fields):
    form = {"ruleset": "village-branch-stars", "period": "2025", **fields}
    with path.open("rb") as handle:
        return service.client.post(
            "/ui/batches",
            data=form,
            files={"file": (path.name, handle, "text/csv")},
            headers=service.headers("submitter"),
            follow_redirects=False,
        )


@pytest.fixture
def finished(village_service, tmp_path):
    path = tmp_path / "county.csv"
    write_csv(path, 40, bad_rows={4, 9})
    answer = upload_page(village_service, path)
    assert answer.status_code == 303, answer.text
    batch_id = answer.headers["location"].removeprefix("/ui/batches/")
    assert wait_done(village_service, batch_id)["status"] == "done"
    return village_service, batch_id


def test_the_dashboard_shows_distribution_ranking_moves_ties_and_error_rows(finished):
    service, batch_id = finished
    page = service.client.get(f"/ui/batches/{batch_id}", headers=service.headers("auditor"))
    assert page.status_code == 200
    text = html.unescape(page.text)
    with service.app.state.sessions() as session:
        batch = session.get(Batch, batch_id)
        summary = batch.summary
        report = report_of(session, batch)
    titles = re.search(r"data-titles='([^']*)'", text)[1]
    counts = re.search(r"data-counts='([^']*)'", text)[1]
    assert [g["title"] for g in summary["grades"]] == json.loads(titles)
    assert [g["count"] for g in summary["grades"]] == json.loads(counts)
    assert "echarts.min.js" in page.text
    ranking = re.search(r'<table id="ranking">(.*?)</table>', text, re.S)[1]
    first = sorted((u for u in report.units if u.rank is not None), key=lambda u: (u.rank, u.row))[:50]
    rows = re.findall(r'<tr data-row="(\d+)">\s*<td class="num">([^<]*)</td>', ranking)
    assert [(int(r), int(k)) for r, k in rows] == [(u.row, u.rank) for u in first]
    for unit in first:
        assert f'href="/ui/scores/{report.record_ids[unit.row]}"' in ranking
    moves = summary["quota_moves"]
    assert moves and all(m["reason"] in text for m in moves)
    if any(m["tie"] for m in moves):
        assert 'id="ties"' in text and "提交评审委员会" in text
    errors = re.search(r'<section class="card" id="error-rows">(.*?)</section>', text, re.S)[1]
    for error in batch.errors:
        assert f'<td class="num">{error["row"]}</td>' in errors and error["message"] in errors
    assert {e["row"] for e in batch.errors} == {6, 11}
    columnar = re.search(r'<span class="hint" id="columnar">([^<]*)</span>', text)[1]
    assert columnar == "其中列式评分 38 个，逐单位评分 2 个；逐单位复核 38 个"
    for kind in ("xlsx", "csv", "json"):
        assert f"/ui/batches/{batch_id}/results.{kind}" in page.text


def test_the_databases_ranking_is_the_engines_overall_and_within_each_parent(finished):
    service, batch_id = finished
    with service.app.state.sessions() as session:
        batch = session.get(Batch, batch_id)
        report = report_of(session, batch)
        model = batch_results.model_of(session, batch)
        _, rows = batch_results.ranking(session, batch, model, None, "unit", 0, 1000)
        assert {r.row: (r.rank, r.parent_rank) for r in rows} == {u.row: (u.rank, u.parent_rank) for u in report.units}
        count, town = batch_results.ranking(session, batch, model, "镇3", "parent", 0, 1000)
        assert count == sum(1 for u in report.units if u.scored.unit.parent == "镇3")
        assert [r.parent_rank for r in town] == sorted(r.parent_rank for r in town)
        by_total = batch_results.ranking(session, batch, model, None, "total", 0, 1000)[1]
        totals = [float(r.total) for r in by_total]
        assert totals == sorted(totals, reverse=True)


def test_the_ranking_is_filtered_by_parent_sorted_and_paged(finished):
    service, batch_id = finished
    headers = service.headers("auditor")
    page = service.client.get(f"/ui/batches/{batch_id}?parent=镇3&sort=parent", headers=headers)
    ranking = re.search(r'<table id="ranking">(.*?)</table>', page.text, re.S)[1]
    parents = re.findall(r"<td>(镇\d+)</td>", ranking)
    assert parents and set(parents) == {"镇3"}
    second = service.client.get(f"/ui/batches/{batch_id}?page=2", headers=headers)
    assert "第 1 / 1 页" in service.client.get(f"/ui/batches/{batch_id}", headers=headers).text
    assert second.status_code == 200
    assert service.client.get(f"/ui/batches/{batch_id}?sort=bogus", headers=headers).status_code == 422


def test_downloads_are_served_under_the_pages(finished):
    service, batch_id = finished
    headers = service.headers("auditor")
    xlsx = service.client.get(f"/ui/batches/{batch_id}/results.xlsx", headers=headers)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    csv = service.client.get(f"/ui/batches/{batch_id}/results.csv", headers=headers)
    assert csv.text.count(",错误,") == 2
    as_json = service.client.get(f"/ui/batches/{batch_id}/results.json", headers=headers)
    assert len(as_json.json()["units"]) == 38
    assert service.client.get(f"/ui/batches/{batch_id}/results.pdf", headers=headers).status_code == 404


def test_the_list_shows_the_batch_and_its_progress_fragment(finished):
    service, batch_id = finished
    listing = service.client.get("/ui/batches", headers=service.headers("submitter"))
    assert f'href="/ui/batches/{batch_id}"' in listing.text and "已完成" in listing.text
    assert 'enctype="multipart/form-data"' in listing.text
    fragment = service.client.get(
        f"/ui/batches/{batch_id}/progress?reload=1", headers=service.headers("submitter", **{"HX-Request": "true"})
    )
    assert fragment.headers.get("hx-refresh") == "true" and "已完成" in fragment.text
    with service.app.state.sessions() as session:
        session.get(Batch, batch_id).status = "running"  # as the runner leaves it mid-way
        session.commit()
    running = service.client.get(f"/ui/batches/{batch_id}/progress?reload=1", headers=service.headers("submitter"))
    with service.app.state.sessions() as session:
        session.get(Batch, batch_id).status = "done"
        session.commit()
    assert 'hx-trigger="every 1s"' in running.text and "progress?reload=1" in running.text  # polls on, then reloads
    assert "hx-trigger" not in fragment.text  # finished: polling stops


def test_refused_files_are_said_in_chinese_beside_the_file_field(village_service, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("单位编码,颜色\nv1,红\n", encoding="utf-8")
    page = upload_page(village_service, bad)
    assert page.status_code == 422
    problem = re.search(r'<p class="field-error" id="err-file">([^<]*)</p>', page.text)
    assert problem and "颜色" in html.unescape(problem[1])
    assert 'value="2025"' in page.text  # the period typed is kept
    other = tmp_path / "units.txt"
    other.write_text("x", encoding="utf-8")
    assert "err-file" in upload_page(village_service, other).text
    wrong = upload_page(village_service, bad, period="去年")
    assert "去年" in html.unescape(re.search(r'id="err-period">([^<]*)<', wrong.text)[1])
    none = village_service.client.post(
        "/ui/batches", data={"ruleset": "", "period": ""}, headers=village_service.headers("submitter")
    )
    assert none.status_code == 422 and all(f'id="err-{f}"' in none.text for f in ("ruleset", "period", "file"))
    with village_service.app.state.sessions() as session:
        assert session.query(Batch).count() == 0


def test_only_submitters_upload_and_outsiders_do_not_see_a_batch(finished):
    service, batch_id = finished
    refused = service.client.post("/ui/batches", data={}, headers=service.headers("reviewer"))
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    assert 'id="upload-form"' not in service.client.get("/ui/batches", headers=service.headers("auditor")).text
    outsider = service.token("外县", "auditor", "513322")
    page = service.client.get(f"/ui/batches/{batch_id}", headers={"Authorization": f"Bearer {outsider}"})
    assert page.status_code == 404
