"""The ruleset pages in a real browser: the list, the editor's live check placing an
error on its line (gutter marker, underline and the list below), the embedded tests,
the replay's grade-move chart, saving a draft, a submitter refused; at a phone's width."""

from __future__ import annotations

import re

import httpx
import pytest

from tests.browser.conftest import stored_score
from tests.server import ROOT

EDIT = "/ui/rulesets/village-branch-stars/edit"
BAND = 'when: "themed_party_days >= 12"'
FOUR = "{id: four, title: 四星, min: 80}"
VILLAGE = (ROOT / "rulesets" / "village-branch-stars.yaml").read_text(encoding="utf-8")


def line_of(fragment: str) -> int:
    return next(n for n, line in enumerate(VILLAGE.splitlines(), 1) if fragment in line)


@pytest.fixture(scope="module")
def scored(site):
    """A stored score of 红旗村 under the published version, for the replay."""
    stored_score(site, "2025")
    return site


def latest_version(site) -> int:
    base, tokens = site
    detail = httpx.get(
        f"{base}/rulesets/village-branch-stars", headers={"Authorization": f"Bearer {tokens['auditor']}"}
    )
    return detail.json()["latest_version"]


def editor_line(web, text: str):
    return web.page.locator(".cm-line", has_text=text)


def reveal(web, text: str):
    """The editor's line holding `text`, scrolled into view (CodeMirror draws only the
    lines near the viewport)."""
    web.page.locator("#code").scroll_into_view_if_needed()  # CodeMirror draws what the window shows
    scroller = web.page.locator(".cm-scroller")
    scroller.evaluate("element => { element.scrollTop = 0; }")
    for _ in range(60):
        line = editor_line(web, text)
        if line.count() and line.is_visible():
            line.scroll_into_view_if_needed()
            return line
        scroller.evaluate("element => { element.scrollTop += 300; }")
        web.page.wait_for_timeout(50)
    shown = web.page.locator(".cm-line").all_inner_texts()
    raise AssertionError(f"no line with {text!r} in the editor: {shown[:3]} … {shown[-3:]}")


def same_row(first, second) -> bool:
    a, b = first.bounding_box(), second.bounding_box()
    return abs((a["y"] + a["height"] / 2) - (b["y"] + b["height"] / 2)) < a["height"] / 2 + 2


def test_the_list_shows_versions_and_links(web):
    web.sign_in("bianji")
    web.open("/ui/rulesets")
    card = web.page.locator("#ruleset-village-branch-stars")
    assert "生效中" in card.inner_text() and "第 1 版" in card.inner_text()
    assert card.locator("a", has_text="编辑").get_attribute("href") == EDIT
    assert card.locator("a", has_text="填报评分").get_attribute("href") == "/ui/rulesets/village-branch-stars/submit"
    web.shot("rulesets-list")
    assert web.errors == []


def test_edit_with_a_live_error_then_test_replay_and_save(web, scored):
    before = latest_version(scored)
    web.sign_in("bianji")
    web.open(EDIT)
    page = web.page
    page.wait_for_selector("#check-status.ok")  # the shipped text checks clean
    assert page.locator("#problems li").count() == 0
    # a misspelled input name in a band's condition
    reveal(web, BAND).click()
    page.keyboard.press("Home")
    for _ in range(len('- {when: "')):
        page.keyboard.press("ArrowRight")
    page.keyboard.type("x")
    page.wait_for_selector("#problems li.error")
    bad_line = line_of(BAND)
    listed = page.locator("#problems li.error")
    assert listed.count() == 1 and listed.get_attribute("data-line") == str(bad_line)
    assert f"第 {bad_line} 行" in listed.inner_text() and "xthemed_party_days 未声明" in listed.inner_text()
    underlined = page.locator(".cm-lintRange-error")
    assert underlined.first.inner_text() == "xthemed_party_days"
    assert "xthemed_party_days" in editor_line(web, "xthemed_party_days").inner_text()
    marker = page.locator(".cm-lint-marker-error")
    assert marker.count() == 1 and same_row(marker, editor_line(web, "xthemed_party_days"))
    number = page.locator(".cm-lineNumbers .cm-gutterElement", has_text=str(bad_line)).first
    assert same_row(number, marker)
    assert "1 个错误" in page.locator("#check-status").inner_text()
    web.shot("editor-live-error")
    # fixed again: the check is clean, the tests pass
    page.keyboard.press("Backspace")
    page.wait_for_selector("#check-status.ok")
    assert page.locator(".cm-lint-marker-error").count() == 0
    page.click("button[data-trial=tests]")
    page.wait_for_selector("#test-report")
    assert "全部通过" in page.locator("#test-report h2").inner_text()
    # four stars made harder: 红旗村 (88.33) moves down in the replay
    reveal(web, FOUR).click()
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Backspace")
    page.keyboard.press("Backspace")
    page.keyboard.type("89")
    page.wait_for_selector("#check-status.ok")
    page.click("button[data-trial=replay]")
    page.wait_for_selector("#replay-chart canvas")
    report = page.locator("#replay-report")
    moved = int(re.search(r"等级变化的单位（(\d+)）", report.inner_text())[1])
    assert moved >= 1 and "cgz-hongqi" in report.inner_text()  # other tests may have stored more
    assert sum(int(cell.inner_text()) for cell in page.locator("table.matrix td.moved").all()) == moved
    web.shot("editor-replay")
    page.fill("#note", "四星门槛提高到89分")
    page.click("#save")
    page.wait_for_selector("#saved")
    assert page.locator("#saved h2").inner_text() == f"已保存为第 {before + 1} 版（草稿）"
    assert page.locator("#base-version").inner_text() == str(before + 1)
    assert latest_version(scored) == before + 1
    # publishing one's own draft: four eyes, refused in Chinese
    page.fill("#periods", "2026")
    page.click("#publish")
    page.wait_for_selector("#result .problem-body")
    assert "须由另一位编辑审核发布" in page.locator("#result").inner_text()
    assert web.errors == []


def test_a_submitter_is_refused_the_editor(web):
    web.sign_in("tianbao")
    answer = web.open(EDIT)
    assert answer.status == 403
    assert "此页面需要编辑角色" in web.page.locator(".problem-body").inner_text()
    web.shot("editor-refused-submitter")
    assert web.errors == []


def test_the_editor_at_a_phone_width(phone):
    phone.sign_in("bianji")
    phone.open(EDIT)
    phone.page.wait_for_selector("#check-status.ok")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone.shot("editor-phone")
    assert phone.errors == []
