"""The stage page and a notice page in a real browser: a township reviewer changes a value
with its reason (refused first without one, what was typed kept) and sees the difference;
an admin opens a notice with an objection. Screenshots: stage-refused, stage-difference,
notice."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from api.services.workdays import today
from tests.browser.conftest import EXAMPLE, PASSWORD, stored_score

PERIOD = "2021"  # a period the other browser tests leave alone
STAGE_PAGE = f"/ui/stages/village-branch-stars/cgz-hongqi/{PERIOD}"


def _person(base: str, admin: dict, name: str, role: str, unit: str) -> dict:
    """A user holding the role on the unit's subtree; a bearer header of theirs."""
    httpx.post(f"{base}/users", json={"name": name, "password": PASSWORD}, headers=admin).raise_for_status()
    httpx.post(f"{base}/grants", json={"user": name, "role": role, "unit": unit}, headers=admin).raise_for_status()
    token = httpx.post(f"{base}/auth/tokens", json={"user": name, "password": PASSWORD}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def submitted(site):
    """红旗村's own submission for PERIOD as the first stage; the township reviewer and
    the county admin able to sign in."""
    base, tokens = site
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    village = _person(base, admin, "cunwei", "submitter", "cgz-hongqi")
    _person(base, admin, "zhenshen", "reviewer", "cgz")
    _person(base, admin, "xianwei", "admin", "513321")
    url = f"{base}/rulesets/village-branch-stars/units/cgz-hongqi/periods/{PERIOD}/stages/self_review"
    httpx.post(url, json={"data": EXAMPLE["data"]}, headers=village, timeout=30).raise_for_status()
    return base


def test_a_township_reviewer_changes_a_value_with_its_reason(web, submitted):
    web.sign_in("zhenshen")
    web.open(STAGE_PAGE)
    assert "当前待办" in web.page.inner_text("li.due") and "乡镇初评" in web.page.inner_text("li.due")
    web.page.fill("#new-collective_income", "2.5")
    web.page.click("#act-form button[type=submit]")
    web.page.wait_for_selector("#err-collective_income")
    assert web.page.input_value("#new-collective_income") == "2.5"
    web.shot("stage-refused")
    web.page.fill("input[name='reason.collective_income']", "账目核实，应扣除一次性补助")
    web.page.click("#act-form button[type=submit]")
    web.page.wait_for_selector("#step-2, article.step-edit")
    edit = web.page.inner_text("article.step-edit")
    assert "账目核实，应扣除一次性补助" in edit and "2.5" in edit and "→" in edit
    assert "县复评" in web.page.inner_text("li.due")
    assert web.errors == []
    web.shot("stage-difference")


def test_an_admin_reads_a_notice_with_its_objection(web, site):
    base, tokens = site
    admin = {"Authorization": f"Bearer {tokens['admin']}"}
    stored_score(site, "2020")
    body = {
        "unit": "cgz",
        "ruleset": "village-branch-stars",
        "period": "2020",
        "title": "关于2020年度村党组织星级评定结果的公示",
        "issuer": "中共示范县委组织部",
        "contact": "县委组织部组织科 电话 0836-1234567",
        "text": "经乡镇初评、县复评和县委组织部审定，现将评定结果予以公示。",
        "opens": (today() - timedelta(days=2)).isoformat(),
        "working_days": 5,
    }
    notice = httpx.post(f"{base}/notices", json=body, headers=admin, timeout=30)
    notice.raise_for_status()
    nid = notice.json()["id"]
    objection = {"unit": "cgz-hongqi", "objector": "张某", "contact": "13800000000", "text": "集体经济收入含一次性补助"}
    httpx.post(f"{base}/notices/{nid}/objections", json=objection, headers=admin).raise_for_status()
    web.sign_in("xianwei")
    web.open("/ui/notices")
    web.page.click(f"tr[data-id='{nid}'] a")
    web.page.wait_for_url(f"**/ui/notices/{nid}")
    assert "红旗村" in web.page.inner_text("#units") and "公示中" in web.page.inner_text("#units")
    assert "集体经济收入含一次性补助" in web.page.inner_text("#objections")
    assert web.page.locator(".resolve-form").count() == 1 and web.page.locator("#close").count() == 1
    assert web.errors == []
    web.shot("notice")
