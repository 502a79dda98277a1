"""Relative indicators through the service: a batch scored against itself, a single unit
against a stored batch (refused without one), and every record verified to the digit."""

import csv
import json

from .conftest import ROOT
from .test_api_batches import wait_done

COUNTY_TEXT = (ROOT / "rulesets" / "county-relative-appraisal.yaml").read_text(encoding="utf-8")
TOWNSHIP = json.loads((ROOT / "examples" / "township-hekou.json").read_text(encoding="utf-8"))["data"]
SCORES = "/rulesets/county-relative-appraisal/scores"


def _write_townships(path, count):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["单位编码", "单位名称", *TOWNSHIP])
        for n in range(count):
            row = {**TOWNSHIP, "collective_income_growth": 10 + 3 * n, "poverty_income": 8000 + 500 * n}
            writer.writerow(
                [f"t{n}", f"镇{n}"] + ["是" if v is True else "否" if v is False else v for v in row.values()]
            )


def _body(unit: str, **extra) -> dict:
    return {"unit": {"id": unit}, "period": "2025", "data": {**TOWNSHIP, "collective_income_growth": 40}, **extra}


def test_relative_scores_through_the_service_verify_to_the_digit(service, tmp_path):
    assert service.add_ruleset(COUNTY_TEXT).status_code == 201
    path = tmp_path / "townships.csv"
    _write_townships(path, 5)
    with path.open("rb") as handle:
        accepted = service.call(
            "POST",
            "/rulesets/county-relative-appraisal/batches?period=2025",
            "submitter",
            files={"file": (path.name, handle)},
        )
    assert accepted.status_code == 202, accepted.text
    batch = wait_done(service, accepted.json()["id"])
    assert batch["status"] == "done" and batch["scored"] == 5, batch

    refused = service.call("POST", SCORES, "submitter", json=_body("t6"))
    assert refused.status_code == 422
    assert "参照批次" in refused.text and "needs_reference" in refused.text
    unknown = service.call("POST", SCORES, "submitter", json=_body("t6", reference_batch="nope"))
    assert unknown.status_code == 404

    scored = service.call("POST", SCORES, "submitter", json=_body("t6", reference_batch=batch["id"]))
    assert scored.status_code in (200, 201), scored.text
    record = service.call("GET", f"/scores/{scored.json()['id']}").json()
    reference = record["result"]["reference"]
    assert reference["batch"] == f"townships.csv [batch {batch['id']}]"
    growth = reference["indicators"]["income_growth_rank"]
    assert (growth["rank"], growth["count"], growth["best_unit"]) == (1, 6, "t6")  # 40 beats the batch's 22

    records = service.call("GET", "/scores?limit=50", "auditor").json()["items"]
    assert len(records) == 6
    for item in records:
        verified = service.call("POST", f"/scores/{item['id']}/verify", "auditor").json()
        assert verified["identical"] is True, verified["differences"][:5]
    assert service.call("GET", "/audit/verify", "auditor").json()["intact"] is True


def test_a_reference_batch_is_refused_where_no_indicator_is_relative(village_service):
    from .conftest import village_submission

    body = {**village_submission(), "reference_batch": "any"}
    answer = village_service.call("POST", "/rulesets/village-branch-stars/scores", "submitter", json=body)
    assert answer.status_code == 422 and "reference_batch" in answer.text


def _stored_batch(service, tmp_path, count=5, name="townships.csv"):
    path = tmp_path / name
    _write_townships(path, count)
    with path.open("rb") as handle:
        accepted = service.call(
            "POST",
            "/rulesets/county-relative-appraisal/batches?period=2025",
            "submitter",
            files={"file": (path.name, handle)},
        )
    assert accepted.status_code == 202, accepted.text
    batch = wait_done(service, accepted.json()["id"])
    assert batch["status"] == "done", batch
    return batch


def test_the_published_batch_of_the_period_is_the_reference_of_a_single_score(service, tmp_path):
    assert service.add_ruleset(COUNTY_TEXT).status_code == 201
    first = _stored_batch(service, tmp_path, 5, "first.csv")
    none = service.call("GET", "/rulesets/county-relative-appraisal/reference?period=2025", "auditor")
    assert none.status_code == 404 and "没有公布参照批次" in none.text
    assert service.call("POST", f"/batches/{first['id']}/reference", "submitter").status_code == 403

    published = service.call("POST", f"/batches/{first['id']}/reference", "reviewer")
    assert published.status_code == 200, published.text
    assert published.json()["replaces"] is None and published.json()["published_by"].startswith("reviewer-测试")
    scored = service.call("POST", SCORES, "submitter", json=_body("t6"))
    assert scored.status_code == 201, scored.text
    reference = scored.json()["result"]["reference"]
    assert reference["batch"] == f"first.csv [batch {first['id']}] (本期 2025 公布的参照批次)"
    assert reference["indicators"]["income_growth_rank"]["count"] == 6
    text = service.call("GET", f"/scores/{scored.json()['id']}/explanation?format=text").text
    assert "本期 2025 公布的参照批次" in text

    second = _stored_batch(service, tmp_path, 3, "second.csv")
    again = service.call("POST", f"/batches/{second['id']}/reference", "reviewer").json()
    assert again["replaces"] == first["id"]
    shown = service.call("GET", "/rulesets/county-relative-appraisal/reference?period=2025", "auditor").json()
    assert shown["batch"] == second["id"] and shown["event"] == again["event"]
    named = service.call("POST", SCORES, "submitter", json=_body("another", reference_batch=first["id"]))
    assert named.json()["result"]["reference"]["batch"] == f"first.csv [batch {first['id']}]"

    verified = service.call("POST", f"/scores/{scored.json()['id']}/verify", "auditor").json()
    assert verified["identical"] is True, verified["differences"][:5]
    assert service.call("GET", "/audit/verify", "auditor").json()["intact"] is True


def test_publishing_refuses_a_batch_without_relative_indicators(village_service, tmp_path):
    path = tmp_path / "villages.csv"
    data = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))["data"]
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["单位编码", *data])
        writer.writerow(["v1", *("是" if v is True else "否" if v is False else v for v in data.values())])
    with path.open("rb") as handle:
        accepted = village_service.call(
            "POST",
            "/rulesets/village-branch-stars/batches?period=2025",
            "submitter",
            files={"file": (path.name, handle)},
        )
    batch = wait_done(village_service, accepted.json()["id"])
    refused = village_service.call("POST", f"/batches/{batch['id']}/reference", "reviewer")
    assert refused.status_code == 422 and "不需要参照批次" in refused.text


STAGED_TEXT = COUNTY_TEXT.replace(
    "\ntests:", "\nstages:\n  - {id: self_review, title: 乡镇自评, role: submitter, level: 乡镇}\n\ntests:", 1
)


def test_a_stage_step_of_a_relative_ruleset_uses_the_published_batch(service, tmp_path):
    assert service.add_ruleset(STAGED_TEXT).status_code == 201
    stage = "/rulesets/county-relative-appraisal/units/t6/periods/2025/stages/self_review"
    body = {"data": {**TOWNSHIP, "collective_income_growth": 40}}
    service.token("镇6", "submitter", "t6")
    refused = service.call("POST", stage, "镇6", json=body)
    assert refused.status_code == 422 and "needs_reference" in refused.text
    batch = _stored_batch(service, tmp_path)
    assert service.call("POST", f"/batches/{batch['id']}/reference", "reviewer").status_code == 200
    taken = service.call("POST", stage, "镇6", json=body)
    assert taken.status_code == 201, taken.text
    record = service.call("GET", f"/scores/{taken.json()['record']}").json()
    assert record["result"]["reference"]["batch"].endswith("(本期 2025 公布的参照批次)")
