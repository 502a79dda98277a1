"""Rectification items over HTTP (docs/rectification.md): opened with the score, in the
chain; reconciled by a correction and a later stage; marked done with evidence; overdue
by the service's clock; listed and filtered per jurisdiction; counted into the next
period's submission with where the count came from; the CLI's warning of what is due."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from api.services import rectification
from api.tables import RectificationItem

from .conftest import VILLAGE_TEXT, village_submission

SCORES = "/rulesets/village-branch-stars/scores"
# 红旗村 with one theme day short (1 point < 2), a vacant secretary (0 points) and one petition
TROUBLED = {"themed_party_days": 7, "secretary_vacancy_months": 5, "petition_cases": 1}


@pytest.fixture
def clock(monkeypatch):
    """The service's day, set by the test: `clock(days)` moves it on from 2025-03-01."""
    start = date(2025, 3, 1)
    moment = {"today": start}
    monkeypatch.setattr(rectification, "today", lambda: moment["today"])

    def move(days: int) -> None:
        moment["today"] = start + timedelta(days=days)

    return move


def _score(service, period="2025", unit="cgz-hongqi", role="submitter", supersedes=None, **changes):
    body = village_submission(**changes)
    body["period"], body["unit"] = period, {"id": unit}
    if supersedes:
        body["supersedes"] = supersedes
    response = service.call("POST", SCORES, role, json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _items(service, role="auditor", query=""):
    response = service.call("GET", f"/rectification{query}", role)
    assert response.status_code == 200, response.text
    return response.json()


def _by_item(listing):
    return {i["item"]: i for i in listing["items"]}


def test_a_score_opens_its_items_in_the_chain_with_who_answers_and_by_when(village_service, clock):
    record = _score(village_service, **TROUBLED)
    listing = _items(village_service)
    assert listing["as_of"] == "2025-03-01"
    items = _by_item(listing)
    assert sorted(items) == ["fix_petition", "fix_secretary", "fix_themed_days"]
    themed = items["fix_themed_days"]
    assert themed["title"] == "红旗村主题党日开展不足整改" and themed["because"] == "指标 主题党日 得 1 分, 低于 2 分"
    assert (themed["responsible"], themed["due"], themed["days_left"]) == ("cgz-hongqi", "2025-04-30", 60)
    assert themed["opened_record"] == record["id"] and themed["state"] == "open" and themed["state_title"] == "待整改"
    secretary = items["fix_secretary"]
    assert (secretary["responsible"], secretary["responsible_name"]) == ("cgz", "城关镇")  # the 乡镇 above it
    assert secretary["because"] == "指标 书记配备 得 0 分"
    assert items["fix_petition"]["due"] == "2025-03-31"
    one = village_service.call("GET", f"/rectification/{themed['id']}", "auditor").json()
    assert [h["action"] for h in one["history"]] == ["open"]
    assert one["history"][0]["data"]["record"] == record["id"]
    chain = village_service.call("GET", "/audit/verify", "auditor").json()
    assert chain["intact"] and chain["events"] >= 3


def test_a_clean_score_opens_nothing(village_service, clock):
    _score(village_service, petition_cases=0)
    assert _items(village_service)["count"] == 0


def test_a_correction_closes_what_is_no_longer_warranted_keeps_the_rest_and_opens_the_new(village_service, clock):
    first = _score(village_service, **TROUBLED)
    before = _by_item(_items(village_service))
    clock(5)
    changed = {**TROUBLED, "themed_party_days": 12, "notified_criticisms": 1}
    second = _score(village_service, supersedes=first["id"], **changed)
    after = _by_item(_items(village_service))
    assert sorted(after) == ["fix_criticism", "fix_petition", "fix_secretary"]
    for kept in ("fix_petition", "fix_secretary"):
        assert after[kept]["id"] == before[kept]["id"] and after[kept]["due"] == before[kept]["due"]
    assert after["fix_criticism"]["opened_record"] == second["id"] and after["fix_criticism"]["due"] == "2025-04-05"
    closed = village_service.call("GET", f"/rectification/{before['fix_themed_days']['id']}", "auditor").json()
    assert closed["state"] == "closed" and closed["state_title"] == "不再需要"
    assert closed["closed_record"] == second["id"]
    assert [h["action"] for h in closed["history"]] == ["open", "close"]
    assert village_service.call("GET", "/audit/verify", "auditor").json()["intact"]


def test_a_score_whose_items_cannot_be_written_is_not_written_either(village_service, clock, monkeypatch):
    real = rectification.reconcile

    def half_way(ruleset, actor, chain, record):
        real(ruleset, actor, chain, record)  # the items and their events are appended, then it fails
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(rectification, "reconcile", half_way)
    body = village_submission(**TROUBLED)
    body.update(period="2025", unit={"id": "cgz-hongqi"})
    assert village_service.call("POST", SCORES, "submitter", json=body).status_code == 500
    monkeypatch.setattr(rectification, "reconcile", real)
    assert village_service.call("GET", "/scores?unit=cgz-hongqi", "auditor").json()["items"] == []
    assert _items(village_service)["count"] == 0
    assert village_service.call("GET", "/audit/verify", "auditor").json()["intact"]
    assert _score(village_service, **TROUBLED)["unit"]["id"] == "cgz-hongqi"  # and the next one is written whole
    assert _items(village_service)["count"] == 3


def test_a_correction_under_a_version_without_items_closes_the_open_ones(village_service, clock):
    first = _score(village_service, **TROUBLED)
    start = VILLAGE_TEXT.index("rectification:\n")
    plain = VILLAGE_TEXT[:start] + VILLAGE_TEXT[VILLAGE_TEXT.index("\ntests:\n") + 1 :]
    added = village_service.call(
        "POST",
        "/rulesets/village-branch-stars/versions",
        "editor",
        content=plain.encode(),
        headers={"Content-Type": "application/yaml"},
    )
    assert added.status_code == 201, added.text
    village_service.publish("village-branch-stars", added.json()["number"], ["2025"])
    body = village_submission(**TROUBLED)
    body.update(period="2025", unit={"id": "cgz-hongqi"}, supersedes=first["id"], version=added.json()["number"])
    second = village_service.call("POST", SCORES, "submitter", json=body)
    assert second.status_code == 201, second.text
    assert _items(village_service)["count"] == 0  # each closed as no longer needed, naming the correction
    with village_service.app.state.sessions() as session:
        states = {(i.state, i.closed_record) for i in session.query(RectificationItem)}
    assert states == {("closed", second.json()["id"])}


def test_marking_done_needs_evidence_happens_once_and_only_in_scope(village_service, clock):
    _score(village_service, **TROUBLED)
    item = _by_item(_items(village_service))["fix_petition"]
    village_service.token("别乡", "submitter", "hpx")
    village_service.token("红旗村", "submitter", "cgz-hongqi")
    url = f"/rectification/{item['id']}/done"
    blank = village_service.call("POST", url, "红旗村", json={"evidence": "  "})
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "evidence"
    assert "佐证" in blank.json()["errors"][0]["message"]
    assert village_service.call("POST", url, "别乡", json={"evidence": "已处理"}).status_code == 404
    assert village_service.call("GET", f"/rectification/{item['id']}", "别乡").status_code == 404
    assert village_service.call("POST", url, "auditor", json={"evidence": "已处理"}).status_code == 403
    clock(3)
    done = village_service.call("POST", url, "红旗村", json={"evidence": "已约谈上访户并化解, 材料存村部"})
    assert done.status_code == 200, done.text
    shown = done.json()
    assert (shown["state"], shown["done_on"], shown["evidence"]) == (
        "done",
        "2025-03-04",
        "已约谈上访户并化解, 材料存村部",
    )
    assert shown["done_by"] == "红旗村 (submitter)"
    again = village_service.call("POST", url, "红旗村", json={"evidence": "再次销号"})
    assert again.status_code == 409 and "已销号" in again.json()["detail"]
    history = village_service.call("GET", f"/rectification/{item['id']}", "auditor").json()["history"]
    assert [h["action"] for h in history] == ["open", "done"] and history[1]["actor"] == "红旗村 (submitter)"
    assert village_service.call("GET", "/audit/verify", "auditor").json()["intact"]


def test_overdue_by_the_clock_and_the_filters_of_a_listing(village_service, clock):
    _score(village_service, **TROUBLED)
    _score(village_service, unit="hpx-xinmin", petition_cases=1)
    clock(40)  # 2025-04-10: the petitions (due 03-31) are overdue, the rest open
    overdue = _items(village_service, query="?state=overdue")
    assert [(i["unit"], i["item"]) for i in overdue["items"]] == [
        ("cgz-hongqi", "fix_petition"),
        ("hpx-xinmin", "fix_petition"),
    ]
    assert overdue["items"][0]["days_left"] == -10 and overdue["items"][0]["state_title"] == "已逾期"
    assert [i["item"] for i in _items(village_service, query="?state=open")["items"]] == [
        "fix_themed_days",
        "fix_secretary",
    ]
    soon = _items(village_service, query="?within=20")  # due by 04-30, and the overdue
    assert [i["item"] for i in soon["items"]] == ["fix_petition", "fix_petition", "fix_themed_days"]
    assert _items(village_service, query="?under=hpx")["count"] == 1
    assert _items(village_service, query="?period=2024")["count"] == 0
    assert _items(village_service, query="?ruleset=village-branch-stars")["count"] == 4
    village_service.token("城关镇审核员", "reviewer", "cgz")
    township = _items(village_service, "城关镇审核员")
    assert {i["unit"] for i in township["items"]} == {"cgz-hongqi"}
    assert village_service.call("GET", "/rectification?under=hpx", "城关镇审核员").status_code == 404
    bad = village_service.call("GET", "/rectification?state=late", "auditor")
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "state"
    assert village_service.call("GET", "/rectification?within=-1", "auditor").json()["errors"][0]["field"] == "within"


def test_the_next_period_is_filled_with_the_overdue_count_and_says_which_items(village_service, clock):
    _score(village_service, period="2024", **TROUBLED)
    items = _by_item(_items(village_service))
    village_service.token("红旗村", "submitter", "cgz-hongqi")
    done = village_service.call("POST", f"/rectification/{items['fix_secretary']['id']}/done", "红旗村",
                                json={"evidence": "已选派书记"})  # fmt: skip
    assert done.status_code == 200
    clock(70)  # 2025-05-10: the petition and theme day items are overdue, the secretary's done
    record = _score(village_service, period="2025")
    assert record["input"]["overdue_rectifications"] == 2
    filled = next(f for f in record["result"]["filled_inputs"] if f["input"] == "overdue_rectifications")
    assert filled["as_of"] == "2025-05-10"
    assert filled["items"] == [items["fix_petition"]["id"], items["fix_themed_days"]["id"]]
    assert filled["source"].startswith("截至 2025-05-10, 本单位逾期未销号的整改事项 2 项: 红旗村越级上访问题整改")
    penalty = next(g for g in record["result"]["adjustments"] if g["id"] == "penalty")
    assert next(i for i in penalty["items"] if i["id"] == "overdue")["points"] == "-2"
    text = village_service.call("GET", f"/scores/{record['id']}/explanation?format=text", "auditor").text
    assert "自动填入: 整改事项逾期未销号数 = 2, 截至 2025-05-10, 本单位逾期未销号的整改事项 2 项" in text
    verified = village_service.call("POST", f"/scores/{record['id']}/verify", "auditor").json()
    assert verified["identical"] is True, verified["differences"]
    given = _score(village_service, period="2025", unit="cgz-dongfeng", overdue_rectifications=1)
    assert given["input"]["overdue_rectifications"] == 1
    assert all(f["input"] != "overdue_rectifications" for f in given["result"].get("filled_inputs", []))


def test_no_overdue_items_fills_zero_and_says_so(village_service, clock):
    record = _score(village_service, period="2025")
    assert record["input"]["overdue_rectifications"] == 0
    [filled] = [f for f in record["result"]["filled_inputs"] if f["input"] == "overdue_rectifications"]
    assert filled == {"input": "overdue_rectifications", "items": [], "as_of": "2025-03-01",
                      "source": "截至 2025-03-01, 本单位没有逾期未销号的整改事项"}  # fmt: skip


def test_a_later_stage_reconciles_the_items_of_the_stage_before(village_service, clock):
    s = village_service
    s.token("村", "submitter", "cgz-hongqi")
    s.token("镇", "reviewer", "cgz")
    s.token("县", "reviewer", "513321")
    url = "/rulesets/village-branch-stars/units/cgz-hongqi/periods/2025/stages"
    submitted = s.call("POST", f"{url}/self_review", "村", json={"data": village_submission(**TROUBLED)["data"]})
    assert submitted.status_code == 201, submitted.text
    assert sorted(_by_item(_items(s))) == ["fix_petition", "fix_secretary", "fix_themed_days"]
    edited = s.call(
        "POST",
        f"{url}/township_review",
        "镇",
        json={"changes": {"petition_cases": 0}, "reasons": {"petition_cases": "经核实不属越级上访"}},
    )
    assert edited.status_code == 201, edited.text
    assert sorted(_by_item(_items(s))) == ["fix_secretary", "fix_themed_days"]
    accepted = s.call("POST", f"{url}/county_review", "县", json={})
    assert accepted.status_code == 201, accepted.text
    kept = _items(s)["items"]  # the same two, not opened again by the accepting stage
    assert sorted(i["item"] for i in kept) == ["fix_secretary", "fix_themed_days"]
    assert {i["opened_record"] for i in kept} == {submitted.json()["record"]}
    assert s.call("GET", "/audit/verify", "auditor").json()["intact"]


def test_a_batch_opens_items_for_its_rows(village_service, clock, tmp_path):
    from .test_api_batches import upload, wait_done
    from .test_batch import write_csv

    path = tmp_path / "county.csv"
    write_csv(path, 3)
    accepted = upload(village_service, path)
    assert accepted.status_code == 202, accepted.text
    assert wait_done(village_service, accepted.json()["id"])["status"] == "done"
    records = village_service.call("GET", "/scores?period=2025", "auditor").json()["items"]
    listing = _items(village_service)
    opened = {i["opened_record"] for i in listing["items"]}
    assert opened and opened <= {r["id"] for r in records}
    assert village_service.call("GET", "/audit/verify", "auditor").json()["intact"]


def test_the_cli_warns_of_what_is_due_and_overdue(village_service, clock):
    from typer.testing import CliRunner

    from api.cli import app
    from api.settings import get_settings

    _score(village_service, **TROUBLED)
    clock(40)
    settings = village_service.app.state.settings
    env = {"KAOPING_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["KAOPING_DATABASE_URL"] = settings.database_url
    get_settings.cache_clear()
    try:
        soon = CliRunner().invoke(app, ["rectification", "due", "--within", "30"], env=env)
        elsewhere = CliRunner().invoke(app, ["rectification", "due", "--unit", "hpx"], env=env)
        unknown = CliRunner().invoke(app, ["rectification", "due", "--unit", "no-such"], env=env)
        clock(30)  # 2025-03-31: the petition item's last day, not yet overdue
        last_day = CliRunner().invoke(app, ["rectification", "due"], env=env)
    finally:
        get_settings.cache_clear()
    assert soon.exit_code == 0, soon.output
    lines = soon.output.splitlines()
    assert lines[0] == "30 天内到期及已逾期的整改事项 2 项 (截至 2025-04-10)"
    assert lines[1].startswith("已逾期 10 天  2025-03-31  红旗村  红旗村越级上访问题整改  责任单位 城关镇")
    assert lines[2].startswith("20 天后到期  2025-04-30  红旗村  红旗村主题党日开展不足整改  责任单位 红旗村")
    assert elsewhere.exit_code == 0 and elsewhere.output.strip() == "14 天内到期及已逾期的整改事项: 无"
    assert unknown.exit_code != 0
    last_line = last_day.output.splitlines()[1]
    assert last_line.startswith("今天到期  2025-03-31  红旗村  红旗村越级上访问题整改"), last_day.output
