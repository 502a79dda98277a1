"""Hostile submissions: each answered with a clear 4xx naming the problem, never a 500,
and nothing stored."""

import json

import pytest
from typer.testing import CliRunner

from api.cli import app as cli_app
from engine import runtime
from engine.runtime import EngineFailure

from ..conftest import ROOT, village_submission

SCORES = "/rulesets/village-branch-stars/scores"
VILLAGE = str(ROOT / "rulesets" / "village-branch-stars.yaml")


def post_raw(service, raw: str | bytes, role: str = "submitter"):
    body = raw.encode() if isinstance(raw, str) else raw
    return service.call("POST", SCORES, role, content=body, headers={"Content-Type": "application/json"})


def records(service) -> int:
    return service.call("GET", "/scores", "auditor").json()["total"]


def with_income(text: str) -> str:
    return json.dumps(village_submission(), ensure_ascii=False).replace(
        '"collective_income": 6.2', f'"collective_income": {text}'
    )


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        (with_income('6.2, "collective_income": 1'), "出现了不止一次"),
        (with_income("NaN"), "NaN 不是数"),
        (with_income("Infinity"), "Infinity 不是数"),
        (with_income("-Infinity"), "-Infinity 不是数"),
        (with_income('"\\ud800"'), "代理字符"),
        (json.dumps(village_submission()).replace('"data": {', '"data": {"\\udfff": 1, '), "代理字符"),
        (json.dumps(village_submission()).replace('"name": "', '"name": "\\ud83d'), "代理字符"),
        ("[" * 100_000 + "]" * 100_000, "嵌套层次过深"),
        (b'{"unit": {"id": "\xff"}}', "不是 UTF-8"),
        ('{"unit": ', "不是有效的 JSON"),
    ],
)
def test_unreadable_bodies_are_a_422_naming_why(village_service, raw, words):
    answer = post_raw(village_service, raw)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert words in answer.json()["errors"][0]["message"]
    assert records(village_service) == 0


def test_a_lone_surrogate_as_a_choice_value_is_refused_not_stored(village_service):
    raw = json.dumps(village_submission()).replace('"assistance_rating": "\\u597d"', '"assistance_rating": "\\ud800"')
    assert "\\ud800" in raw
    answer = post_raw(village_service, raw)
    assert answer.status_code == 422
    assert records(village_service) == 0


@pytest.mark.parametrize("version", [True, False, 1.0, "1"])
def test_a_version_must_be_a_whole_number_not_a_boolean(village_service, version):
    body = village_submission()
    body["version"] = version
    answer = village_service.call("POST", SCORES, "submitter", json=body)
    assert answer.status_code == 422, answer.text
    assert answer.json()["errors"][0]["field"] == "version"


def test_a_chunked_body_over_the_limit_is_413(village_service):
    def chunks():
        for _ in range(160):  # 10 MB, no Content-Length
            yield b" " * 65536

    answer = village_service.call(
        "POST", SCORES, "submitter", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert answer.status_code == 413
    assert "请求体超过上限" in answer.json()["detail"]
    upload = village_service.call(
        "POST", "/rulesets", "editor", content=chunks(), headers={"Content-Type": "text/yaml"}
    )
    assert upload.status_code == 413


def test_a_flood_of_unknown_keys_is_answered_briefly(village_service):
    """Its speed is bench/hostile.py's to measure (it once took 8.7 s, answering 13.7 MB)."""
    body = village_submission()
    body["data"].update({f"k{n}": n for n in range(100_000)})
    answer = village_service.call("POST", SCORES, "submitter", json=body)
    assert answer.status_code == 422
    problem = answer.json()
    assert len(problem["errors"]) == 100
    assert problem["count"] == 100_000
    assert len(answer.content) < 40_000


def test_a_record_is_corrected_only_by_a_submitter_whose_subtree_holds_its_unit(village_service):
    """Issue 8 item 6 as the governance issue defines it: a correction is allowed to a
    submitter (or administrator) whose grant covers the unit, not only to the record's
    own submitter; another township's submitter and an auditor are refused."""
    first = village_service.call("POST", SCORES, "submitter", json=village_submission()).json()
    correction = village_submission(collective_income=12)
    correction["supersedes"] = first["id"]  # a record of 红旗村 (cgz-hongqi), under 城关镇 (cgz)
    village_service.token("和平乡填报", "submitter", "hpx")
    village_service.token("城关镇填报", "submitter", "cgz")
    elsewhere = village_service.call("POST", SCORES, "和平乡填报", json=correction)
    assert elsewhere.status_code == 404 and "管辖范围" in elsewhere.json()["detail"]
    by_auditor = village_service.call("POST", SCORES, "auditor", json=correction)
    assert by_auditor.status_code == 403 and "submitter" in by_auditor.json()["detail"]
    assert records(village_service) == 1
    by_township = village_service.call("POST", SCORES, "城关镇填报", json=correction)
    assert by_township.status_code == 201, by_township.text
    assert by_township.json()["supersedes"] == first["id"]


def test_an_engine_failure_is_a_503_and_stores_nothing(village_service, monkeypatch):
    def failing(*_args, **_kwargs):
        raise EngineFailure("no rule fired, not even the sentinel")

    monkeypatch.setattr(runtime, "match", failing)
    answer = village_service.call("POST", SCORES, "submitter", json=village_submission())
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "1"
    assert "没有评分" in answer.json()["detail"]
    monkeypatch.undo()
    assert records(village_service) == 0


# ---------------------------------------------------------------- the CLI


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (with_income('6.2, "collective_income": 1').encode(), "出现了不止一次"),
        (with_income("NaN").encode(), "NaN 不是数"),
        ('{"data": {"x": 1}}'.encode("utf-16"), "不是 UTF-8"),
        (with_income("1e999999999").encode(), "无法精确计算"),
    ],
)
def test_cli_refuses_bad_submission_files_without_a_traceback(tmp_path, content, words):
    path = tmp_path / "unit.json"
    path.write_bytes(content)
    result = CliRunner().invoke(cli_app, ["score", VILLAGE, str(path)])
    assert result.exit_code == 1
    assert words in result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
