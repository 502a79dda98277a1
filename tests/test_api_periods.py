"""Periods over HTTP: months beside years and quarters, a ruleset's declared kind of
period, and a yearly input derived from the unit's quarterly records (docs/periods.md)."""

import json

import pytest

from api.services.previous import previous_period

from .conftest import ROOT, ruleset_dict

QUARTERLY = (ROOT / "examples" / "periods" / "village-quarterly-work.yaml").read_text(encoding="utf-8")
YEARLY = (ROOT / "examples" / "periods" / "village-yearly-work.yaml").read_text(encoding="utf-8")


def _post(service, ruleset, period, data, unit="cgz-hongqi"):
    body = {"unit": {"id": unit}, "period": period, "data": data}
    return service.call("POST", f"/rulesets/{ruleset}/scores", "submitter", json=body)


def _add(service, document: dict, periods=("2025",)):
    assert service.add_ruleset(json.dumps(document, ensure_ascii=False), periods=periods).status_code == 201


@pytest.mark.parametrize(("period", "before"), [("2025-01", "2024-12"), ("2025-07", "2025-06"), ("2025Q1", "2024Q4")])
def test_the_period_before_a_month_is_the_month_before(period, before):
    assert previous_period(period) == before


def test_a_month_is_decided_by_its_own_version_then_its_quarters_then_its_years():
    from api.services.versions import _candidates

    assert _candidates("2025-03") == ["2025-03", "2025Q1", "2025", "*"]
    assert _candidates("2025Q4") == ["2025Q4", "2025", "*"] and _candidates("2025") == ["2025", "*"]


def test_a_monthly_ruleset_scores_months_under_the_years_version_and_refuses_a_year(service):
    _add(service, ruleset_dict(id="monthly", period="month"))
    scored = _post(service, "monthly", "2025-03", {"x": 90, "flag": False})
    assert scored.status_code == 201, scored.text
    assert scored.json()["period"] == "2025-03"
    refused = _post(service, "monthly", "2025", {"x": 90, "flag": False})
    assert refused.status_code == 422
    [field] = refused.json()["errors"]
    assert field["field"] == "period"
    assert "按月度考核" in field["message"] and "'2025' 是年度" in field["message"] and "2025-03" in field["message"]


def test_a_ruleset_that_declares_no_kind_takes_every_kind_as_before(service):
    _add(service, ruleset_dict())
    for period in ("2025", "2025Q2", "2025-04"):
        assert _post(service, "tiny", period, {"x": 90, "flag": False}).status_code == 201


def test_a_period_written_otherwise_is_refused_naming_the_forms(service):
    _add(service, ruleset_dict())
    refused = _post(service, "tiny", "2025M03", {"x": 90, "flag": False})
    assert refused.status_code == 422
    assert "月份 (如 2025-03)" in refused.json()["errors"][0]["message"]


def test_a_month_can_have_its_own_version(service):
    _add(service, ruleset_dict(id="monthly", period="month"), periods=("2025-03",))
    assert _post(service, "monthly", "2025-03", {"x": 90, "flag": False}).status_code == 201
    missing = _post(service, "monthly", "2025-04", {"x": 90, "flag": False})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "period"


@pytest.fixture
def periods_service(service):
    assert service.add_ruleset(QUARTERLY).status_code == 201
    assert service.add_ruleset(YEARLY).status_code == 201
    return service


def _quarters(service, values, unit="cgz-hongqi"):
    ids = {}
    for quarter, (meetings, visits) in values.items():
        data = {"meetings": meetings, "visits": visits}
        answer = _post(service, "village-quarterly-work", f"2025{quarter}", data, unit)
        assert answer.status_code == 201, answer.text
        ids[quarter] = answer.json()["id"]
    return ids


def test_a_yearly_input_left_empty_is_derived_from_the_four_quarters(periods_service):
    ids = _quarters(periods_service, {"Q1": (6, 80), "Q2": (7, 90), "Q3": (5, 70), "Q4": (6, 85)})
    answer = _post(periods_service, "village-yearly-work", "2025", {"secretary_rating": "好"})
    assert answer.status_code == 201, answer.text
    record = answer.json()
    assert record["input"]["meetings"] == 24 and record["input"]["visits"] == 81.25
    meetings, visits = record["result"]["filled_inputs"]
    assert meetings["input"] == "meetings" and meetings["period"] == "2025"
    assert meetings["records"] == [ids[q] for q in ("Q1", "Q2", "Q3", "Q4")] and meetings["record"] == ids["Q4"]
    parts = "2025Q1 6、2025Q2 7、2025Q3 5、2025Q4 6"
    assert meetings["source"] == f"取自 village-quarterly-work 各季度记录的 meetings 合计: {parts}"
    assert visits["source"].startswith("取自 village-quarterly-work 各季度记录的 visits 平均: ")
    text = periods_service.call("GET", f"/scores/{record['id']}/explanation?format=text", "auditor").text
    assert '自动填入: 全年"三会一课"次数 = 24, 取自 village-quarterly-work 各季度记录的 meetings 合计' in text
    report = periods_service.call("POST", f"/scores/{record['id']}/verify", "auditor").json()
    assert report["identical"] is True


def test_a_value_given_is_kept_and_a_missing_quarter_is_refused_or_said(periods_service):
    _quarters(periods_service, {"Q1": (6, 80), "Q2": (7, 90), "Q3": (5, 71)})
    refused = _post(periods_service, "village-yearly-work", "2025", {"secretary_rating": "好"})
    assert refused.status_code == 422
    [field] = refused.json()["errors"]
    assert field["field"] == "data.meetings" and "缺少 2025Q4 的记录" in field["message"]
    kept = _post(periods_service, "village-yearly-work", "2025", {"secretary_rating": "好", "meetings": 20})
    assert kept.status_code == 201, kept.text
    record = kept.json()
    assert record["input"]["meetings"] == 20 and record["input"]["visits"] == 80.333333
    [visits] = record["result"]["filled_inputs"]
    assert visits["input"] == "visits" and "平均≈" in visits["source"]
    assert visits["source"].endswith("; 缺 2025Q4, 只用已有季度")


def test_only_the_units_own_current_quarterly_records_count(periods_service):
    _quarters(periods_service, {"Q1": (6, 80), "Q2": (6, 80), "Q3": (6, 80), "Q4": (6, 80)}, unit="cgz-dongfeng")
    answer = _post(periods_service, "village-yearly-work", "2025", {"secretary_rating": "好", "meetings": 3})
    assert answer.status_code == 422  # visits: hongqi has no quarter at all, and the input is required
    assert [f["field"] for f in answer.json()["errors"]] == ["visits"]


def test_a_quarter_submitted_to_the_yearly_ruleset_is_refused(periods_service):
    data = {"secretary_rating": "好", "meetings": 3, "visits": 1}
    refused = _post(periods_service, "village-yearly-work", "2025Q1", data)
    assert refused.status_code == 422 and "按年度考核" in refused.json()["errors"][0]["message"]


def _upload(service, ruleset, period, lines: list[str]):
    content = ("\n".join(lines) + "\n").encode("utf-8")
    return service.call(
        "POST",
        f"/rulesets/{ruleset}/batches?period={period}",
        "submitter",
        files={"file": ("yearly.csv", content, "text/csv")},
    )


def test_a_yearly_batch_fills_each_row_from_its_quarters_and_refuses_a_row_without_them(periods_service):
    from .test_api_batches import wait_done

    _quarters(periods_service, {"Q1": (6, 80), "Q2": (7, 90), "Q3": (5, 70), "Q4": (6, 85)})
    _quarters(periods_service, {"Q1": (6, 80)}, unit="cgz-dongfeng")
    lines = ["unit_id,unit_name,secretary_rating", "cgz-hongqi,红旗村,好", "cgz-dongfeng,东风村,好"]
    accepted = _upload(periods_service, "village-yearly-work", "2025", lines)
    assert accepted.status_code == 202, accepted.text
    batch = wait_done(periods_service, accepted.json()["id"])
    assert (batch["status"], batch["stored"], batch["error_rows"]) == ("done", 1, 1)
    results = periods_service.call("GET", f"/batches/{batch['id']}/results?format=json", "auditor").json()
    [error] = results["errors"]
    assert error["unit_id"] == "cgz-dongfeng" and "缺少 2025Q2、2025Q3、2025Q4 的记录" in error["message"]
    [record] = periods_service.call("GET", "/scores?ruleset=village-yearly-work", "auditor").json()["items"]
    stored = periods_service.call("GET", f"/scores/{record['id']}", "auditor").json()
    assert stored["input"]["meetings"] == 24 and [f["input"] for f in stored["result"]["filled_inputs"]] == [
        "meetings",
        "visits",
    ]
    verified = periods_service.call("POST", f"/scores/{record['id']}/verify", "auditor").json()
    assert verified["identical"] is True


def test_a_batch_for_a_period_of_the_wrong_kind_is_refused_at_upload(periods_service):
    refused = _upload(periods_service, "village-quarterly-work", "2025", ["unit_id,meetings,visits", "cgz-hongqi,3,4"])
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "period" and "按季度考核" in refused.json()["errors"][0]["message"]


def test_the_web_form_takes_a_month_and_says_a_wrong_kind_beside_the_period(service):
    _add(service, ruleset_dict(id="monthly", period="month"))
    headers = service.headers("submitter")
    form = {"unit": "cgz-hongqi", "period": "2025-03", "x": "90", "flag": "否"}
    good = service.client.post("/ui/rulesets/monthly/submit", data=form, headers=headers, follow_redirects=False)
    assert good.status_code == 303, good.text
    stored = service.call("GET", good.headers["location"].replace("/ui", ""), "auditor").json()
    assert stored["period"] == "2025-03"
    wrong = service.client.post("/ui/rulesets/monthly/submit", data={**form, "period": "2025Q1"}, headers=headers)
    from .test_web_submit import field_errors

    assert wrong.status_code == 422 and "按月度考核" in field_errors(wrong.text, "period")[0]


def test_publishing_refuses_a_from_quarters_naming_no_quarterly_ruleset(service):
    created = service.add_ruleset(YEARLY, periods=())  # its quarterly ruleset is not there yet
    assert created.status_code == 201, created.text
    refused = service.call(
        "POST", "/rulesets/village-yearly-work/versions/1/publish", "publisher", json={"periods": ["2025"]}
    )
    assert refused.status_code == 422
    fields = {e["field"]: e["message"] for e in refused.json()["errors"]}
    assert set(fields) == {"inputs.meetings.from_quarters.ruleset", "inputs.visits.from_quarters.ruleset"}
    assert "village-quarterly-work 不存在" in fields["inputs.meetings.from_quarters.ruleset"]
    monthly = QUARTERLY.replace("period: quarter", "period: month")
    assert service.add_ruleset(monthly).status_code == 201
    refused = service.call(
        "POST", "/rulesets/village-yearly-work/versions/1/publish", "publisher", json={"periods": ["2025"]}
    )
    assert refused.status_code == 422 and "按月度考核, 不是季度规则集" in refused.json()["detail"]
