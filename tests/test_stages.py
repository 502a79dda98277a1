"""Appraisal stages (docs/stages.md): every transition, the refused ones, the chain
over all stages, the differences shown, the current result and the timeline."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from api.tables import Unit

from .conftest import village_submission

BASE = "/rulesets/village-branch-stars/units/{unit}/periods/{period}/stages"


@pytest.fixture
def staged(village_service):
    """The village ruleset with the people of each stage over 红旗村 (cgz-hongqi)."""
    s = village_service
    s.token("村", "submitter", "cgz-hongqi")
    s.token("镇", "reviewer", "cgz")
    s.token("县", "reviewer", "513321")
    s.token("县委", "admin", "513321")
    s.token("别镇", "reviewer", "hpx")
    s.token("县提交", "submitter", "513321")
    return s


def url(stage: str | None = None, unit: str = "cgz-hongqi", period: str = "2025", tail: str = "") -> str:
    path = BASE.format(unit=unit, period=period)
    return f"{path}/{stage}{tail}" if stage else path


def submit(s, who: str = "村", **changes):
    return s.call("POST", url("self_review"), who, json={"data": village_submission(**changes)["data"]})


def take(s, stage: str, who: str, changes=None, reasons=None):
    body = {k: v for k, v in (("changes", changes), ("reasons", reasons)) if v is not None}
    return s.call("POST", url(stage), who, json=body)


def send_back(s, stage: str, who: str, reason: str = "佐证材料不全"):
    return s.call("POST", url(stage, tail="/return"), who, json={"reason": reason})


def current(s) -> str | None:
    return s.call("GET", url(), "admin").json()["current"]


def test_the_four_stages_in_order_each_a_chained_record(staged):
    first = submit(staged)
    assert first.status_code == 201, first.text
    assert first.json()["action"] == "submit" and first.json()["difference"]["fields"] == []
    income = village_submission()["data"]["collective_income"]
    edited = take(staged, "township_review", "镇", {"collective_income": 2.5}, {"collective_income": "扣除一次性补助"})
    assert edited.status_code == 201, edited.text
    change = edited.json()["difference"]["fields"]
    assert change == [{"field": "collective_income", "old": income, "new": 2.5, "reason": "扣除一次性补助"}]
    assert edited.json()["difference"]["total"]["old"] == first.json()["difference"]["total"]["new"]
    accepted = take(staged, "county_review", "县")
    assert accepted.status_code == 201 and accepted.json()["action"] == "accept"
    assert accepted.json()["difference"]["fields"] == []
    edited_total = edited.json()["difference"]["total"]["new"]
    assert accepted.json()["difference"]["total"] == {"old": edited_total, "new": edited_total}
    approved = take(staged, "county_approval", "县委")
    assert approved.status_code == 201, approved.text
    view = staged.call("GET", url(), "auditor").json()
    assert [s["stage"] for s in view["steps"]] == ["self_review", "township_review", "county_review", "county_approval"]
    assert view["due"] is None and view["current"] == approved.json()["record"]
    records = [s["record"] for s in view["steps"]]
    assert [s["based_on"] for s in view["steps"]] == [None, *records[:-1]]
    # the unit's result for the period is its last stage's record, the earlier ones superseded
    listed = staged.call("GET", "/scores?unit=cgz-hongqi&period=2025", "admin").json()["items"]
    assert [r["id"] for r in listed] == [records[-1]]
    assert staged.call("GET", f"/scores/{records[-1]}", "admin").json()["input"]["collective_income"] == 2.5
    chain = staged.call("GET", "/audit/verify", "auditor")
    assert chain.status_code == 200 and chain.json()["intact"], chain.text
    assert take(staged, "county_approval", "县委").status_code == 409  # finished


def test_out_of_turn_is_refused(staged):
    assert take(staged, "township_review", "镇").status_code == 409  # nothing submitted yet
    assert submit(staged).status_code == 201
    again = submit(staged)
    assert again.status_code == 409 and "乡镇初评" in again.json()["detail"]
    assert take(staged, "county_review", "县").status_code == 409  # skips a stage
    assert staged.call("POST", url("no_such"), "镇", json={}).status_code == 404


@pytest.mark.parametrize("who", ["别镇", "县", "县委", "admin", "reviewer"])
def test_the_wrong_role_or_level_is_refused(staged, who):
    """Only the township's reviewer above the village takes 初评: not another township's,
    not the county's, not an admin (a whole-tree grant has no level)."""
    assert submit(staged).status_code == 201
    refused = take(staged, "township_review", who)
    assert refused.status_code in (403, 404)
    if refused.status_code == 403:
        assert "乡镇" in refused.json()["detail"] and "审核员" in refused.json()["detail"]


def test_the_first_stage_only_by_the_villages_submitter(staged):
    assert submit(staged, who="县提交").status_code == 403
    assert submit(staged, who="submitter").status_code == 403


def test_a_changed_field_needs_a_reason(staged):
    assert submit(staged).status_code == 201
    refused = take(staged, "township_review", "镇", {"collective_income": 2.5, "reserve_cadres": 9})
    assert refused.status_code == 422
    fields = {e["field"]: e["message"] for e in refused.json()["errors"]}
    assert set(fields) == {"reasons.collective_income", "reasons.reserve_cadres"}
    assert "村集体经济年收入" in fields["reasons.collective_income"]
    blank = take(staged, "township_review", "镇", {"collective_income": 2.5}, {"collective_income": "  "})
    assert blank.status_code == 422
    stray = take(staged, "township_review", "镇", {}, {"reserve_cadres": "核实"})
    assert stray.status_code == 422 and stray.json()["errors"][0]["field"] == "reasons.reserve_cadres"
    # a value sent unchanged is no change and needs no reason
    same = village_submission()["data"]["reserve_cadres"]
    assert take(staged, "township_review", "镇", {"reserve_cadres": same}).json()["action"] == "accept"


def test_bad_values_and_bodies_are_refused(staged):
    assert staged.call("POST", url("self_review"), "村", json={}).status_code == 422  # no data
    assert submit(staged).status_code == 201
    whole = staged.call("POST", url("township_review"), "镇", json={"data": village_submission()["data"]})
    assert whole.status_code == 422
    wrong = take(staged, "township_review", "镇", {"collective_income": -1}, {"collective_income": "核实"})
    assert wrong.status_code == 422
    unknown = take(staged, "township_review", "镇", {"no_such_input": 1}, {"no_such_input": "核实"})
    assert unknown.status_code == 422
    assert staged.call("GET", url(period="第一季度"), "admin").status_code == 422


def test_a_confirming_stage_cannot_change_values(staged):
    assert submit(staged).status_code == 201
    assert take(staged, "township_review", "镇").status_code == 201
    assert take(staged, "county_review", "县").status_code == 201
    refused = take(staged, "county_approval", "县委", {"collective_income": 1}, {"collective_income": "核实"})
    assert refused.status_code == 409 and "只能确认或退回" in refused.json()["detail"]


def test_send_back_and_take_the_stage_again(staged):
    first = submit(staged)
    assert send_back(staged, "self_review", "村").status_code == 409  # the first stage has none before it
    assert send_back(staged, "county_review", "县").status_code == 409  # not its turn
    assert send_back(staged, "township_review", "县").status_code == 403  # the county is not the township
    blank = staged.call("POST", url("township_review", tail="/return"), "镇", json={"reason": "   "})
    assert blank.status_code == 422 and blank.json()["detail"] == "退回须说明理由"
    returned = send_back(staged, "township_review", "镇")
    assert returned.status_code == 201, returned.text
    assert returned.json()["to"] == "self_review" and returned.json()["reason"] == "佐证材料不全"
    assert current(staged) == first.json()["record"]  # the returned stage stays the result until redone
    assert take(staged, "township_review", "镇").status_code == 409  # it is the village's turn again
    redone = submit(staged, reserve_cadres=3)
    assert redone.status_code == 201
    assert redone.json()["based_on"] == first.json()["record"]
    assert [f["field"] for f in redone.json()["difference"]["fields"]] == ["reserve_cadres"]
    assert take(staged, "township_review", "镇").status_code == 201
    assert send_back(staged, "county_review", "县", "数据与台账不符").status_code == 201
    assert take(staged, "township_review", "镇").status_code == 201  # 初评 again
    view = staged.call("GET", url(), "admin").json()
    assert [s["action"] for s in view["steps"]] == ["submit", "return", "submit", "accept", "return", "accept"]
    assert view["due"] == "county_review"
    assert staged.call("GET", "/audit/verify", "auditor").json()["intact"]


def test_nothing_to_send_back_before_a_submission(staged):
    assert send_back(staged, "township_review", "镇").status_code == 409


def test_a_unit_scored_outside_the_stages_cannot_start_them(staged):
    scored = staged.call("POST", "/rulesets/village-branch-stars/scores", "submitter", json=village_submission())
    assert scored.status_code == 201
    refused = submit(staged)
    assert refused.status_code == 409 and scored.json()["id"] in refused.json()["detail"]


def test_a_unit_in_the_stages_is_not_corrected_around_them(staged):
    first = submit(staged)
    assert first.status_code == 201, first.text
    correction = {**village_submission(collective_income=9.5), "supersedes": first.json()["record"]}
    refused = staged.call("POST", "/rulesets/village-branch-stars/scores", "admin", json=correction)
    assert refused.status_code == 409 and refused.headers["content-type"].startswith("application/problem+json")
    assert refused.json()["title"] == "已进入评议环节" and "请在评议环节中审核修改" in refused.json()["detail"]
    assert [e["field"] for e in refused.json()["errors"]] == ["supersedes"]
    assert current(staged) == first.json()["record"]  # nothing written
    earlier = {**village_submission(), "period": "2024"}
    scored = staged.call("POST", "/rulesets/village-branch-stars/scores", "admin", json=earlier)
    assert scored.status_code == 201, scored.text  # no stage records for 2024: corrected as before
    plain = {**village_submission(collective_income=9.5), "period": "2024", "supersedes": scored.json()["id"]}
    assert staged.call("POST", "/rulesets/village-branch-stars/scores", "admin", json=plain).status_code == 201


def test_a_stage_does_not_change_an_input_the_service_fills(staged):
    assert submit(staged).status_code == 201
    changed = {"overdue_rectifications": 3, "previous_grade": "one"}
    reasons = {"overdue_rectifications": "核实", "previous_grade": "核实"}
    refused = take(staged, "township_review", "镇", changed, reasons)
    assert refused.status_code == 422 and refused.json()["title"] == "系统自动填入的数据项不能修改"
    fields = {e["field"]: e["message"] for e in refused.json()["errors"]}
    assert set(fields) == {"changes.overdue_rectifications", "changes.previous_grade"}
    assert "由系统根据整改事项自动填入" in fields["changes.overdue_rectifications"]
    assert "由系统根据上一考核期的评定等次自动填入" in fields["changes.previous_grade"]
    assert len(staged.call("GET", url(), "auditor").json()["steps"]) == 1  # nothing written
    same = take(staged, "township_review", "镇", {"overdue_rectifications": 0})  # as filled: no change
    assert same.status_code == 201, same.text


def test_a_ruleset_without_stages_refuses_them(service):
    from .conftest import VILLAGE_TEXT

    plain = VILLAGE_TEXT.split("\nstages:")[0] + "\ntests:" + VILLAGE_TEXT.split("\ntests:")[1]
    assert service.add_ruleset(plain).status_code == 201
    refused = service.call("POST", url("self_review"), "admin", json={"data": village_submission()["data"]})
    assert refused.status_code == 409 and "stages" in refused.json()["detail"]


def test_a_level_written_in_english_is_said_in_chinese(service):
    """`level: township` is the same level as 乡镇; a refusal and the page name it in Chinese."""
    from .conftest import VILLAGE_TEXT

    english = VILLAGE_TEXT.replace("level: 村}", "level: village}").replace("level: 乡镇}", "level: township}")
    english = english.replace("id: village-branch-stars", "id: village-en-levels", 1)
    assert "level: township}" in english and service.add_ruleset(english).status_code == 201
    service.token("村", "submitter", "cgz-hongqi")
    service.token("县", "reviewer", "513321")
    base = "/rulesets/village-en-levels/units/cgz-hongqi/periods/2025/stages"
    data = {"data": village_submission()["data"]}
    assert service.call("POST", f"{base}/self_review", "村", json=data).status_code == 201
    refused = service.call("POST", f"{base}/township_review", "县", json={})
    assert refused.status_code == 403, refused.text
    assert "由乡镇的审核员办理" in refused.json()["detail"] and "township" not in refused.json()["detail"]
    page = service.call("GET", "/ui/stages/village-en-levels/cgz-hongqi/2025", "县")
    assert page.status_code == 200 and "由乡镇的审核员办理" in page.text and "township" not in page.text


def test_outside_the_jurisdiction_is_unknown(staged):
    assert submit(staged).status_code == 201
    assert staged.call("GET", url(), "别镇").status_code == 404
    assert staged.call("GET", "/units/cgz-hongqi/timeline", "别镇").status_code == 404


def test_timeline_across_periods_and_stages(staged):
    assert submit(staged).status_code == 201
    assert take(staged, "township_review", "镇").status_code == 201
    older = staged.call("POST", url("self_review", period="2024"), "村", json={"data": village_submission()["data"]})
    assert older.status_code == 201
    steps = staged.call("GET", "/units/cgz-hongqi/timeline", "镇").json()
    assert [(s["period"], s["stage"]) for s in steps] == [
        ("2024", "self_review"),
        ("2025", "self_review"),
        ("2025", "township_review"),
    ]
    assert all(s["total"] and s["title"] for s in steps)


def test_the_cli_timeline(staged):
    from typer.testing import CliRunner

    from api.cli import app
    from api.settings import get_settings

    assert submit(staged).status_code == 201
    edited = take(staged, "township_review", "镇", {"reserve_cadres": 7}, {"reserve_cadres": "名单核实"})
    assert edited.status_code == 201
    assert send_back(staged, "county_review", "县", "台账不符").status_code == 201
    settings = staged.app.state.settings
    env = {"KAOPING_DATA_DIR": str(settings.data_dir)}
    if settings.database_url:
        env["KAOPING_DATABASE_URL"] = settings.database_url
    get_settings.cache_clear()
    try:
        shown = CliRunner().invoke(app, ["timeline", "cgz-hongqi"], env=env)
        empty = CliRunner().invoke(app, ["timeline", "cgz-dongfeng"], env=env)
        unknown = CliRunner().invoke(app, ["timeline", "no-such-unit"], env=env)
    finally:
        get_settings.cache_clear()
    assert shown.exit_code == 0, shown.output
    lines = shown.output.splitlines()
    assert "村自评" in lines[0] and "提交" in lines[0] and "等次 四星" in lines[0]  # the grade's title, not its id
    assert "乡镇初评" in lines[1] and "修改后确认" in lines[1]
    assert lines[2] == "    理由 (reserve_cadres): 名单核实"
    assert "县复评" in lines[3] and "退回" in lines[3]
    assert lines[4] == "    理由 (乡镇初评): 台账不符"  # the stage sent back to, by its title
    assert empty.exit_code == 0 and "没有评议记录" in empty.output
    assert unknown.exit_code != 0 and "no-such-unit" in unknown.output


def test_a_changed_reason_breaks_the_chain(staged):
    """The stage, the action and the reasons are in the hashed event: editing one after
    the fact is found by the chain's verification."""
    from sqlalchemy import select, update

    from api.tables import AuditEvent

    assert submit(staged).status_code == 201
    edited = take(staged, "township_review", "镇", {"reserve_cadres": 7}, {"reserve_cadres": "名单核实"})
    assert edited.status_code == 201
    assert staged.call("GET", "/audit/verify", "auditor").json()["intact"]
    with staged.app.state.sessions() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.id == edited.json()["id"])).one()
        data = {**event.data, "reasons": {"reserve_cadres": "另有理由"}}
        session.execute(update(AuditEvent).where(AuditEvent.id == event.id).values(data=data))
        session.commit()
    report = staged.call("GET", "/audit/verify", "auditor").json()
    assert not report["intact"] and report["first_broken_seq"] == edited.json()["seq"]


def test_a_later_stage_taken_for_a_whole_township(staged):
    """城关镇's reviewer accepts 初评 for every village of the township whose turn it is;
    a village past it is skipped with the reason, and a village not submitted is counted."""
    staged.token("东风村", "submitter", "cgz-dongfeng")
    assert submit(staged).status_code == 201
    other = url("self_review", unit="cgz-dongfeng")
    assert staged.call("POST", other, "东风村", json={"data": village_submission()["data"]}).status_code == 201
    assert staged.call("POST", url("township_review", unit="cgz-dongfeng"), "镇", json={}).status_code == 201
    subtree = url("township_review", unit="cgz", tail="/subtree")
    report = staged.call("POST", subtree, "镇")
    assert report.status_code == 200, report.text
    body = report.json()
    assert [t["unit"] for t in body["taken"]] == ["cgz-hongqi"]
    assert body["skipped"] == [{"unit": "cgz-dongfeng", "detail": "现在轮到 县复评, 不能办理 乡镇初评"}]
    with staged.app.state.sessions() as session:  # 城关镇's villages; not 城关镇 itself, nor a work team
        villages = session.scalars(select(Unit.code).where(Unit.parent_code == "cgz", Unit.kind == "village")).all()
    assert body["not_started"] == len(villages) - 2
    assert current(staged) == body["taken"][0]["record"]
    assert staged.call("GET", url(), "admin").json()["due"] == "county_review"
    assert staged.call("POST", url("self_review", unit="cgz", tail="/subtree"), "镇").status_code == 422
    assert staged.call("POST", url("no_such", unit="cgz", tail="/subtree"), "镇").status_code == 404
    assert staged.call("POST", subtree, "别镇").status_code == 404
    assert staged.call("POST", url("township_review", unit="cgz", period="x", tail="/subtree"), "镇").status_code == 422
    assert staged.call("GET", "/audit/verify", "auditor").json()["intact"]


def test_a_stage_taken_at_once_by_two_is_taken_once(staged):
    """The turn is checked inside the chain's turn: of simultaneous takers one wins, the
    others hear that it is no longer the stage's turn."""
    from concurrent.futures import ThreadPoolExecutor

    staged.token("镇2", "reviewer", "cgz")
    assert submit(staged).status_code == 201
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda who: take(staged, "township_review", who).status_code, ["镇", "镇2"] * 2))
    assert sorted(answers) == [201, 409, 409, 409]
    view = staged.call("GET", url(), "admin").json()
    assert [s["stage"] for s in view["steps"]] == ["self_review", "township_review"]


def test_a_stage_fills_last_years_grade_like_a_single_score(staged):
    """Stages score through the same path as single scores: last period's grade is filled
    from the unit's record of 2024, stated in the result, and raises the flag it should."""
    bad_year = {"data": village_submission(village_bully_cases=1)["data"]}
    older = staged.call("POST", url("self_review", period="2024"), "村", json=bad_year)
    assert older.status_code == 201, older.text
    now = staged.call("POST", url("self_review"), "村", json=bad_year)
    assert now.status_code == 201, now.text
    record = staged.call("GET", f"/scores/{now.json()['record']}", "admin").json()
    assert record["input"]["previous_grade"] == "one"
    filled = [f for f in record["result"]["filled_inputs"] if f["input"] == "previous_grade"]
    assert filled == [{"input": "previous_grade", "record": older.json()["record"], "period": "2024"}]
    assert "adjust_team" in [f["id"] for f in record["result"]["raised_flags"]]
