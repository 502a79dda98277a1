"""Member points in the service (docs/member-points.md): a points ruleset stored and
published like any, events posted, imported, corrected and withdrawn as chained records,
a member's points recomputed from the stored events alone, a branch's members' points,
and access by the unit tree."""

from __future__ import annotations

from .conftest import ROOT

POINTS_TEXT = (ROOT / "rulesets" / "party-member-points.yaml").read_text(encoding="utf-8")
EVENTS = "/rulesets/party-member-points/events"


def _event(**changes) -> dict:
    event = {"member": "DY001", "branch": "cgz-hongqi", "date": "2026-04-18", "kind": "volunteer", "hours": 6}
    return {"event": {**event, **changes}}


def _points(service, member="DY001", period="2026", role="auditor", **params):
    query = "&".join(f"{k}={v}" for k, v in {"period": period, **params}.items())
    return service.call("GET", f"/rulesets/party-member-points/members/{member}/points?{query}", role)


def _with_points(service):
    created = service.add_ruleset(POINTS_TEXT, periods=("2025", "2026"))
    assert created.status_code == 201, created.text
    return service


def test_a_points_ruleset_is_stored_published_and_refuses_unit_scores(service):
    _with_points(service)
    detail = service.call("GET", "/rulesets/party-member-points").json()
    assert detail["periods"] == {"2025": 1, "2026": 1}
    version = service.call("GET", "/rulesets/party-member-points/versions/1").json()
    assert version["parsed"]["events"]["base"] == 60
    body = {"unit": {"id": "cgz-hongqi"}, "period": "2026", "data": {}}
    refused = service.call("POST", "/rulesets/party-member-points/scores", "submitter", json=body)
    assert refused.status_code == 422 and "党员积分规则集" in refused.json()["detail"]
    assert refused.json()["title"] == "不是评分规则集"


def test_one_event_posted_is_checked_like_a_submission_and_chained(service):
    _with_points(service)
    posted = service.call("POST", EVENTS, "submitter", json=_event())
    assert posted.status_code == 201, posted.text
    out = posted.json()
    assert (out["member"], out["branch"], out["kind"], out["version"]) == ("DY001", "cgz-hongqi", "volunteer", 1)
    assert out["posted_by"].startswith("submitter-测试") and out["file"] is None and out["fields"] == {"hours": 6}

    bad = service.call("POST", EVENTS, "submitter", json=_event(hours=30, date="2026-13-01", kind="献血"))
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["errors"]}
    assert {"date", "kind"} <= fields
    over = service.call("POST", EVENTS, "submitter", json=_event(hours=30))
    assert over.status_code == 422 and over.json()["errors"][0]["field"] == "hours"
    assert "服务时长" in over.json()["errors"][0]["message"]
    no_branch = service.call("POST", EVENTS, "submitter", json={"event": {**_event()["event"], "branch": None}})
    assert no_branch.status_code == 422 and no_branch.json()["errors"][0]["field"] == "branch"
    elsewhere = service.call("POST", EVENTS, "submitter", json=_event(branch="cgz-dongfeng"))
    assert elsewhere.status_code == 422 and "属于支部 cgz-hongqi" in elsewhere.text
    no_version = service.call("POST", EVENTS, "submitter", json=_event(date="2030-01-01"))
    assert no_version.status_code == 422 and no_version.json()["errors"][0]["field"] == "date"

    listed = service.call("GET", f"{EVENTS}?member=DY001", "auditor").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == out["id"]
    chain = service.call("GET", "/audit/verify", "auditor").json()
    assert chain["intact"] is True and chain["events"] >= 3  # ruleset created, published, the event


def test_a_members_points_are_recomputed_from_the_stored_events_with_every_rule_and_cap(service):
    _with_points(service)
    for day in range(1, 4):  # 3 x 8 hours: 12 points, the category's cap of 10 cuts 2
        assert (
            service.call("POST", EVENTS, "submitter", json=_event(date=f"2026-0{day}-01", hours=8)).status_code == 201
        )
    service.call("POST", EVENTS, "submitter", json=_event(date="2026-05-01", hours=0.5))  # does not count
    service.call("POST", EVENTS, "submitter", json=_event(date="2025-05-01", hours=4))  # another year
    answer = _points(service)
    assert answer.status_code == 200, answer.text
    points = answer.json()["points"]
    assert points["total"] == "70" and points["line"]["id"] == "qualified"
    service_cat = next(c for c in points["categories"] if c["id"] == "service")
    assert (service_cat["raw"], service_cat["points"], service_cat["cut"]) == ("12", "10", "2")
    assert [e["counted"] for e in points["events"]] == [True, True, True, False]
    assert points["events"][0]["rule"]["rule_id"] == "kind.volunteer"
    assert points["ruleset"]["version"] == 1 and points["period"] == "2026"
    assert len(answer.json()["events"]) == 4
    quarter = _points(service, period="2026Q1").json()["points"]
    assert quarter["total"] == "70" and len(quarter["events"]) == 3
    text = _points(service, format="text").text
    assert "超过上限 10, 减去 2" in text
    assert "志愿服务" in text
    assert _points(service, period="2026-1").status_code == 422
    assert _points(service, member="nobody").status_code == 404


def test_a_correction_and_a_withdrawal_are_new_chained_records(service):
    _with_points(service)
    wrong = service.call("POST", EVENTS, "submitter", json=_event(hours=16)).json()
    corrected = service.call("POST", EVENTS, "submitter", json={**_event(hours=6), "corrects": wrong["id"]})
    assert corrected.status_code == 201 and corrected.json()["withdraws"] == wrong["id"]
    again = service.call("POST", EVENTS, "submitter", json={**_event(hours=2), "corrects": wrong["id"]})
    assert again.status_code == 409
    assert _points(service).json()["points"]["total"] == "63"

    extra = service.call("POST", EVENTS, "submitter", json=_event(date="2026-06-01", hours=4)).json()
    url = f"{EVENTS}/{extra['id']}/withdraw"
    assert service.call("POST", url, "submitter", json={"reason": " "}).status_code == 422
    withdrawn = service.call("POST", url, "submitter", json={"reason": "重复录入"})
    assert withdrawn.status_code == 201, withdrawn.text
    assert withdrawn.json()["kind"] is None and withdrawn.json()["reason"] == "重复录入"
    assert service.call("POST", url, "submitter", json={"reason": "再撤"}).status_code == 409
    assert _points(service).json()["points"]["total"] == "63"
    listed = {e["id"]: e["withdrawn_by"] for e in service.call("GET", f"{EVENTS}?member=DY001").json()["items"]}
    assert listed[wrong["id"]] == corrected.json()["id"] and listed[extra["id"]] == withdrawn.json()["id"]
    assert service.call("POST", f"{EVENTS}/nope/withdraw", "submitter", json={"reason": "x"}).status_code == 404
    assert service.call("GET", "/audit/verify", "auditor").json()["intact"] is True


def test_an_events_file_is_imported_whole_or_refused_whole_with_row_numbers(service, tmp_path):
    _with_points(service)
    lines = (ROOT / "examples" / "member-events.csv").read_text(encoding="utf-8").splitlines()
    lines = [lines[0]] + [
        line.replace("红旗村党支部", "cgz-hongqi").replace("向阳村党支部", "cgz-dongfeng")
        for line in lines[1:]
        if ",2026-" in line
    ]
    good = "\n".join(lines) + "\n"
    bad = good + "DY009,cgz-hongqi,2026-04-01,志愿服务,,,30,,,,\nDY010,hpx-xinmin,2025-04-01,参加主题党日,,,,,,,\n"

    def upload(text, name="events.csv", year="2026", role="submitter"):
        files = {"file": (name, text.encode("utf-8"))}
        return service.call("POST", f"{EVENTS}/file?year={year}", role, files=files)

    refused = upload(bad)
    assert refused.status_code == 422, refused.text
    rows = {(e["row"], e["field"]) for e in refused.json()["errors"]}
    count = len(lines)
    assert {(count + 1, "hours"), (count + 2, "date")} <= rows
    assert all(e["message"].startswith(f"第 {e['row']} 行") for e in refused.json()["errors"])
    assert service.call("GET", EVENTS, "auditor").json()["count"] == 0  # nothing stored

    service.token("东风村", "submitter", "cgz-dongfeng")
    outside = upload(good, role="东风村")
    assert outside.status_code == 422 and any(e["field"] == "branch" for e in outside.json()["errors"])

    imported = upload(good)
    assert imported.status_code == 201, imported.text
    items = imported.json()["items"]
    assert imported.json()["count"] == count - 1 == len(items)
    assert items[0]["file"] == "events.csv" and items[0]["row"] == 2
    points = _points(service).json()
    assert points["points"]["events"][0]["row"] == 2
    assert upload(good, year="26").status_code == 422


def test_a_branchs_members_points_and_figures_ranked_only_when_allowed(service):
    _with_points(service)
    absence = {"member": "DY002", "branch": "cgz-hongqi", "date": "2026-03-05", "kind": "无故缺席组织生活"}
    for body in (_event(hours=8), {"event": absence}, _event(member="DY003", date="2025-03-01", hours=2)):
        assert service.call("POST", EVENTS, "submitter", json=body).status_code == 201
    url = "/rulesets/party-member-points/branches/cgz-hongqi/points?period=2026"
    answer = service.call("GET", url, "auditor")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [m["member"] for m in body["members"]] == ["DY001", "DY002", "DY003"]
    assert [m["total"] for m in body["members"]] == ["64", "58", "60"] and body["members"][0]["rank"] is None
    figures = {f["name"]: f for f in body["figures"]}
    assert figures["member_count"]["value"] == "3"
    assert figures["member_points_coverage_pct"]["value"] == "66.67"
    assert "3 名党员中 2 名" in figures["member_points_coverage_pct"]["source"]
    ranked = service.call("GET", url + "&rank=true", "auditor")
    assert ranked.status_code == 422 and ranked.json()["errors"][0]["field"] == "rank"


def test_access_follows_the_unit_tree(service):
    _with_points(service)
    service.token("和平乡", "submitter", "hpx")
    service.token("和平乡审核", "reviewer", "hpx")
    assert service.call("POST", EVENTS, "和平乡", json=_event()).status_code == 404
    assert service.call("POST", EVENTS, "submitter", json=_event()).status_code == 201
    assert _points(service, role="和平乡审核").status_code == 404
    assert service.call("GET", f"{EVENTS}?member=DY001", "和平乡审核").json()["count"] == 0
    url = "/rulesets/party-member-points/branches/cgz-hongqi/points?period=2026"
    assert service.call("GET", url, "和平乡审核").status_code == 404
    service.token("城关镇审核", "reviewer", "cgz")
    assert _points(service, role="城关镇审核").status_code == 200


def test_a_points_versions_embedded_tests_run_through_the_service(service):
    _with_points(service)
    report = service.call("POST", "/rulesets/party-member-points/versions/1/test", "auditor")
    assert report.status_code == 200, report.text
    assert report.json()["failed"] == 0 and report.json()["passed"] == 12


def test_a_ruleset_that_allows_ranking_ranks_the_branchs_members(service):
    ranked_text = POINTS_TEXT.replace("  ranking: false", "  ranking: true", 1)
    assert ranked_text != POINTS_TEXT
    assert service.add_ruleset(ranked_text, periods=("2026",)).status_code == 201
    for member, hours in (("DY001", 2), ("DY002", 8), ("DY003", 2)):
        assert service.call("POST", EVENTS, "submitter", json=_event(member=member, hours=hours)).status_code == 201
    url = "/rulesets/party-member-points/branches/cgz-hongqi/points?period=2026&rank=true"
    members = service.call("GET", url, "auditor").json()["members"]
    assert [(m["rank"], m["member"], m["total"]) for m in members] == [
        (1, "DY002", "64"),
        (2, "DY001", "61"),
        (2, "DY003", "61"),
    ]


def test_the_editors_live_check_reads_a_points_ruleset(service):
    _with_points(service)
    headers = {"Content-Type": "application/yaml"}
    found = service.call(
        "POST", "/ui/rulesets/party-member-points/check", "editor", content=POINTS_TEXT.encode(), headers=headers
    )
    assert found.status_code == 200, found.text
    assert found.json()["errors"] == [] and found.json()["lowest_total"] is None
    broken = POINTS_TEXT.replace("category: service", "category: servic", 1)
    refused = service.call(
        "POST", "/ui/rulesets/party-member-points/check", "editor", content=broken.encode(), headers=headers
    ).json()
    assert [e["path"] for e in refused["errors"]] == ["events.kinds[2].category"]


def test_an_excel_events_file_is_imported_with_its_date_cells(service):
    import datetime as dt
    import io

    from openpyxl import Workbook

    _with_points(service)
    book = Workbook()
    sheet = book.active
    sheet.append(["党员编号", "支部", "日期", "事项", "服务时长"])
    sheet.append([1001, "cgz-hongqi", dt.date(2026, 4, 18), "志愿服务", 6])
    sheet.append([1001, "cgz-hongqi", dt.date(2026, 5, 18), "志愿服务", 30])
    buffer = io.BytesIO()
    book.save(buffer)
    files = {"file": ("事项.xlsx", buffer.getvalue())}
    refused = service.call("POST", f"{EVENTS}/file?year=2026", "submitter", files=files)
    assert refused.status_code == 422 and [(e["row"], e["field"]) for e in refused.json()["errors"]] == [(3, "hours")]
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    files = {"file": ("事项.xlsx", buffer.getvalue())}
    imported = service.call("POST", f"{EVENTS}/file?year=2026", "submitter", files=files)
    assert imported.status_code == 201, imported.text
    [event] = imported.json()["items"]
    assert (event["member"], event["date"], event["file"], event["row"]) == ("1001", "2026-04-18", "事项.xlsx", 2)


def test_the_pages_offer_only_scoring_rulesets_for_scores(village_service):
    _with_points(village_service)
    home = village_service.call("GET", "/ui/", "submitter")
    assert home.status_code == 200 and "/ui/rulesets/village-branch-stars/submit" in home.text
    assert "/ui/rulesets/party-member-points/submit" not in home.text
    scores = village_service.call("GET", "/ui/scores", "auditor")
    assert scores.status_code == 200, scores.text[:300]
    batches = village_service.call("GET", "/ui/batches", "submitter")
    assert batches.status_code == 200 and "党员量化积分" not in batches.text


def test_an_event_without_a_date_is_checked_for_the_services_year_in_china(monkeypatch):
    from datetime import UTC, datetime

    from api import store
    from api.services import member_events

    monkeypatch.setattr(store, "now", lambda: datetime(2025, 12, 31, 16, 30, tzinfo=UTC))  # 00:30 in Beijing
    assert member_events._year({}) == "2026"
    assert member_events._year({"date": "2025-05-01"}) == "2025"
