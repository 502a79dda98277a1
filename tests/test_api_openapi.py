"""The published OpenAPI: complete, with examples, and honoured by the service (schemathesis)."""

import json
import time

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from api.settings import Settings

from .conftest import UNITS, VILLAGE_TEXT, extra_units_csv, import_units, make_token, village_submission


def test_every_operation_has_an_example_and_documents_its_problems(service):
    schema = service.client.get("/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            text = json.dumps(operation, ensure_ascii=False)
            assert '"example"' in text, f"{method} {path} has no example"
            if path != "/healthz":
                assert "application/problem+json" in json.dumps(operation["responses"].get("401", {})), path
    assert service.client.get("/docs").status_code == 200


@pytest.fixture(scope="module")
def api_under_test(tmp_path_factory):
    # generated sign-ins mostly fail: were they throttled, the run's own token would be refused too
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("schemathesis"), auth_failures=1_000_000))
    import_units(app.state.sessions, UNITS)
    import_units(app.state.sessions, extra_units_csv(tmp_path_factory.mktemp("units") / "units.csv"))
    publisher = make_token(app.state.sessions, "发布", "admin")
    token = make_token(app.state.sessions, "schemathesis", "admin")
    from fastapi.testclient import TestClient

    client = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/rulesets", content=VILLAGE_TEXT.encode(), headers=headers).status_code == 201
    published = client.post(
        "/rulesets/village-branch-stars/versions/1/publish",
        json={"periods": ["2024", "2025"]},
        headers={"Authorization": f"Bearer {publisher}"},
    )
    assert published.status_code == 200, published.text
    record = client.post("/rulesets/village-branch-stars/scores", json=village_submission(), headers=headers).json()
    batch = client.post(
        "/rulesets/village-branch-stars/batches?period=2024",
        files={"file": ("units.csv", _batch_csv(), "text/csv")},
        headers=headers,
    ).json()
    deadline = time.monotonic() + 120
    while client.get(f"/batches/{batch['id']}", headers=headers).json()["status"] != "done":
        assert time.monotonic() < deadline, "the seeded batch did not finish"
        time.sleep(0.2)
    app.state.known = {
        "ruleset_id": "village-branch-stars",
        "score_id": record["id"],
        "batch_id": batch["id"],
        "number": 1,
        "code": "cgz-hongqi",
        **_throwaway(app.state.sessions),
    }
    app.state.token = token
    app.state.statuses = {}
    yield app
    app.state.batches.stop()


def _throwaway(sessions) -> dict:
    """A token and a grant the generated revocations are aimed at, so that they never
    revoke the token the run itself uses."""
    from api.admin import cli_actor
    from api.services.people import token_for
    from api.tables import Grant

    with sessions() as session:
        issued = token_for(session, cli_actor(), "可撤销", "reviewer", "hpx", 30)
        grant = session.query(Grant).filter_by(user_id=issued.row.user_id).one()
        return {"token_id": issued.row.id, "grant_id": grant.id}


def _batch_csv() -> bytes:
    data = village_submission()["data"]
    cells = ["是" if v is True else "否" if v is False else str(v) for v in data.values()]
    rows = ["单位编码," + ",".join(data)] + [f"v{n}," + ",".join(cells) for n in range(3)]
    return ("\n".join(rows) + "\n").encode()


def _operations():
    app_schema = schemathesis.openapi.from_dict(_static_schema())
    return [result.ok().label for result in app_schema.get_all_operations()]


def _static_schema() -> dict:
    import tempfile

    app = create_app(Settings(data_dir=tempfile.mkdtemp()))
    app.state.batches.stop()
    return app.openapi()


@pytest.mark.parametrize("label", _operations())
def test_no_server_errors_and_no_schema_violations(api_under_test, label):
    """Generated requests (valid and invalid) against each operation: no 5xx, and every
    response matches the documented status codes, content types and schemas."""
    api_schema = schemathesis.openapi.from_asgi("/openapi.json", api_under_test)
    operation = next(r.ok() for r in api_schema.get_all_operations() if r.ok().label == label)
    headers = {"Authorization": f"Bearer {api_under_test.state.token}"}

    seen = api_under_test.state.statuses.setdefault(label, set())

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        for name, value in (case.path_parameters or {}).items():
            # generated ids are mostly unknown (404s); aim most cases at the seeded records
            if name in api_under_test.state.known and str(value).isascii():
                case.path_parameters[name] = api_under_test.state.known[name]
        response = case.call_and_validate(
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance],
        )
        seen.add(response.status_code)

    run()
    if any(f"{{{name}}}" in label for name in ("score_id", "batch_id")) and label.startswith("GET"):
        assert any(200 <= status < 300 for status in seen), f"{label} never reached a record: {sorted(seen)}"
