"""Hostile callers of /metrics and of the rate limit, and bad settings for them."""

import os
import secrets
import subprocess
import sys

import pytest

from api import ratelimit
from api.ratelimit import TokenBuckets

from ..conftest import ROOT
from ..metrics_helpers import LOCAL, REMOTE, client, samples, service_factory


@pytest.fixture
def make_service(tmp_path):
    yield from service_factory(tmp_path)


def test_made_up_methods_and_paths_add_no_labels(make_service):
    service = make_service()
    local = client(service, LOCAL)
    for n in range(5):
        local.request(f"BREW{n}", f"/coffee/{secrets.token_hex(4)}")
        local.get(f"/scores/../../etc/passwd{n}")
    labels = {labels for _, labels in samples(local.get("/metrics").text)}
    methods = {dict(found).get("method") for found in labels} - {None}
    routes = {dict(found).get("route") for found in labels} - {None}
    assert "other" in methods and not any(m.startswith("BREW") for m in methods)
    assert not any("coffee" in r or "passwd" in r for r in routes)


def test_headers_that_claim_to_be_local_do_not_open_metrics(make_service):
    remote = client(make_service(), REMOTE)
    claims = {"X-Forwarded-For": "127.0.0.1", "X-Real-IP": "127.0.0.1", "Host": "localhost", "Forwarded": "for=::1"}
    assert remote.get("/metrics", headers=claims).status_code == 401


def test_made_up_tokens_buy_no_fresh_buckets(make_service):
    remote = client(make_service(rate_limit="1/min", rate_limit_burst=2), REMOTE)
    statuses = [
        remote.get("/scores", headers={"Authorization": f"Bearer kp_{secrets.token_urlsafe(16)}"}).status_code
        for _ in range(4)
    ]
    assert statuses == [401, 401, 429, 429]


@pytest.mark.parametrize(
    "authorization",
    [b"Bearer", b"Bearer ", b"Basic dXNlcjpwYXNz", b"bearer \xff\xfe\xe4\xb8\xad", b"Bearer " + b"x" * 8000],
)
def test_odd_authorization_headers_are_limited_by_address_without_errors(make_service, authorization):
    remote = client(make_service(rate_limit="1/min", rate_limit_burst=1), REMOTE)
    first = remote.get("/scores", headers={"Authorization": authorization})
    second = remote.get("/scores", headers={"Authorization": authorization})
    assert first.status_code in (401, 403) and second.status_code == 429


def test_a_flood_of_addresses_keeps_the_buckets_bounded(monkeypatch):
    monkeypatch.setattr(ratelimit, "MAX_BUCKETS", 10)
    buckets = TokenBuckets(rate=1, burst=5)
    for n in range(100):
        buckets.take(f"198.51.100.{n}", 0.0)
    assert len(buckets.buckets) <= 11
    buckets.take("198.51.100.200", 5.0)  # the others are full again by now: forgotten
    assert list(buckets.buckets) == ["198.51.100.200"]


@pytest.mark.parametrize(
    "variable, given, expected",
    [
        (
            "KAOPING_RATE_LIMIT",
            "lots",
            "KAOPING_RATE_LIMIT 应写成 次数/s、次数/min 或 次数/h（如 20/s），次数大于 0；收到的是 'lots'",
        ),
        ("KAOPING_RATE_LIMIT", "0/s", "收到的是 '0/s'"),
        ("KAOPING_RATE_LIMIT", "20/day", "收到的是 '20/day'"),
        ("KAOPING_RATE_LIMIT_BURST", "0", "KAOPING_RATE_LIMIT_BURST 应是不小于 1 的整数；收到的是 0"),
        ("KAOPING_METRICS_ACCESS", "everyone", "KAOPING_METRICS_ACCESS 的值 'everyone' 不可用"),
    ],
)
def test_bad_settings_stop_serve_with_a_clean_error(tmp_path, variable, given, expected):
    env = {**os.environ, "KAOPING_DATA_DIR": str(tmp_path), variable: given}
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "serve", "--port", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert expected in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "metrics").exists()
