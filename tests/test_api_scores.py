"""Scoring over HTTP: records, idempotency, corrections, explanations, verification, the chain."""

import json
import re

import pytest
from sqlalchemy import text

from .conftest import village_submission

SCORES = "/rulesets/village-branch-stars/scores"


def post(service, body, role="submitter", **headers):
    return service.call("POST", SCORES, role, json=body, headers=headers)


def test_score_is_stored_with_everything_an_auditor_needs(village_service):
    response = post(village_service, village_submission())
    assert response.status_code == 201, response.text
    record = response.json()
    assert response.headers["location"] == f"/scores/{record['id']}"
    assert record["total"] == "88.33" and record["grade"] == "four"
    assert record["version"] == 1 and record["content_hash"].startswith("sha256:")
    assert record["actor"] == "submitter-测试 (submitter)"
    assert record["input"]["collective_income"] == 6.2
    assert record["result"]["indicators"][0]["detail"].startswith("扣分")
    assert len(record["prev_hash"]) == 64 and len(record["record_hash"]) == 64
    again = village_service.call("GET", f"/scores/{record['id']}", "auditor").json()
    assert again == record


def test_idempotency_key_returns_the_first_record(village_service):
    first = post(village_service, village_submission(), **{"Idempotency-Key": "abc"})
    retry = post(village_service, village_submission(), **{"Idempotency-Key": "abc"})
    assert first.status_code == 201 and retry.status_code == 200
    assert retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["id"] == first.json()["id"]
    other = post(village_service, village_submission(party_lectures=1), **{"Idempotency-Key": "abc"})
    assert other.status_code == 409
    assert village_service.call("GET", "/scores").json()["total"] == 1


def test_bad_data_lists_every_field_and_writes_nothing(village_service):
    body = village_submission(collective_income="6.2", party_lectures=3.5, assistance_rating="很好")
    body["data"]["surprise"] = 1
    del body["data"]["falsified_data"]
    response = post(village_service, body)
    assert response.status_code == 422
    found = {(e["field"], e["code"]) for e in response.json()["errors"]}
    assert found == {
        ("collective_income", "invalid_type"),
        ("party_lectures", "invalid_type"),
        ("assistance_rating", "not_a_choice"),
        ("surprise", "unknown_input"),
        ("falsified_data", "missing"),
    }
    assert village_service.call("GET", "/scores").json()["total"] == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"unit": {"id": "x"}, "period": "2025"}, "data"),
        ({"unit": {}, "period": "2025", "data": {}}, "unit.id"),
        ({"unit": {"id": "x"}, "period": "2025", "data": {}, "colour": "red"}, "colour"),
        ({"unit": {"id": "x"}, "period": "2025", "data": [1]}, "data"),
    ],
)
def test_malformed_requests(village_service, body, field):
    response = post(village_service, body)
    assert response.status_code == 422
    assert field in {e["field"] for e in response.json()["errors"]}


def test_malformed_json_and_oversized_bodies(village_service):
    response = village_service.call(
        "POST", SCORES, "submitter", content=b'{"unit": ', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    huge = village_submission()
    huge["data"]["remarks"] = "长" * 2_000_000
    response = post(village_service, huge)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"


def test_unknown_ruleset_or_version(village_service):
    assert (
        village_service.call("POST", "/rulesets/nope/scores", "submitter", json=village_submission()).status_code == 404
    )
    body = village_submission()
    body["version"] = 7
    assert post(village_service, body).status_code == 404


def test_a_correction_supersedes_the_old_record(village_service):
    first = post(village_service, village_submission()).json()
    body = village_submission(collective_income=12)
    body["supersedes"] = first["id"]
    second = post(village_service, body).json()
    assert second["supersedes"] == first["id"] and second["grade"] == "five"
    wrong = village_submission()
    wrong["unit"]["id"] = "another"
    wrong["supersedes"] = first["id"]
    assert post(village_service, wrong).status_code == 422
    assert village_service.call("GET", f"/scores/{first['id']}").json()["total"] == "88.33"  # never changed


def test_listing_filters_and_pages(village_service):
    seqs = []
    for n in range(5):
        body = village_submission()
        body["unit"]["id"] = f"v{n}"
        body["period"] = "2024" if n < 2 else "2025"
        seqs.append(post(village_service, body).json()["seq"])
    page = village_service.call("GET", "/scores?limit=2&offset=1", "auditor").json()
    assert page["total"] == 5 and len(page["items"]) == 2 and page["items"][0]["seq"] == seqs[1]
    assert village_service.call("GET", "/scores?unit=v0").json()["total"] == 1
    assert village_service.call("GET", "/scores?period=2024&unit=v1").json()["total"] == 1
    assert village_service.call("GET", "/scores?period=2024&unit=v2").json()["total"] == 0
    assert village_service.call("GET", "/scores?ruleset=other").json()["total"] == 0
    assert village_service.call("GET", "/scores?limit=0").status_code == 422


def test_explanation_as_json_and_chinese_text(village_service):
    record = post(village_service, village_submission()).json()
    as_json = village_service.call("GET", f"/scores/{record['id']}/explanation", "auditor").json()
    assert as_json["total"] == "88.33"
    assert as_json["grades_not_reached"][0]["points_missing"] == "1.67"
    as_text = village_service.call("GET", f"/scores/{record['id']}/explanation?format=text", "auditor")
    assert as_text.headers["content-type"].startswith("text/plain")
    assert "五星: 未评定 — 总分未达 90, 差 1.67 分" in as_text.text
    head = as_text.text.splitlines()[1]
    assert head.startswith(f"记录 {record['id']}  期间 {record['period']}  提交人 {record['actor']}  提交时间 ")
    assert re.fullmatch(r".*提交时间 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", head)
    assert record["created_at"] == head.rsplit(" ", 1)[1]
    assert "党员大会召开次数 = 4" in as_text.text  # inputs by their titles


def _tamper(service, sql: str, **params):
    with service.app.state.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_verify_recomputes_to_the_digit_and_finds_tampering(village_service):
    record = post(village_service, village_submission()).json()
    report = village_service.call("POST", f"/scores/{record['id']}/verify", "auditor").json()
    assert report == {
        "score_id": record["id"],
        "identical": True,
        "ruleset_hash_matches": True,
        "record_hash_matches": True,
        "differences": [],
        "notes": [],
    }
    result = dict(record["result"])
    result["total"] = "98.33"
    _tamper(
        village_service,
        "UPDATE score_records SET result = :r WHERE id = :i",
        r=json.dumps(result, ensure_ascii=False),
        i=record["id"],
    )
    report = village_service.call("POST", f"/scores/{record['id']}/verify", "auditor").json()
    assert report["identical"] is False and report["record_hash_matches"] is False
    assert report["differences"] == [{"path": "result.total", "stored": "98.33", "recomputed": "88.33"}]


def _unit(n: int) -> dict:
    body = village_submission()
    body["unit"]["id"] = f"v{n}"
    return body


def test_chain_verification_reports_the_first_broken_link(village_service):
    bodies = [_unit(n) for n in range(4)]
    for body in bodies:  # no rectification item is opened: the records follow each other in the chain
        body["data"]["petition_cases"] = 0
    records = [post(village_service, body).json() for body in bodies]
    ids, seqs = [r["id"] for r in records], [r["seq"] for r in records]
    report = village_service.call("GET", "/audit/verify", "auditor").json()
    assert report["records"] == 4 and report["events"] == seqs[0] - 1 and report["intact"] is True
    _tamper(village_service, "UPDATE score_records SET total = '99.99' WHERE id = :i", i=ids[2])
    report = village_service.call("GET", "/audit/verify", "auditor").json()
    assert report["intact"] is False and report["first_broken_seq"] == seqs[2]
    _tamper(village_service, "UPDATE score_records SET total = '88.33' WHERE id = :i", i=ids[2])
    _tamper(village_service, "DELETE FROM score_records WHERE id = :i", i=ids[1])
    report = village_service.call("GET", "/audit/verify", "auditor").json()
    assert report["first_broken_seq"] == seqs[1] and "missing" in report["problem"]


def test_no_endpoint_updates_or_deletes_a_record(village_service):
    record = post(village_service, village_submission()).json()
    for method in ("PUT", "PATCH", "DELETE"):
        assert village_service.call(method, f"/scores/{record['id']}").status_code == 405
    methods = {m for path, ops in village_service.app.openapi()["paths"].items() for m in ops}
    assert not methods & {"put", "patch", "delete"}


def test_response_headers(village_service):
    response = village_service.call("GET", "/healthz", None, headers={"X-Request-ID": "abc-123"})
    assert response.json()["status"] == "ok"
    assert response.headers["x-request-id"] == "abc-123"
    assert response.headers["server-timing"].startswith("app;dur=")


def test_the_stored_result_is_the_engines_json_as_it_made_it(village_service):
    record = post(village_service, village_submission()).json()
    with village_service.app.state.sessions() as session:
        query = text("SELECT CAST(result AS TEXT) FROM score_records WHERE id = :id")
        raw = session.execute(query, {"id": record["id"]}).scalar()
    assert "村党组织" in raw  # as the engine wrote it: not escaped by a second serialization
    assert json.loads(raw) == record["result"]


def test_starting_the_service_moves_its_startup_objects_out_of_the_collectors_reach(settings):
    import gc

    from fastapi.testclient import TestClient

    from api.app import create_app

    gc.unfreeze()
    app = create_app(settings)
    try:
        with TestClient(app):
            assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        app.state.engine.dispose()


def test_an_address_or_method_the_service_lacks_is_refused_in_chinese(village_service):
    missing = village_service.call("GET", "/no/such/place")
    assert missing.status_code == 404
    assert missing.json()["title"] == "没有这个地址" and "/no/such/place" in missing.json()["detail"]
    encoded = village_service.call("GET", "/rulesets/village-branch-stars%2Fx/versions")
    assert encoded.status_code == 404 and encoded.json()["title"] == "没有这个地址"
    wrong = village_service.call("DELETE", "/rulesets")
    assert wrong.status_code == 405
    assert wrong.json()["title"] == "不支持此请求方式" and "DELETE" in wrong.json()["detail"]
