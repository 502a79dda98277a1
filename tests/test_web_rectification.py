"""The rectification page without a browser (docs/rectification.md): the visitor's items
soonest due first, filtered by state, subtree and days to due, the due soon and the
overdue marked, the subtree rule, a refused filter said beside the form."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from api.services import rectification
from tests.conftest import village_submission

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def items(village_service, monkeypatch):
    """红旗村 with three items (petition due 03-31, theme days 04-30, secretary 05-30) and
    新民村 with its petition, seen on 2025-03-25."""
    day = {"today": date(2025, 3, 1)}
    monkeypatch.setattr(rectification, "today", lambda: day["today"])
    for unit, changes in (
        ("cgz-hongqi", {"themed_party_days": 7, "secretary_vacancy_months": 5}),
        ("hpx-xinmin", {}),
    ):
        body = village_submission(**changes)
        body["unit"], body["period"] = {"id": unit}, "2025"
        answer = village_service.call("POST", "/rulesets/village-branch-stars/scores", "submitter", json=body)
        assert answer.status_code == 201, answer.text
    day["today"] = date(2025, 3, 1) + timedelta(days=24)
    return village_service


def rows(answer) -> list[tuple[str, str]]:
    """(state, css class) of each listed item, in order."""
    return re.findall(r'<tr data-id="[^"]+" data-state="([a-z]+)"(?: class="([a-z-]+)")?>', answer.text)


def test_the_list_marks_due_soon_and_overdue_soonest_first(items):
    answer = items.call("GET", "/ui/rectification", "auditor")
    assert answer.status_code == 200
    assert "截至 2025-03-25，共 4 项" in answer.text
    assert rows(answer) == [("open", "due-soon"), ("open", "due-soon"), ("open", ""), ("open", "")]
    assert answer.text.count("即将到期</span>") == 2 and "还有 6 天" in answer.text
    assert "红旗村越级上访问题整改" in answer.text and "城关镇" in answer.text
    assert 'aria-current="page">整改事项' in answer.text


def test_an_item_on_its_last_day_is_due_today_not_overdue(items, monkeypatch):
    monkeypatch.setattr(rectification, "today", lambda: date(2025, 3, 31))
    answer = items.call("GET", "/ui/rectification", "auditor")
    assert rows(answer)[:2] == [("open", "due-soon"), ("open", "due-soon")]
    assert answer.text.count("今天到期") == 2 and "还有 0 天" not in answer.text


def test_filters_by_state_subtree_and_days(items, monkeypatch):
    monkeypatch.setattr(rectification, "today", lambda: date(2025, 4, 10))
    overdue = items.call("GET", "/ui/rectification?state=overdue", "auditor")
    assert rows(overdue) == [("overdue", "overdue"), ("overdue", "overdue")]
    assert "已逾期 10 天" in overdue.text and "已逾期</span>" in overdue.text
    assert len(rows(items.call("GET", "/ui/rectification?under=hpx", "auditor"))) == 1
    assert len(rows(items.call("GET", "/ui/rectification?within=20", "auditor"))) == 3
    assert rows(items.call("GET", "/ui/rectification?state=done", "auditor")) == []


def test_a_township_sees_its_own_and_a_bad_filter_is_said_beside_the_form(items):
    items.token("城关镇审核员", "reviewer", "cgz")
    township = items.call("GET", "/ui/rectification", "城关镇审核员")
    assert len(rows(township)) == 3 and "新民村" not in township.text
    outside = items.call("GET", "/ui/rectification?under=hpx", "城关镇审核员")
    assert outside.status_code == 422 and 'id="filter-error"' in outside.text and rows(outside) == []
    bad = items.call("GET", "/ui/rectification?state=late", "auditor")
    assert bad.status_code == 422 and "state 应为 open、overdue 或 done 之一" in bad.text


def test_a_score_page_names_the_items_it_opened_and_the_count_it_was_filled_with(items):
    listing = items.call("GET", "/rectification?under=cgz-hongqi", "auditor").json()["items"]
    record = listing[0]["opened_record"]
    shown = items.call("GET", f"/ui/scores/{record}", "auditor")
    assert shown.status_code == 200
    opened = re.findall(r'<li data-id="([^"]+)"><strong>([^<]+)</strong>', shown.text)
    assert [title for _, title in opened] == [i["title"] for i in listing] and len(opened) == 3
    assert "责任单位 城关镇，限 2025-03-31 前完成（待整改）" in shown.text
    assert "自动填入：整改事项逾期未销号数 = 0，截至 2025-03-01, 本单位没有逾期未销号的整改事项" in shown.text
