"""The per-token rate limit: 429 with Retry-After past it, nothing below it, this machine exempt."""

import time

import pytest

from api.auth import CACHE_SECONDS
from api.ratelimit import TokenBuckets
from api.settings import Settings

from .conftest import Service
from .metrics_helpers import LOCAL, REMOTE, client, samples, service_factory, value


@pytest.fixture
def make_service(tmp_path):
    yield from service_factory(tmp_path)


def verified(service: Service, role: str) -> dict:
    """The role's headers, its token verified once by this process (from this machine)."""
    headers = service.headers(role)
    assert client(service, LOCAL).get("/scores", headers=headers).status_code == 200
    return headers


def test_over_the_limit_is_429_with_retry_after_and_a_chinese_problem(make_service):
    service = make_service(rate_limit="1/min", rate_limit_burst=3)
    remote, headers = client(service, REMOTE), verified(service, "auditor")
    assert [remote.get("/scores", headers=headers).status_code for _ in range(3)] == [200] * 3
    refused = remote.get("/scores", headers=headers)
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/problem+json"
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert refused.headers["x-request-id"] and "server-timing" in refused.headers
    problem = refused.json()
    assert problem["status"] == 429 and problem["title"] == "请求过于频繁"
    assert "1/min" in problem["detail"] and "3" in problem["detail"]
    assert f"{refused.headers['retry-after']} 秒后重试" in problem["detail"]


def test_each_token_has_its_own_bucket(make_service):
    service = make_service(rate_limit="1/min", rate_limit_burst=2)
    remote = client(service, REMOTE)
    auditor, editor = verified(service, "auditor"), verified(service, "editor")
    assert [remote.get("/scores", headers=auditor).status_code for _ in range(3)] == [200, 200, 429]
    assert remote.get("/scores", headers=editor).status_code == 200


def test_a_token_keeps_its_bucket_once_its_lookup_is_older_than_the_revocation_cache(make_service):
    service = make_service(rate_limit="1/min", rate_limit_burst=2)
    remote = client(service, REMOTE)
    auditor, editor = verified(service, "auditor"), verified(service, "editor")
    time.sleep(CACHE_SECONDS + 0.1)  # both tokens are read again from the database when next used
    assert [remote.get("/scores", headers=auditor).status_code for _ in range(3)] == [200, 200, 429]
    assert remote.get("/scores", headers=editor).status_code == 200


def test_requests_without_a_token_are_limited_by_address(make_service):
    service = make_service(rate_limit="1/min", rate_limit_burst=2)
    remote = client(service, REMOTE)
    assert [remote.get("/healthz").status_code for _ in range(3)] == [200, 200, 429]
    assert client(service, ("203.0.113.8", 41000)).get("/healthz").status_code == 200


def test_below_the_limit_nothing_is_refused(make_service):
    service = make_service(rate_limit="20/s", rate_limit_burst=40)
    remote, headers = client(service, REMOTE), verified(service, "auditor")
    assert {remote.get("/scores", headers=headers).status_code for _ in range(30)} == {200}


def test_a_refused_client_may_come_back_after_retry_after(make_service):
    service = make_service(rate_limit="2/s", rate_limit_burst=1)
    remote = client(service, REMOTE)
    assert remote.get("/healthz").status_code == 200
    refused = remote.get("/healthz")
    assert refused.status_code == 429 and refused.headers["retry-after"] == "1"
    time.sleep(1)
    assert remote.get("/healthz").status_code == 200


def test_this_machine_is_exempt_by_default_and_limited_when_asked(make_service):
    exempt = client(make_service(rate_limit="1/min", rate_limit_burst=1), LOCAL)
    assert {exempt.get("/healthz").status_code for _ in range(10)} == {200}
    limited = client(make_service(rate_limit="1/min", rate_limit_burst=1, rate_limit_localhost=True), LOCAL)
    assert [limited.get("/healthz").status_code for _ in range(2)] == [200, 429]


def test_no_limit_unless_configured(make_service):
    remote = client(make_service(), REMOTE)
    assert {remote.get("/healthz").status_code for _ in range(100)} == {200}


def test_429s_are_counted(make_service):
    service = make_service(rate_limit="1/min", rate_limit_burst=1)
    local = client(service, LOCAL)

    def refused() -> float:
        found = samples(local.get("/metrics").text)
        return value(found, "kaoping_http_requests_total", method="GET", route="unmatched", status="429")

    before = refused()
    remote = client(service, REMOTE)
    assert [remote.get("/healthz").status_code for _ in range(4)] == [200, 429, 429, 429]
    assert refused() - before == 3


def test_the_published_schema_lists_429_only_when_limited(make_service):
    def documented(service: Service) -> bool:
        operation = service.client.get("/openapi.json").json()["paths"]["/scores"]["get"]
        return "429" in operation["responses"]

    assert documented(make_service(rate_limit="20/s"))
    assert not documented(make_service())


def test_buckets_refill_at_the_rate_up_to_the_burst():
    buckets = TokenBuckets(rate=2, burst=4)
    assert [buckets.take("k", 0.0) for _ in range(5)] == [0, 0, 0, 0, 1]
    assert buckets.take("k", 0.5) == 0  # one more after half a second
    assert buckets.take("k", 0.5) == 1
    assert [buckets.take("k", 100.0) for _ in range(5)] == [0, 0, 0, 0, 1]  # full again, never more
    slow = TokenBuckets(rate=0.1, burst=1)
    assert slow.take("k", 0.0) == 0 and slow.take("k", 0.0) == 10


def test_default_burst_is_twice_the_rate_per_second():
    assert Settings(rate_limit="20/s").burst == 40
    assert Settings(rate_limit="600/min").rate_per_second == 10
    assert Settings(rate_limit="1/h").burst == 1
    assert Settings().rate_per_second is None
