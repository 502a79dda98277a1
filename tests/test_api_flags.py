"""Flags over HTTP: last year's grade filled from the unit's record, the flags it raises,
their listing for the committee per jurisdiction and period, and verification."""

from .conftest import village_submission
from .test_api_batches import upload, wait_done
from .test_batch import write_csv

SCORES = "/rulesets/village-branch-stars/scores"


def _score(service, period, role="submitter", unit="cgz-hongqi", **changes):
    body = village_submission(**changes)
    body["period"] = period
    body["unit"] = {"id": unit}
    response = service.call("POST", SCORES, role, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _grades_filled(result) -> list[dict]:
    """What the service filled from last period's record (it also fills the overdue count)."""
    return [f for f in result.get("filled_inputs", []) if f["input"] == "previous_grade"]


def _two_bad_years(service, unit="cgz-hongqi"):
    before = _score(service, "2024", unit=unit, village_bully_cases=1)
    return before, _score(service, "2025", unit=unit, village_bully_cases=1)


def test_last_years_grade_is_filled_from_the_units_record_and_raises_the_flags(village_service):
    before, record = _two_bad_years(village_service)
    assert before["grade"] == "one" and "previous_grade" not in before["input"]
    assert [f["id"] for f in before["result"]["raised_flags"]] == ["close_watch"]
    result = record["result"]
    assert record["input"]["previous_grade"] == "one"
    assert _grades_filled(result) == [{"input": "previous_grade", "record": before["id"], "period": "2024"}]
    adjust = result["raised_flags"][0]
    assert adjust["id"] == "adjust_team" and adjust["severity"] == "warning"
    assert adjust["values"] == {"grade": "one", "previous_grade": "one"}
    text = village_service.call("GET", f"/scores/{record['id']}/explanation?format=text", "auditor").text
    assert f"自动填入: 上年度评定等次 = one, 取自本单位 2024 期的记录 {before['id']}" in text
    assert "[警示] 建议调整班子 [adjust_team]" in text and "建议: 连续两年评为一星" in text


def test_a_filled_record_verifies_identical(village_service):
    _, record = _two_bad_years(village_service)
    report = village_service.call("POST", f"/scores/{record['id']}/verify", "auditor").json()
    assert report["identical"] is True and report["differences"] == []


def test_a_given_value_is_kept_and_a_first_year_stays_empty(village_service):
    _score(village_service, "2024", village_bully_cases=1)
    kept = _score(village_service, "2025", previous_grade="three", village_bully_cases=1)
    assert kept["input"]["previous_grade"] == "three" and _grades_filled(kept["result"]) == []
    assert [f["id"] for f in kept["result"]["raised_flags"]] == ["close_watch"]
    first = _score(village_service, "2025", unit="cgz-dongfeng")
    assert "previous_grade" not in first["input"] and first["result"]["raised_flags"] == []


def test_the_committee_lists_the_periods_flags_in_its_subtree_only(village_service):
    _two_bad_years(village_service)
    _two_bad_years(village_service, unit="hpx-xinmin")
    _score(village_service, "2025", unit="cgz-dongfeng")  # raises nothing: not listed
    listed = village_service.call("GET", "/flags?period=2025", "reviewer").json()
    assert listed["count"] == 2
    assert [i["record"]["unit"]["id"] for i in listed["items"]] == ["cgz-hongqi", "hpx-xinmin"]
    assert [f["id"] for f in listed["items"][0]["flags"]] == ["adjust_team", "close_watch"]
    only = village_service.call("GET", "/flags?period=2025&flag=adjust_team&under=hpx", "reviewer").json()
    assert [(i["record"]["unit"]["id"], [f["id"] for f in i["flags"]]) for i in only["items"]] == [
        ("hpx-xinmin", ["adjust_team"])
    ]
    village_service.token("城关镇审核员", "reviewer", "cgz")
    township = village_service.call("GET", "/flags?period=2025", "城关镇审核员").json()
    assert [i["record"]["unit"]["id"] for i in township["items"]] == ["cgz-hongqi"]
    outside = village_service.call("GET", "/flags?period=2025&under=hpx", "城关镇审核员")
    assert outside.status_code == 404 and outside.json()["errors"][0]["field"] == "under"
    earlier = village_service.call("GET", "/flags?period=2024&ruleset=village-branch-stars", "reviewer").json()
    assert earlier["count"] == 2 and all(f["id"] == "close_watch" for i in earlier["items"] for f in i["flags"])


def test_a_bad_period_is_refused_naming_the_field(village_service):
    response = village_service.call("GET", "/flags?period=去年", "reviewer")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "period"
    assert village_service.call("GET", "/flags", "reviewer").status_code == 422


def test_a_batch_fills_last_years_grade_of_each_unit_and_verifies(village_service, tmp_path):
    before = _score(village_service, "2024", unit="v00001", village_bully_cases=1)
    path = tmp_path / "county.csv"
    write_csv(path, 3)
    accepted = upload(village_service, path)
    assert accepted.status_code == 202, accepted.text
    assert wait_done(village_service, accepted.json()["id"])["status"] == "done"
    records = village_service.call("GET", "/scores?period=2025", "auditor").json()["items"]
    by_unit = {r["unit"]["id"]: village_service.call("GET", f"/scores/{r['id']}").json() for r in records}
    filled = by_unit["v00001"]
    assert filled["input"]["previous_grade"] == "one"
    assert _grades_filled(filled["result"]) == [{"input": "previous_grade", "record": before["id"], "period": "2024"}]
    assert "previous_grade" not in by_unit["v00000"]["input"]
    assert _grades_filled(by_unit["v00000"]["result"]) == []
    verified = village_service.call("POST", f"/scores/{filled['id']}/verify", "auditor").json()
    assert verified["identical"] is True, verified["differences"]
