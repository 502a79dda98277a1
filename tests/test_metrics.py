"""/metrics: what it counts, who may read it, and the sum over `kaoping serve`'s workers."""

import os
import subprocess
import sys
from datetime import timedelta

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from api import store
from api.scrape import forget_dead_workers
from api.tables import Batch
from engine.runtime import EngineFailure

from .conftest import Service, extra_units_csv, village_submission
from .metrics_helpers import LOCAL, REMOTE, client, samples, service_factory, value
from .server import running_service

SCORES = "/rulesets/village-branch-stars/scores"


@pytest.fixture
def make_service(tmp_path):
    yield from service_factory(tmp_path, with_village=True)


def scrape(service: Service) -> dict:
    response = client(service, LOCAL).get("/metrics")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def test_requests_are_counted_by_route_template_and_status(make_service):
    service = make_service()
    before = scrape(service)
    record = service.call("POST", SCORES, "submitter", json=village_submission()).json()
    for _ in range(3):
        assert service.call("GET", f"/scores/{record['id']}", "auditor").status_code == 200
    assert service.call("GET", "/scores/no-such-score", "auditor").status_code == 404
    assert service.call("GET", "/no/such/path/42").status_code == 404
    after = scrape(service)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    requests = "kaoping_http_requests_total"
    assert delta(requests, method="GET", route="/scores/{score_id}", status="200") == 3
    assert delta(requests, method="GET", route="/scores/{score_id}", status="404") == 1
    assert delta(requests, method="POST", route="/rulesets/{ruleset_id}/scores", status="201") == 1
    assert delta(requests, method="GET", route="unmatched", status="404") == 1
    assert not any(dict(labels).get("route", "").startswith("/no/") for _, labels in after)
    latency = "kaoping_http_request_duration_seconds"
    assert delta(latency + "_count", method="GET", route="/scores/{score_id}") == 4
    assert delta(latency + "_bucket", method="GET", route="/scores/{score_id}", le="+Inf") == 4
    assert delta(latency + "_sum", method="GET", route="/scores/{score_id}") > 0
    assert value(after, "kaoping_http_requests_in_progress", method="GET") == 1  # the scrape itself


def test_scores_are_counted_by_ruleset_and_outcome_and_refusals_by_code(make_service):
    service = make_service()
    before = scrape(service)
    assert service.call("POST", SCORES, "submitter", json=village_submission()).status_code == 201
    disqualified = village_submission(falsified_data=True)
    disqualified["unit"]["id"] = "v1"  # one current score per unit and period: another unit
    assert service.call("POST", SCORES, "submitter", json=disqualified).json()["status"] == "disqualified"
    refused = village_submission(collective_income="很多", party_lectures=-1)
    del refused["data"]["falsified_data"]
    refused["unit"]["id"] = "v3"
    assert service.call("POST", SCORES, "submitter", json=refused).status_code == 422
    replay = {"Idempotency-Key": "k1"}
    replayed = village_submission()
    replayed["unit"]["id"] = "v2"
    for _ in range(2):  # the replay is no new score
        assert service.call("POST", SCORES, "submitter", json=replayed, headers=replay).status_code in (200, 201)
    after = scrape(service)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    ruleset = "village-branch-stars"
    assert delta("kaoping_scores_total", ruleset=ruleset, outcome="scored") == 2
    assert delta("kaoping_scores_total", ruleset=ruleset, outcome="disqualified") == 1
    assert delta("kaoping_scores_total", ruleset=ruleset, outcome="refused") == 1
    assert delta("kaoping_refused_inputs_total", code="invalid_type") == 1
    assert delta("kaoping_refused_inputs_total", code="out_of_range") == 1
    assert delta("kaoping_refused_inputs_total", code="missing") == 1


def test_engine_failures_and_busy_database_are_counted(make_service, monkeypatch):
    service = make_service()
    before = scrape(service)

    def engine_refuses(*args, **kwargs):
        raise EngineFailure("the engine refused the unit's facts: error 307")

    def database_locked(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("database is locked"))

    monkeypatch.setattr("api.services.scoring.score", engine_refuses)
    monkeypatch.setattr(store, "list_scores", database_locked)
    assert service.call("POST", SCORES, "submitter", json=village_submission()).status_code == 503
    busy = service.call("GET", "/scores", "auditor")
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    after = scrape(service)

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    scores_route = "/rulesets/{ruleset_id}/scores"
    assert delta("kaoping_engine_failures_total", route=scores_route) == 1
    assert delta("kaoping_http_requests_total", method="POST", route=scores_route, status="503") == 1
    assert delta("kaoping_database_busy_total", route="/scores") == 1
    assert delta("kaoping_http_requests_total", method="GET", route="/scores", status="503") == 1


def test_batch_gauges_are_read_from_the_database(village_service):
    service = village_service
    moment = store.now()

    def batch(batch_id: str, status: str, rows, scored: int, stored: int) -> Batch:
        return Batch(
            id=batch_id,
            ruleset_id="village-branch-stars",
            version=1,
            period="2025",
            status=status,
            filename="units.csv",
            content=b"",
            rows=rows,
            scored=scored,
            stored=stored,
            error_rows=0,
            actor="submitter-测试 (submitter)",
            actor_token_id=1,
            created_at=moment,
            lease_owner="another-process",  # so this service's runner leaves them alone
            lease_until=moment + timedelta(hours=1),
        )

    with service.app.state.sessions() as session:
        session.add_all(
            [
                batch("b-running", "running", 120, 45, 0),
                batch("b-queued", "queued", None, 0, 0),
                batch("b-failed", "failed", 10, 3, 0),
            ]
        )
        session.commit()
    found = scrape(service)
    assert value(found, "kaoping_batches", status="queued") == 1
    assert value(found, "kaoping_batches", status="running") == 1
    assert value(found, "kaoping_batches", status="failed") == 1
    assert value(found, "kaoping_batches", status="done") == 0
    running = {"batch": "b-running", "ruleset": "village-branch-stars"}
    assert value(found, "kaoping_batch_units", stage="rows", **running) == 120
    assert value(found, "kaoping_batch_units", stage="scored", **running) == 45
    assert value(found, "kaoping_batch_units", stage="stored", **running) == 0
    queued = {"batch": "b-queued", "ruleset": "village-branch-stars"}
    assert value(found, "kaoping_batch_units", stage="rows", **queued) == 0
    assert not any(dict(labels).get("batch") == "b-failed" for _, labels in found)


def test_by_default_this_machine_reads_without_a_token_and_others_need_an_auditor(make_service):
    service = make_service()
    assert client(service, LOCAL).get("/metrics").status_code == 200
    assert client(service, ("::1", 41000)).get("/metrics").status_code == 200
    remote = client(service, REMOTE)
    anonymous = remote.get("/metrics")
    assert anonymous.status_code == 401 and anonymous.headers["content-type"] == "application/problem+json"
    assert remote.get("/metrics", headers={"Authorization": "Bearer kp_wrong"}).status_code == 401
    for role in ("submitter", "editor"):
        refused = remote.get("/metrics", headers=service.headers(role))
        assert refused.status_code == 403 and refused.headers["content-type"] == "application/problem+json"
    for role in ("auditor", "admin"):
        assert remote.get("/metrics", headers=service.headers(role)).status_code == 200


def test_localhost_access_refuses_every_other_address_even_an_auditor(make_service):
    service = make_service(metrics_access="localhost")
    assert client(service, LOCAL).get("/metrics").status_code == 200
    refused = client(service, REMOTE).get("/metrics", headers=service.headers("auditor"))
    assert refused.status_code == 403
    problem = refused.json()
    assert problem["title"] == "指标只对本机开放"
    assert "203.0.113.7" in problem["detail"] and "KAOPING_METRICS_ACCESS=localhost" in problem["detail"]


def test_auditor_access_needs_the_token_on_this_machine_too(make_service):
    service = make_service(metrics_access="auditor")
    local = client(service, LOCAL)
    assert local.get("/metrics").status_code == 401
    assert local.get("/metrics", headers=service.headers("submitter")).status_code == 403
    assert local.get("/metrics", headers=service.headers("auditor")).status_code == 200
    assert client(service, REMOTE).get("/metrics", headers=service.headers("auditor")).status_code == 200


def test_metrics_is_not_an_api_operation(make_service):
    service = make_service()
    assert "/metrics" not in service.client.get("/openapi.json").json()["paths"]


def test_live_gauges_of_dead_workers_are_forgotten_and_counters_kept(tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    names = [f"gauge_livesum_{dead.pid}.db", f"counter_{dead.pid}.db", f"gauge_livesum_{os.getpid()}.db"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    forget_dead_workers(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names[1:])


def _worker_pids(folder) -> set[int]:
    return {int(p.stem.rsplit("_", 1)[1]) for p in folder.glob("counter_*.db")}


def test_two_workers_add_up(tmp_path):
    folder = tmp_path / "metrics"
    folder.mkdir()
    (folder / "counter_999999.db").write_bytes(b"from an earlier start")
    units = extra_units_csv(tmp_path / "units.csv")
    with running_service(tmp_path, workers=2, units=(units,)) as (base, tokens):
        assert not (folder / "counter_999999.db").exists()  # emptied at start
        before = samples(httpx.get(base + "/metrics").text)
        sent = 0
        while len(_worker_pids(folder)) < 2 or sent < 20:  # a fresh connection each: both workers answer
            assert httpx.get(base + "/healthz").status_code == 200
            sent += 1
            assert sent < 500, "one worker answered every connection"
        submitter = {"Authorization": f"Bearer {tokens['submitter']}"}
        for n in range(4):
            body = village_submission()
            body["unit"]["id"] = f"v{n}"
            assert httpx.post(base + SCORES, json=body, headers=submitter).status_code == 201
        refused = village_submission(party_lectures=-1)
        assert httpx.post(base + SCORES, json=refused, headers=submitter).status_code == 422
        after = samples(httpx.get(base + "/metrics").text)
        live_gauges = list(folder.glob("gauge_livesum_*.db"))
        assert len(live_gauges) >= 2

    def delta(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("kaoping_http_requests_total", method="GET", route="/healthz", status="200") == sent
    assert delta("kaoping_http_request_duration_seconds_count", method="GET", route="/healthz") == sent
    assert delta("kaoping_scores_total", ruleset="village-branch-stars", outcome="scored") == 4
    assert delta("kaoping_scores_total", ruleset="village-branch-stars", outcome="refused") == 1
    assert delta("kaoping_refused_inputs_total", code="out_of_range") == 1
    assert value(after, "kaoping_http_requests_in_progress", method="GET") == 1  # the scrape, in one worker
    assert not any(p.exists() for p in live_gauges)  # the workers took their live gauges when they stopped
