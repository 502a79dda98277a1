"""The stages pages without a browser (docs/pages.md, docs/stages.md): the track with the
due stage, each step's differences and send-backs, the forms offered only to the due
stage's holder, an edit needing a reason per field (refused beside the field, what was
typed kept), out of turn and a blank send-back refused in Chinese, the first stage taken
through the submit form, and the list of what awaits whom."""

from __future__ import annotations

import re

import pytest

from .conftest import village_submission
from .test_stages import send_back, submit, take

PAGE = "/ui/stages/village-branch-stars/cgz-hongqi/2025"
SUBMIT = "/ui/rulesets/village-branch-stars/submit"


@pytest.fixture
def staged(village_service):
    s = village_service
    people = (("村", "submitter", "cgz-hongqi"), ("镇", "reviewer", "cgz"), ("县", "reviewer", "513321"))
    for name, role, unit in people:
        s.token(name, role, unit)
    s.token("县委", "admin", "513321")
    return s


def form_post(s, path: str, who: str, fields: dict):
    return s.call("POST", path, who, data=fields, follow_redirects=False)


def test_the_page_shows_the_due_stage_and_offers_the_form_only_to_its_holder(staged):
    assert submit(staged).status_code == 201
    mine = staged.call("GET", PAGE, "镇")
    assert mine.status_code == 200
    assert re.search(r'<li class="due">\s*<strong>2\. 乡镇初评', mine.text)
    assert 'id="act-form"' in mine.text and 'id="return-form"' in mine.text
    assert "村集体经济年收入" in mine.text and 'name="reason.collective_income"' in mine.text
    assert 'id="current-record"' in mine.text and 'aria-current="page">评议环节' in mine.text
    assert "<h1>红旗村 · 2025年度评议环节</h1>" in mine.text
    for other in ("县", "auditor"):
        seen = staged.call("GET", PAGE, other)
        assert seen.status_code == 200 and 'id="act-form"' not in seen.text
        assert "当前待办环节是“乡镇初评”" in seen.text


def test_an_edit_with_reasons_shows_the_difference(staged):
    assert submit(staged).status_code == 201
    income = village_submission()["data"]["collective_income"]
    fields = {"stage": "township_review", "new.collective_income": "2.5", "reason.collective_income": "扣除一次性补助"}
    done = form_post(staged, PAGE + "/act", "镇", fields)
    assert done.status_code == 303 and done.headers["location"] == PAGE
    view = staged.call("GET", PAGE, "auditor")
    api = staged.call("GET", "/rulesets/village-branch-stars/units/cgz-hongqi/periods/2025/stages", "auditor").json()
    step = api["steps"][1]["difference"]
    row = f"<td>村集体经济年收入（万元）</td><td>{income}</td><td><strong>2.5</strong></td><td>扣除一次性补助</td>"
    assert row in view.text
    assert f"总分 {step['total']['old']} → <strong>{step['total']['new']}</strong>" in view.text
    moved = [i for i in step["indicators"] if i["old"] != i["new"]]
    assert moved and all(f"<td>{i['title']}</td><td>{i['old']}</td>" in view.text for i in moved)
    assert re.search(r'<li class="due">\s*<strong>3\. 县复评', view.text)


def test_a_change_without_a_reason_is_refused_beside_the_field_keeping_what_was_typed(staged):
    assert submit(staged).status_code == 201
    fields = {"stage": "township_review", "new.collective_income": "2.5", "new.reserve_cadres": "9"}
    refused = form_post(staged, PAGE + "/act", "镇", {**fields, "reason.reserve_cadres": "核实"})
    assert refused.status_code == 422
    assert re.search(r'<tr data-field="collective_income" class="invalid">', refused.text)
    assert re.search(r'id="err-collective_income">[^<]*村集体经济年收入[^<]*</p>', refused.text)
    assert 'value="2.5"' in refused.text and 'value="9"' in refused.text and 'value="核实"' in refused.text
    assert 'id="err-reserve_cadres"' not in refused.text
    assert '项需要改正（<a href="#new-collective_income">村集体经济年收入</a>）' in refused.text
    stages = staged.call("GET", "/rulesets/village-branch-stars/units/cgz-hongqi/periods/2025/stages", "auditor")
    assert len(stages.json()["steps"]) == 1  # nothing written


def test_inputs_the_service_fills_are_shown_read_only_with_their_source(staged):
    assert submit(staged).status_code == 201
    page = staged.call("GET", PAGE, "镇").text
    row = re.search(r'<tr data-field="overdue_rectifications">(.*?)</tr>', page, re.S).group(1)
    assert 'id="source-overdue_rectifications">由系统根据整改事项自动填入，此处不能修改' in row
    assert "<input" not in row and "<select" not in row
    grade = re.search(r'<tr data-field="previous_grade">(.*?)</tr>', page, re.S).group(1)
    assert "由系统根据上一考核期的评定等次自动填入" in grade and "<select" not in grade
    assert 'name="new.collective_income"' in page  # a person's inputs stay editable


def test_a_posted_change_of_a_filled_input_is_refused_beside_it(staged):
    assert submit(staged).status_code == 201
    fields = {"stage": "township_review", "new.overdue_rectifications": "3", "reason.overdue_rectifications": "核实"}
    refused = form_post(staged, PAGE + "/act", "镇", fields)
    assert refused.status_code == 422
    assert re.search(r'<tr data-field="overdue_rectifications" class="invalid">', refused.text)
    message = r'id="err-overdue_rectifications">[^<]*整改事项逾期未销号数[^<]*评议环节不能修改[^<]*</p>'
    assert re.search(message, refused.text)
    assert '<a href="#source-overdue_rectifications">整改事项逾期未销号数</a>' in refused.text
    stages = staged.call("GET", "/rulesets/village-branch-stars/units/cgz-hongqi/periods/2025/stages", "auditor")
    assert len(stages.json()["steps"]) == 1  # nothing written


def test_a_bad_new_value_is_said_beside_its_field(staged):
    assert submit(staged).status_code == 201
    fields = {"stage": "township_review", "new.collective_income": "很多", "reason.collective_income": "核实"}
    refused = form_post(staged, PAGE + "/act", "镇", fields)
    assert refused.status_code == 422 and 'id="err-collective_income"' in refused.text
    assert 'value="很多"' in refused.text


def test_accepting_and_acting_out_of_turn(staged):
    assert submit(staged).status_code == 201
    early = form_post(staged, PAGE + "/act", "县", {"stage": "county_review"})
    assert early.status_code == 409 and 'id="refusal"' in early.text and "乡镇初评" in early.text
    stranger = form_post(staged, PAGE + "/act", "县", {"stage": "township_review"})
    assert stranger.status_code == 403 and "审核员" in stranger.text
    accepted = form_post(staged, PAGE + "/act", "镇", {"stage": "township_review"})
    assert accepted.status_code == 303
    assert take(staged, "county_review", "县").status_code == 201
    final = staged.call("GET", PAGE, "县委")
    assert "本环节只确认、不改数据" in final.text and 'name="new.collective_income"' not in final.text
    assert form_post(staged, PAGE + "/act", "县委", {"stage": "county_approval"}).status_code == 303
    done = staged.call("GET", PAGE, "auditor")
    assert 'id="finished"' in done.text and "（与上一环节相同）" in done.text


def test_sending_back_needs_a_reason_and_shows_it(staged):
    assert submit(staged).status_code == 201
    blank = form_post(staged, PAGE + "/return", "镇", {"stage": "township_review", "reason": "  "})
    assert blank.status_code == 422 and 'id="return-error"' in blank.text
    sent = form_post(staged, PAGE + "/return", "镇", {"stage": "township_review", "reason": "佐证材料不全"})
    assert sent.status_code == 303
    view = staged.call("GET", PAGE, "村")
    assert "退回至“村自评”。理由：<strong>佐证材料不全</strong>" in view.text
    link = "/ui/rulesets/village-branch-stars/submit?period=2025&amp;unit=cgz-hongqi&amp;stage=self_review"
    assert link in view.text and re.search(r'<li class="due">\s*<strong>1\. 村自评', view.text)
    assert send_back(staged, "township_review", "镇").status_code == 409  # the village's turn again


def test_the_first_stage_through_the_submit_form(staged):
    form = staged.call("GET", SUBMIT + "?period=2025&unit=cgz-hongqi&stage=self_review", "村")
    assert form.status_code == 200 and 'name="stage" value="self_review"' in form.text
    data = {k: ("是" if v is True else "否" if v is False else str(v)) for k, v in village_submission()["data"].items()}
    fields = {**data, "unit": "cgz-hongqi", "period": "2025", "stage": "self_review"}
    posted = form_post(staged, SUBMIT, "村", fields)
    assert posted.status_code == 303 and posted.headers["location"] == PAGE
    steps = staged.call("GET", "/rulesets/village-branch-stars/units/cgz-hongqi/periods/2025/stages", "auditor")
    assert [s["action"] for s in steps.json()["steps"]] == ["submit"]
    again = form_post(staged, SUBMIT, "村", fields)
    assert again.status_code == 422 and "乡镇初评" in again.text


def test_the_list_shows_each_units_due_stage_in_the_visitors_subtree(staged):
    assert submit(staged).status_code == 201
    staged.token("城关镇", "reviewer", "cgz")
    listed = staged.call("GET", "/ui/stages?ruleset=village-branch-stars&period=2025", "城关镇")
    assert listed.status_code == 200
    rows = dict(re.findall(r'<tr data-unit="([^"]+)">.*?<span class="badge[^"]*">([^<]+)</span>', listed.text, re.S))
    assert rows["cgz-hongqi"] == "乡镇初评" and rows["cgz-dongfeng"] == "村自评"
    assert "hpx-xinmin" not in rows  # another township's village
    assert "cgz" not in rows  # the township itself takes no first stage
    for stage, who in (("township_review", "镇"), ("county_review", "县"), ("county_approval", "县委")):
        assert take(staged, stage, who).status_code == 201
    done = staged.call("GET", "/ui/stages?ruleset=village-branch-stars&period=2025", "城关镇")
    assert re.search(r'<tr data-unit="cgz-hongqi">.*?已审定', done.text, re.S)
    bad = staged.call("GET", "/ui/stages?ruleset=village-branch-stars&period=someday", "城关镇")
    assert bad.status_code == 422 and 'id="filter-error"' in bad.text


def test_the_list_says_when_no_ruleset_with_stages_is_in_force(staged):
    none = staged.call("GET", "/ui/stages?period=2019", "镇")
    assert none.status_code == 200 and 'id="none-staged"' in none.text and "2019" in none.text
    default = staged.call("GET", "/ui/stages?period=2025", "镇")
    assert 'option value="village-branch-stars" selected' in default.text and 'data-unit="cgz-hongqi"' in default.text


def test_a_reason_longer_than_allowed_is_refused_on_the_page_not_cut(staged):
    assert submit(staged).status_code == 201
    long = "核" * 2001
    back = form_post(staged, PAGE + "/return", "镇", {"stage": "township_review", "reason": long})
    assert back.status_code == 422 and "最多 2000 个字符, 实际为 2001 个字符" in back.text
    fields = {"stage": "township_review", "new.collective_income": "2.5", "reason.collective_income": long}
    edit = form_post(staged, PAGE + "/act", "镇", fields)
    assert edit.status_code == 422
    assert re.search(r'id="err-collective_income">[^<]*最多 2000 个字符, 实际为 2001 个字符', edit.text)
    stages = staged.call("GET", "/rulesets/village-branch-stars/units/cgz-hongqi/periods/2025/stages", "auditor")
    assert len(stages.json()["steps"]) == 1  # nothing written
