"""The published OpenAPI: complete, with examples, and honoured by the service (schemathesis)."""

import json

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
from api.auth import create_token
from api.settings import Settings

from .conftest import VILLAGE_TEXT, village_submission


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
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("schemathesis")))
    with app.state.sessions() as session:
        token = create_token(session, "schemathesis", "admin")
    from fastapi.testclient import TestClient

    client = TestClient(app)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.post("/rulesets", content=VILLAGE_TEXT.encode(), headers=headers).status_code == 201
    record = client.post("/rulesets/village-branch-stars/scores", json=village_submission(), headers=headers).json()
    app.state.known_score = record["id"]
    app.state.token = token
    yield app
    app.state.batches.stop()


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

    @given(case=operation.as_strategy())
    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        if (
            case.path_parameters
            and "ruleset_id" in case.path_parameters
            and case.path_parameters["ruleset_id"].isascii()
        ):
            case.path_parameters["ruleset_id"] = "village-branch-stars"
        case.call_and_validate(
            headers=headers,
            checks=[not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance],
        )

    run()
