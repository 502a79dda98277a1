"""Tokens and roles: 401 without a token, 403 with the wrong role; tokens stored hashed."""

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from api.cli import app as cli
from api.tables import Token

from .conftest import ROOT, village_submission

RULESET_READS = [
    "/rulesets",
    "/rulesets/village-branch-stars",
    "/rulesets/village-branch-stars/versions/1",
    "/rulesets/village-branch-stars/diff?from=1&to=1",
    "/scores",
]


@pytest.mark.parametrize("path", RULESET_READS + ["/audit/verify"])
def test_no_token_is_401_and_a_bad_one_too(village_service, path):
    assert village_service.call("GET", path, None).status_code == 401
    response = village_service.call("GET", path, None, headers={"Authorization": "Bearer kp_wrong"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(
    "role, method, path, allowed",
    [
        ("submitter", "POST", "/rulesets", False),
        ("auditor", "POST", "/rulesets/village-branch-stars/versions/1/publish", False),
        ("submitter", "POST", "/rulesets/village-branch-stars/versions/1/publish", False),
        ("editor", "POST", "/rulesets/village-branch-stars/scores", False),
        ("auditor", "POST", "/rulesets/village-branch-stars/scores", False),
        ("submitter", "POST", "/rulesets/village-branch-stars/scores", True),
        ("submitter", "GET", "/audit/verify", False),
        ("editor", "GET", "/audit/verify", False),
        ("auditor", "GET", "/audit/verify", True),
        ("admin", "GET", "/audit/verify", True),
        ("submitter", "POST", "/rulesets/village-branch-stars/versions/1/simulate", False),
        ("editor", "POST", "/rulesets/village-branch-stars/versions/1/simulate", True),
    ],
)
def test_roles(village_service, role, method, path, allowed):
    kwargs = {"json": village_submission()} if path.endswith("/scores") else {}
    status = village_service.call(method, path, role, **kwargs).status_code
    assert (status != 403) == allowed, status


@pytest.mark.parametrize("path", RULESET_READS)
def test_every_role_reads(village_service, path):
    for role in ("editor", "submitter", "auditor"):
        assert village_service.call("GET", path, role).status_code == 200


def test_tokens_are_stored_hashed(village_service):
    with village_service.app.state.sessions() as session:
        stored = {row.token_hash for row in session.scalars(select(Token))}
    assert not set(village_service.tokens.values()) & stored
    assert all(len(h) == 64 for h in stored)


def test_cli_creates_a_token_printed_alone_on_the_last_line(tmp_path, monkeypatch):
    monkeypatch.setenv("KAOPING_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KAOPING_DATABASE_URL", raising=False)
    from api.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["token", "create", "--role", "editor", "--name", "张三"])
        assert result.exit_code == 0, result.output
        token = result.output.strip().splitlines()[-1]
        assert token.startswith("kp_") and " " not in token
        bad = CliRunner().invoke(cli, ["token", "create", "--role", "boss", "--name", "x"])
        assert bad.exit_code == 1
        imported = CliRunner().invoke(cli, ["rulesets", "import", str(ROOT / "rulesets")])
        assert "village-branch-stars: created, version 1 published" in imported.output
        assert "party-member-points: created, version 1 published" in imported.output
        again = CliRunner().invoke(cli, ["rulesets", "import", str(ROOT / "rulesets")])
        assert "village-branch-stars: unchanged (version 1)" in again.output
    finally:
        get_settings.cache_clear()


def test_cli_refuses_a_grant_already_in_force(tmp_path, monkeypatch):
    monkeypatch.setenv("KAOPING_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("KAOPING_DATABASE_URL", raising=False)
    from api.settings import get_settings

    get_settings.cache_clear()
    try:
        assert CliRunner().invoke(cli, ["token", "create", "--role", "editor", "--name", "李四"]).exit_code == 0
        again = CliRunner().invoke(cli, ["grant", "李四", "editor"])
        assert again.exit_code == 1 and "授权已存在" in again.output and "编号为 1 的有效授权" in again.output
        other = CliRunner().invoke(cli, ["grant", "李四", "reviewer"])
        assert other.exit_code == 0 and other.output.startswith("grant 2:")
    finally:
        get_settings.cache_clear()
