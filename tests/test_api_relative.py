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
