"""A branch's input taken from its members' points (docs/member-points.md, `from_points`):
filled by the service from the stored events of the period when a submission leaves it
empty, in a single score, a batch and a stage step alike, the source in `filled_inputs`,
its explanation and its verification."""

from __future__ import annotations

import csv
import json

from .conftest import VILLAGE_TEXT, village_submission
from .test_api_batches import wait_done
from .test_api_points import EVENTS, POINTS_TEXT

DECLARED = 'member_points_rate:       {type: number, title: 党员量化积分管理覆盖率, unit: "%", min: 0, max: 100}'
DERIVED = VILLAGE_TEXT.replace(
    DECLARED,
    DECLARED[:-1] + ", from_points: {ruleset: party-member-points, figure: member_points_coverage_pct}}",
)
SCORES = "/rulesets/village-branch-stars/scores"
BATCHES = "/rulesets/village-branch-stars/batches?period=2026"


def _without_rate(unit: str = "cgz-hongqi") -> dict:
    body = village_submission()
    del body["data"]["member_points_rate"]
    return {**body, "unit": {"id": unit}, "period": "2026"}


def _members(service, branch: str = "cgz-hongqi") -> None:
    """Three members of the branch, two with a counted event in 2026: coverage 66.67 %."""
    events = [
        {"member": "DY001", "date": "2026-04-18", "kind": "volunteer", "hours": 6},
        {"member": "DY002", "date": "2026-03-05", "kind": "themed_day"},
        {"member": "DY003", "date": "2025-03-05", "kind": "themed_day"},
    ]
    for event in events:
        answer = service.call("POST", EVENTS, "submitter", json={"event": {**event, "branch": branch}})
        assert answer.status_code == 201, answer.text


def _derived_service(service, with_points=True):
    assert DERIVED != VILLAGE_TEXT
    if with_points:
        assert service.add_ruleset(POINTS_TEXT, periods=("2025", "2026")).status_code == 201
    assert service.add_ruleset(DERIVED, periods=("2026",)).status_code == 201
    return service


def test_a_single_score_takes_the_empty_input_from_the_branchs_members_points(service):
    _derived_service(service)
    _members(service)
    scored = service.call("POST", SCORES, "submitter", json=_without_rate())
    assert scored.status_code == 201, scored.text
    result = scored.json()["result"]
    assert result["input"]["member_points_rate"] == "66.67"
    # the village ruleset also fills its overdue rectification count (docs/rectification.md)
    assert [f["input"] for f in result["filled_inputs"]] == ["member_points_rate", "overdue_rectifications"]
    filled = result["filled_inputs"][0]
    assert filled["ruleset"] == "party-member-points/1"
    assert filled["period"] == "2026" and "record" not in filled
    assert "3 名党员中 2 名有计分事项" in filled["source"]
    text = service.call("GET", f"/scores/{scored.json()['id']}/explanation?format=text").text
    assert "自动填入: 党员量化积分管理覆盖率 = 66.67, 支部 cgz-hongqi 2026: 3 名党员中 2 名" in text
    verified = service.call("POST", f"/scores/{scored.json()['id']}/verify", "auditor").json()
    assert verified["identical"] is True, verified["differences"]

    given = {**_without_rate("cgz-dongfeng"), "data": {**_without_rate()["data"], "member_points_rate": 90}}
    kept = service.call("POST", SCORES, "submitter", json=given).json()["result"]
    assert kept["input"]["member_points_rate"] == "90"
    assert [f["input"] for f in kept["filled_inputs"]] == ["overdue_rectifications"]


def test_a_branch_without_members_keeps_the_input_empty_and_is_refused_as_usual(service):
    _derived_service(service)
    refused = service.call("POST", SCORES, "submitter", json=_without_rate("cgz-dongfeng"))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["member_points_rate"]


def test_a_points_ruleset_not_in_service_is_a_clear_refusal(service):
    _derived_service(service, with_points=False)
    refused = service.call("POST", SCORES, "submitter", json=_without_rate())
    assert refused.status_code == 422 and refused.json()["title"] == "无法取得党员积分"
    assert refused.json()["errors"][0]["field"] == "data.member_points_rate"
    assert "party-member-points" in refused.json()["detail"]


def test_a_batch_fills_each_branchs_input_from_its_members_points(service, tmp_path):
    _derived_service(service)
    _members(service)
    data = _without_rate()["data"]
    path = tmp_path / "villages.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["单位编码", *data])
        for unit in ("cgz-hongqi", "cgz-dongfeng"):
            writer.writerow([unit, *("是" if v is True else "否" if v is False else v for v in data.values())])
    with path.open("rb") as handle:
        accepted = service.call(
            "POST",
            "/rulesets/village-branch-stars/batches?period=2026",
            "submitter",
            files={"file": (path.name, handle)},
        )
    assert accepted.status_code == 202, accepted.text
    batch = wait_done(service, accepted.json()["id"])
    assert (batch["scored"], batch["error_rows"]) == (1, 1), batch
    [record] = service.call("GET", "/scores?unit=cgz-hongqi", "auditor").json()["items"]
    stored = service.call("GET", f"/scores/{record['id']}").json()["result"]
    assert stored["input"]["member_points_rate"] == "66.67" and stored["filled_inputs"][0]["source"]
    assert service.call("POST", f"/scores/{record['id']}/verify", "auditor").json()["identical"] is True


def test_a_batch_is_refused_at_upload_when_no_points_ruleset_is_in_force(service, tmp_path):
    _derived_service(service, with_points=False)
    path = tmp_path / "villages.csv"
    path.write_text("单位编码\ncgz-hongqi\n", encoding="utf-8")
    with path.open("rb") as handle:
        refused = service.call(
            "POST",
            "/rulesets/village-branch-stars/batches?period=2026",
            "submitter",
            files={"file": (path.name, handle)},
        )
    assert refused.status_code == 422 and refused.json()["title"] == "无法取得党员积分"


def test_a_stage_step_fills_it_too(service):
    _derived_service(service)
    _members(service)
    service.token("村", "submitter", "cgz-hongqi")
    url = "/rulesets/village-branch-stars/units/cgz-hongqi/periods/2026/stages/self_review"
    step = service.call("POST", url, "村", json={"data": _without_rate()["data"]})
    assert step.status_code == 201, step.text
    record = service.call("GET", f"/scores/{step.json()['record']}").json()
    assert record["result"]["filled_inputs"][0]["input"] == "member_points_rate"
    assert json.dumps(record["result"]["input"]["member_points_rate"]) == '"66.67"'


def test_the_receipt_of_a_filled_record_verifies_offline(service, tmp_path):
    from .test_receipts import receipt_of, verify_file

    _derived_service(service)
    _members(service)
    scored = service.call("POST", SCORES, "submitter", json=_without_rate()).json()
    code, output = verify_file(tmp_path, receipt_of(service, scored["id"]))
    assert code == 0, output
