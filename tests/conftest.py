"""Helpers to build small rulesets in tests."""

from __future__ import annotations

import copy
import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml

from engine import load_ruleset
from tests.loop_guard import LoopGuard

ROOT = Path(__file__).resolve().parent.parent
# the shipped rulesets that score units; member points rulesets (with `events:`) are tested in test_points.py
POINTS_RULESETS = ("party-member-points",)
SCORING_RULESETS = sorted(p for p in (ROOT / "rulesets").glob("*.yaml") if p.stem not in POINTS_RULESETS)

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


UNITS = ROOT / "examples" / "units.csv"


def extra_units_csv(path: Path) -> Path:
    """Units the tests score besides the shipped example tree, under 城关镇 (cgz) and
    seven townships 镇0..镇6 of 东县: v0..v49, v0000..v0199, v00000..v00499, another."""
    lines = ["编码,名称,类型,上级编码"] + [f"t{n},镇{n},镇,513321" for n in range(7)]
    lines += [f"v{n},村{n},村,cgz" for n in range(50)]
    lines += [f"v{n:04d},村{n},村,t{n % 7}" for n in range(200)]
    lines += [f"v{n:05d},村{n},村,cgz" for n in range(500)]
    lines += ["another,另一村,村,cgz"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def import_units(sessions, path: Path) -> None:
    from api.admin import cli_actor
    from api.services.units import import_units as run
    from api.services.units import read_file

    content = path.read_bytes()
    with sessions() as session:
        run(session, cli_actor(), read_file(path.name, content), path.name, content)


def make_token(sessions, name: str, role: str, unit: str | None = None) -> str:
    """A token of the user `name`, holding `role` on the unit's subtree (None: all)."""
    from api.admin import cli_actor
    from api.services.people import token_for

    with sessions() as session:
        return token_for(session, cli_actor(), name, role, unit, 30).token


class Service:
    """A test client with one whole-tree token per role, over the example tree of units
    and the tests' own units."""

    def __init__(self, app, tmp_path: Path | None = None):
        from fastapi.testclient import TestClient

        tmp_path = tmp_path or app.state.settings.data_dir
        self.app = app
        self.client = TestClient(app, raise_server_exceptions=False)
        import_units(app.state.sessions, UNITS)
        import_units(app.state.sessions, extra_units_csv(tmp_path / "test-units.csv"))
        self.tokens = {
            role: make_token(app.state.sessions, f"{role}-测试", role)
            for role in ("admin", "editor", "submitter", "reviewer", "auditor")
        }
        # the second editor of four eyes
        self.tokens["publisher"] = make_token(app.state.sessions, "发布-测试", "editor")

    def token(self, name: str, role: str, unit: str | None = None) -> str:
        self.tokens[name] = make_token(self.app.state.sessions, name, role, unit)
        return self.tokens[name]

    def headers(self, role: str, **extra) -> dict:
        return {"Authorization": f"Bearer {self.tokens[role]}", **extra}

    def call(self, method: str, path: str, role: str | None = "admin", **kwargs):
        headers = kwargs.pop("headers", {})
        if role:
            headers = {**self.headers(role), **headers}
        return self.client.request(method, path, headers=headers, **kwargs)

    def add_ruleset(self, text: str, role: str = "editor", periods=("2024", "2025")):
        """Create a ruleset and have another editor publish its version 1 for `periods`
        (none: leave it a draft); the answer of the creation."""
        created = self.call(
            "POST", "/rulesets", role, content=text.encode(), headers={"Content-Type": "application/yaml"}
        )
        if created.status_code == 201 and periods:
            self.publish(created.json()["id"], 1, list(periods))
        return created

    def publish(self, ruleset_id: str, number: int, periods: list[str], role: str = "publisher"):
        response = self.call(
            "POST", f"/rulesets/{ruleset_id}/versions/{number}/publish", role, json={"periods": periods}
        )
        assert response.status_code == 200, response.text
        return response


@pytest.fixture
def service(settings, tmp_path):
    from api.app import create_app

    app = create_app(settings)
    guard = LoopGuard(app.state.engine)
    yield Service(app, tmp_path)
    app.state.batches.stop()
    app.state.engine.dispose()
    assert not guard.found, "SQL run on the event loop (an async route should use run_in_threadpool):\n" + "\n".join(
        sorted(set(guard.found))
    )


VILLAGE_TEXT = (ROOT / "rulesets" / "village-branch-stars.yaml").read_text(encoding="utf-8")


@pytest.fixture
def village_service(service):
    assert service.add_ruleset(VILLAGE_TEXT).status_code == 201
    return service


def village_submission(**changes) -> dict:
    data = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))
    data["data"].update(changes)
    return data


PLAIN = "village-plain"


def _plain_text() -> str:
    """The village ruleset without stages: scored once, noticed as it is."""
    data = yaml.safe_load(VILLAGE_TEXT)
    del data["stages"]
    data["id"] = PLAIN
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


@pytest.fixture
def plain(village_service):
    """Two villages of 城关镇 scored under a ruleset without stages, and 西寨镇's admin."""
    s = village_service
    assert s.add_ruleset(_plain_text()).status_code == 201
    for code, name in (("cgz-hongqi", "红旗村"), ("cgz-dongfeng", "东风村")):
        body = {**village_submission(), "unit": {"id": code, "name": name, "parent": "城关镇"}}
        assert s.call("POST", f"/rulesets/{PLAIN}/scores", "submitter", json=body).status_code == 201
    s.token("县委", "admin", "513321")
    s.token("别镇管理员", "admin", "xzz")
    return s
