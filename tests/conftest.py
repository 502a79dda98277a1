"""Helpers to build small rulesets in tests."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path

import pytest

from engine import load_ruleset

ROOT = Path(__file__).resolve().parent.parent

BASE = {
    "kaoping": 1,
    "id": "tiny",
    "title": "小测试",
    "inputs": {
        "x": {"type": "number", "title": "X", "min": 0, "max": 100},
        "flag": {"type": "boolean", "title": "标志"},
    },
    "dimensions": [
        {
            "id": "main",
            "title": "主维度",
            "indicators": [
                {
                    "id": "level",
                    "title": "水平",
                    "points": 10,
                    "score": {
                        "bands": [
                            {"when": "x >= 80", "points": 10},
                            {"when": "x >= 60", "points": 6},
                            {"else": 0},
                        ]
                    },
                },
            ],
        }
    ],
    "grades": [
        {"id": "good", "title": "好", "min": 8},
        {"id": "ok", "title": "一般"},
    ],
}


def ruleset_dict(**changes) -> dict:
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return data


def build(**changes):
    """Load a ruleset made from BASE with top-level fields replaced."""
    return build_from(ruleset_dict(**changes))


def build_from(data: dict):
    # Decimals in test data are written as JSON numbers (their shortest repr)
    return load_ruleset(json.dumps(data, ensure_ascii=False, default=float))


@pytest.fixture(scope="session")
def village():
    return load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml")


# ---------------------------------------------------------------- the service


def _postgres_url() -> str | None:
    """The PostgreSQL server the service tests also run on: KAOPING_TEST_POSTGRES_URL, or
    one started by scripts/postgres-test-server; KAOPING_TEST_POSTGRES=off runs SQLite only."""
    if os.environ.get("KAOPING_TEST_POSTGRES") == "off":
        return None
    if not os.environ.get("KAOPING_TEST_POSTGRES_URL"):
        done = subprocess.run([str(ROOT / "scripts" / "postgres-test-server")], capture_output=True, text=True)
        if done.returncode != 0:
            raise pytest.UsageError(
                "could not start PostgreSQL for the tests (set KAOPING_TEST_POSTGRES=off to test on SQLite only):\n"
                + done.stderr
            )
        os.environ["KAOPING_TEST_POSTGRES_URL"] = done.stdout.strip().splitlines()[-1]
    return os.environ["KAOPING_TEST_POSTGRES_URL"]


POSTGRES_URL = _postgres_url()
BACKENDS = ["sqlite"] + (["postgresql"] if POSTGRES_URL else [])


def _reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def settings(request, tmp_path):
    from api.settings import Settings

    if request.param == "postgresql":
        url = os.environ["KAOPING_TEST_POSTGRES_URL"]
        _reset_postgres(url)
        return Settings(data_dir=tmp_path, database_url=url)
    return Settings(data_dir=tmp_path)


class Service:
    """A test client with one token per role."""

    def __init__(self, app):
        from fastapi.testclient import TestClient

        from api.auth import create_token

        self.app = app
        self.client = TestClient(app, raise_server_exceptions=False)
        with app.state.sessions() as session:
            self.tokens = {
                role: create_token(session, f"{role}-测试", role)
                for role in ("admin", "editor", "submitter", "auditor")
            }

    def headers(self, role: str, **extra) -> dict:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}

    def call(self, method: str, path: str, role: str | None = "admin", **kwargs):
        headers = kwargs.pop("headers", {})
        if role:
            headers = {**self.headers(role), **headers}
        return self.client.request(method, path, headers=headers, **kwargs)

    def add_ruleset(self, text: str, role: str = "editor"):
        return self.call("POST", "/rulesets", role, content=text.encode(), headers={"Content-Type": "application/yaml"})


@pytest.fixture
def service(settings):
    from api.app import create_app

    app = create_app(settings)
    yield Service(app)
    app.state.batches.stop()
    app.state.engine.dispose()


VILLAGE_TEXT = (ROOT / "rulesets" / "village-branch-stars.yaml").read_text(encoding="utf-8")


@pytest.fixture
def village_service(service):
    assert service.add_ruleset(VILLAGE_TEXT).status_code == 201
    return service


def village_submission(**changes) -> dict:
    data = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))
    data["data"].update(changes)
    return data
