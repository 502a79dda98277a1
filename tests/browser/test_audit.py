"""The auditor in a real browser: find a record, read how its total was built, verify
it, print it on one A4 page; the record at a phone's width."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from tests.breakdown_helpers import adds_up
from tests.browser.conftest import SCREENS, stored_score
from tests.server import ROOT

EXAMPLE = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))
ROWS = """() => [...document.querySelectorAll('#breakdown tr.line')]
  .map(row => [row.dataset.kind, row.querySelector('.points').textContent])"""
CHART = """(id) => {
  const element = document.getElementById(id);
  const chart = element && echarts.getInstanceByDom(element);
  const canvas = element && element.querySelector('canvas');
  return Boolean(chart) && Boolean(canvas) && canvas.width > 0 && canvas.height > 0;
}"""


@pytest.fixture(scope="module")
def hongqi(site):
    """红旗村 in 2023, 2024 and (the example as shipped) 2025: the 2025 record's id."""
    stored_score(site, "2023", members_developed_2y=0, collective_income=3)
    stored_score(site, "2024", collective_income=10, income_growth_pct=12)
    return stored_score(site, "2025")


def test_an_auditor_finds_a_record_verifies_and_prints_it(web, hongqi):
    web.sign_in("shenji")
    web.open("/ui/scores")
    web.page.fill("input[name=unit]", "红旗")
    web.page.fill("input[name=period]", "2025")
    web.page.click("form.search button[type=submit]")
    web.page.wait_for_url(re.compile(r".*unit=.*period=2025"))  # htmx pushed the search's address
    rows = web.page.locator("table.records tbody tr")
    assert rows.count() == 1 and "红旗村" in rows.first.inner_text() and "88.33" in rows.first.inner_text()
    web.shot("audit-list")

    rows.first.locator("a").first.click()
    web.page.wait_for_url(f"**/ui/scores/{hongqi}")
    web.page.wait_for_selector("body[data-charts='2']")
    assert web.page.evaluate(CHART, "waterfall") and web.page.evaluate(CHART, "history")
    before, total = adds_up([tuple(row) for row in web.page.evaluate(ROWS)])
    assert str(before) == "88.325" and total == "88.33"
    assert web.page.inner_text("#total-shown") == total
    assert "88.325 → 四舍五入保留 2 位 = 88.33" in web.page.inner_text("#breakdown")

    web.page.click("#verify-button")
    web.page.wait_for_selector("#verify-result [data-identical]")
    assert web.page.inner_text("#verify-result").startswith("一致")
    web.page.wait_for_selector("#reach .reach-step")
    assert "要达到五星" in web.page.inner_text("#reach")
    web.shot("audit-record")
    assert web.errors == []

    web.page.emulate_media(media="print")
    web.page.wait_for_selector("body[data-charts-for='print']")  # the charts drawn for the paper
    pdf = SCREENS / "audit-record-print.pdf"
    SCREENS.mkdir(parents=True, exist_ok=True)
    web.page.pdf(path=str(pdf), format="A4", print_background=True, prefer_css_page_size=True)
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert pages == 1  # one record, one A4 page
    subprocess.run(["pdftoppm", "-png", "-r", "110", "-singlefile", pdf, SCREENS / "audit-record-print"], check=True)
    assert (SCREENS / "audit-record-print.png").stat().st_size > 50_000
    assert web.errors == []


def test_the_record_reads_on_a_phone(phone, hongqi):
    phone.sign_in("shenji")
    phone.open(f"/ui/scores/{hongqi}")
    phone.page.wait_for_selector("body[data-charts='2']")
    assert phone.page.evaluate(CHART, "waterfall")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.page.wait_for_selector("#reach .reach-step")
    phone.shot("audit-record-phone")
    phone.shot("audit-record-phone-top", full_page=False)
    phone.page.locator("#breakdown").scroll_into_view_if_needed()
    phone.shot("audit-record-phone-table", full_page=False)
    phone.open("/ui/scores?unit=cgz-hongqi&superseded=true")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    phone.shot("audit-list-phone")
    assert phone.errors == []


def test_the_record_page_shows_the_flags_raised_for_the_committee(web, site):
    stored_score(site, "2018", village_bully_cases=1)
    record = stored_score(site, "2019", village_bully_cases=1)  # one star two years running; no other test uses these
    web.sign_in("shenji")
    web.open(f"/ui/scores/{record}")
    flags = web.page.locator("#flags")
    flags.scroll_into_view_if_needed()
    assert flags.is_visible()
    text = flags.inner_text()
    assert "提示事项" in text and "警示" in text and "建议调整班子" in text and "上年度评定等次 = one" in text
    SCREENS.mkdir(parents=True, exist_ok=True)
    flags.screenshot(path=str(SCREENS / "record-flags.png"))
    assert web.errors == []
