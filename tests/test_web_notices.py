"""The notices pages without a browser (docs/pages.md, docs/notices.md): the list, one
notice with its units' grades and finality and its files, and for an admin of its subtree
recording an objection, resolving it and closing the notice; each refusal (a blank field,
a resolution without a reason, closing with an objection open or before the period ends)
said on the page in Chinese with what was typed kept; others see no forms."""

from __future__ import annotations

import re

import pytest

from .test_notices import TITLE, day, notice_body, objection, post
from .test_stages import submit, take


@pytest.fixture
def noticed(plain):
    created = post(plain, notice_body())
    assert created.status_code == 201, created.text
    plain.notice = created.json()["id"]
    return plain


def form_post(s, path: str, fields: dict, who: str = "县委"):
    return s.call("POST", path, who, data=fields, follow_redirects=False)


def test_the_list_shows_title_period_dates_and_state(noticed):
    listed = noticed.call("GET", "/ui/notices", "auditor")
    assert listed.status_code == 200 and 'aria-current="page">公示' in listed.text
    row = re.search(rf'<tr data-id="{noticed.notice}">(.*?)</tr>', listed.text, re.S).group(1)
    assert TITLE in row and "<td>2025</td>" in row and "<td>2</td>" in row and "无" in row
    assert "公示期满, 待结束" in row  # its last day was yesterday: not 公示中 any more, waiting to be closed
    assert noticed.notice not in noticed.call("GET", "/ui/notices", "别镇管理员").text


PHASES = [(2, 6, "未开始"), (-2, 0, "公示中"), (-9, -1, "公示期满, 待结束")]  # days from today, as shown


@pytest.mark.parametrize(("opens", "closes", "shown"), PHASES)
def test_a_notice_says_whether_its_period_has_begun_or_ended(plain, opens, closes, shown):
    nid = post(plain, notice_body(opens=opens, closes=closes)).json()["id"]
    row = re.search(rf'<tr data-id="{nid}">(.*?)</tr>', plain.call("GET", "/ui/notices", "auditor").text, re.S)
    assert f'<span class="badge soon">{shown}</span>' in row.group(1)
    page = plain.call("GET", f"/ui/notices/{nid}", "auditor").text
    assert f'<span class="badge soon" id="phase">{shown}</span>' in page


def test_a_notice_lists_units_and_files_and_offers_forms_to_its_admin_only(noticed):
    page = noticed.call("GET", f"/ui/notices/{noticed.notice}", "县委")
    assert page.status_code == 200
    units = re.findall(r'<tr data-unit="([^"]+)" data-finality="([^"]+)">', page.text)
    assert units == [("cgz-dongfeng", "in_notice"), ("cgz-hongqi", "in_notice")]
    assert f"/ui/notices/{noticed.notice}/document/docx" in page.text and 'id="record-objection"' in page.text
    seen = noticed.call("GET", f"/ui/notices/{noticed.notice}", "auditor")
    assert seen.status_code == 200 and 'id="record-objection"' not in seen.text and 'id="close"' not in seen.text
    assert noticed.call("GET", f"/ui/notices/{noticed.notice}", "别镇管理员").status_code == 404
    word = noticed.call("GET", f"/ui/notices/{noticed.notice}/document/docx", "auditor")
    assert word.status_code == 200 and word.content[:2] == b"PK" and "attachment" in word.headers["content-disposition"]
    assert noticed.call("GET", f"/ui/notices/{noticed.notice}/document/pdf", "auditor").content[:4] == b"%PDF"


def test_objection_recorded_refused_resolved_then_the_notice_closed(noticed):
    base = f"/ui/notices/{noticed.notice}"
    typed = {**objection(), "contact": "  "}
    blank = form_post(noticed, base + "/objections", typed)
    assert blank.status_code == 422 and 'id="err-objection-contact"' in blank.text
    assert "集体经济收入含一次性补助" in blank.text and 'value="张某"' in blank.text  # what was typed is kept
    assert form_post(noticed, base + "/objections", objection()).status_code == 303
    page = noticed.call("GET", base, "县委")
    oid = re.search(r'id="objection-([0-9a-f]+)" data-outcome="open"', page.text).group(1)
    still = form_post(noticed, base + "/close", {})
    assert still.status_code == 409 and 'id="refusal"' in still.text and oid in still.text
    no_reason = form_post(noticed, f"{base}/objections/{oid}/resolve", {"outcome": "dismissed", "reason": ""})
    assert no_reason.status_code == 422 and f'id="err-resolve-{oid}-reason"' in no_reason.text
    no_outcome = form_post(noticed, f"{base}/objections/{oid}/resolve", {"reason": "经核实收入不含补助"})
    assert no_outcome.status_code == 422 and f'id="err-resolve-{oid}-outcome"' in no_outcome.text
    assert "经核实收入不含补助" in no_outcome.text
    answer = {"outcome": "dismissed", "reason": "经核实收入不含补助"}
    resolved = form_post(noticed, f"{base}/objections/{oid}/resolve", answer)
    assert resolved.status_code == 303
    page = noticed.call("GET", base, "auditor")
    assert 'data-outcome="dismissed"' in page.text and "办结意见：<strong>经核实收入不含补助</strong>" in page.text
    assert form_post(noticed, base + "/close", {}).status_code == 303
    closed = noticed.call("GET", base, "auditor")
    assert "已结束" in closed.text and re.findall(r'data-finality="([a-z_]+)"', closed.text) == ["final", "final"]
    late = form_post(noticed, base + "/objections", objection())  # a closed notice offers no form
    assert late.status_code == 409 and 'id="refusal"' in late.text and 'id="record-objection"' not in late.text
    assert noticed.call("GET", "/audit/verify", "auditor").json()["intact"]


def test_closing_before_the_period_ends_and_acting_without_admin(plain):
    nid = post(plain, notice_body(closes=5)).json()["id"]
    early = form_post(plain, f"/ui/notices/{nid}/close", {})
    assert early.status_code == 409 and "未能办理" in early.text and day_in(early.text)
    refused = form_post(plain, f"/ui/notices/{nid}/close", {}, who="auditor")
    assert refused.status_code == 403


def close_section(s, notice: str) -> str:
    page = s.call("GET", f"/ui/notices/{notice}", "县委").text
    return re.search(r'<section class="card no-print" id="close">(.*?)</section>', page, re.S).group(1)


def test_before_the_period_ends_the_page_says_from_when_it_can_be_closed(plain):
    running = post(plain, notice_body(closes=5)).json()["id"]
    close = close_section(plain, running)
    assert f"/ui/notices/{running}/close" not in close and "<button" not in close
    assert f"自 <strong>{day(6)}</strong> 起可以结束公示" in close


def test_once_the_period_has_ended_the_close_button_is_offered(noticed):
    close = close_section(noticed, noticed.notice)
    assert f"/ui/notices/{noticed.notice}/close" in close and "结束公示</button>" in close
    assert "起可以结束公示" not in close


def day_in(text: str) -> bool:
    return re.search(r"未能办理：[^<]*\d{4}-\d{2}-\d{2}", text) is not None


def test_an_upheld_objection_sends_the_unit_back_and_links_its_stages(village_service):
    s = village_service
    people = (("村", "submitter", "cgz-hongqi"), ("镇", "reviewer", "cgz"), ("县", "reviewer", "513321"))
    for name, role, unit in (*people, ("县委", "admin", "513321")):
        s.token(name, role, unit)
    assert submit(s).status_code == 201
    for stage, who in (("township_review", "镇"), ("county_review", "县"), ("county_approval", "县委")):
        assert take(s, stage, who).status_code == 201
    nid = post(s, notice_body(ruleset="village-branch-stars", unit="cgz-hongqi")).json()["id"]
    assert form_post(s, f"/ui/notices/{nid}/objections", objection()).status_code == 303
    oid = s.call("GET", f"/notices/{nid}", "县委").json()["objections"][0]["objection"]
    upheld = form_post(s, f"/ui/notices/{nid}/objections/{oid}/resolve", {"outcome": "upheld", "reason": "应扣除补助"})
    assert upheld.status_code == 303
    page = s.call("GET", f"/ui/notices/{nid}", "auditor")
    assert 'data-finality="reopened"' in page.text and 'data-outcome="upheld"' in page.text
    assert 'href="/ui/stages/village-branch-stars/cgz-hongqi/2025"' in page.text
    stages = s.call("GET", "/ui/stages/village-branch-stars/cgz-hongqi/2025", "县")
    assert "理由：<strong>应扣除补助</strong>" in stages.text and 'id="act-form"' in stages.text
