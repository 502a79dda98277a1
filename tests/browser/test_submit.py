"""Submitting one unit and a small batch in a real browser: the form's inline Chinese
problems, the score it lands on (equal to `kaoping score`), a batch's live progress and
its dashboard's chart."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys

import httpx

from tests.browser.conftest import SCREENS
from tests.server import ROOT

EXAMPLE = ROOT / "examples" / "village-hongqi.json"
RULESET = ROOT / "rulesets" / "village-branch-stars.yaml"
FORM = "/ui/rulesets/village-branch-stars/submit"


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def fill(page, data: dict) -> None:
    """The example's values typed as a clerk would: selects for choices and 是/否, the
    不适用 box for NA."""
    for name, value in data.items():
        if value == "NA":
            page.check(f'input[name="na:{name}"]')
        elif isinstance(value, bool):
            page.select_option(f"#f-{name}", "是" if value else "否")
        elif page.locator(f"select#f-{name}").count():
            page.select_option(f"#f-{name}", str(value))
        else:
            page.fill(f"#f-{name}", str(value))


def cli_score() -> dict:
    answer = subprocess.run(
        [sys.executable, "-m", "api.cli", "score", "--json", str(RULESET), str(EXAMPLE)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    return json.loads(answer.stdout)


def test_fill_the_village_form_fix_the_mistake_and_land_on_the_score(web, site):
    web.sign_in("tianbao")
    web.page.click(f'#submit-tile a[href="{FORM}"]')
    web.page.wait_for_url(f"**{FORM}")
    data = example()["data"]
    web.page.select_option("#f-unit", "hpx-taiping")
    web.page.fill("#f-period", "2025")
    fill(web.page, {**data, "visits_done_pct": 120})
    web.page.click("button[type=submit].primary")
    web.page.wait_for_selector("#err-visits_done_pct")
    problem = web.page.locator("#err-visits_done_pct").inner_text()
    assert "走访群众覆盖率" in problem and "120" in problem
    assert web.page.locator(".field-error").count() == 1, web.page.locator(".field-error").all_inner_texts()
    assert web.page.input_value("#f-visits_done_pct") == "120"  # what was typed is kept
    assert web.page.input_value("#f-collective_income") == str(data["collective_income"])
    assert web.page.is_checked('input[name="na:migrant_members_contact_pct"]')
    assert web.page.input_value("#f-unit") == "hpx-taiping"
    web.page.locator("#err-visits_done_pct").scroll_into_view_if_needed()
    web.shot("submit-form-errors", full_page=False)
    web.page.fill("#f-visits_done_pct", str(data["visits_done_pct"]))
    web.page.click("button[type=submit].primary")
    web.page.wait_for_url(re.compile(r".*/ui/scores/[0-9a-f-]{36}$"))
    record_id = web.page.url.rsplit("/", 1)[1]
    stored = httpx.get(
        f"{site[0]}/scores/{record_id}", headers={"Authorization": f"Bearer {site[1]['auditor']}"}
    ).json()
    expected = cli_score()
    assert stored["total"] == expected["total"]
    assert stored["grade"] == expected["grade"]["id"]
    assert stored["unit"]["id"] == "hpx-taiping" and stored["period"] == "2025"
    assert web.errors == [] or all("/ui/scores/" in e for e in web.errors)  # that page is another helper's


def test_the_form_reads_on_a_phone(phone):
    phone.sign_in("tianbao")
    phone.open(FORM)
    phone.page.wait_for_selector("#f-branch_assemblies")
    assert phone.page.evaluate("document.documentElement.scrollWidth") <= 390
    box = phone.page.locator("#f-branch_assemblies").bounding_box()
    assert box and box["width"] > 200  # one input a row, wide enough to type in
    phone.shot("submit-form-phone", full_page=False)
    assert phone.errors == []


def small_batch(path) -> None:
    """Four villages with the example's values, the last one unknown to the tree."""
    data = example()["data"]
    keys = list(data)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["单位编码", "单位名称", "乡镇", *keys])
        villages = [
            ("cgz-dongfeng", "东风村", "城关镇"),
            ("hpx-xinmin", "新民村", "和平乡"),
            ("xzz-shangzhai", "上寨村", "西寨镇"),
            ("nowhere-1", "无名村", "无名乡"),
        ]
        for n, (code, name, town) in enumerate(villages):
            row = dict(data, collective_income=round(3 + n * 1.7, 1), party_lectures=n + 1)
            writer.writerow(
                [code, name, town, *("是" if v is True else "否" if v is False else v for v in row.values())]
            )


def test_upload_a_batch_watch_it_finish_and_open_its_dashboard(web, tmp_path):
    path = tmp_path / "villages.csv"
    small_batch(path)
    web.sign_in("tianbao")
    web.open("/ui/batches")
    web.page.select_option("#b-ruleset", "village-branch-stars")
    web.page.fill("#b-period", "2023")
    web.page.set_input_files("#b-file", str(path))
    web.page.click("#upload-form button[type=submit]")
    web.page.wait_for_url(re.compile(r".*/ui/batches/[0-9a-f-]{36}$"))
    if web.page.locator(".batch-progress progress").count():
        web.shot("batch-progress", full_page=False)
    web.page.wait_for_selector("#grade-chart canvas", timeout=60_000)  # the page reloads itself when done
    assert web.page.locator("#ranking tbody tr").count() == 3
    errors = web.page.locator("#error-rows").inner_text()
    assert "nowhere-1" in errors
    first = web.page.locator("#ranking tbody tr a").first.get_attribute("href")
    assert re.fullmatch(r"/ui/scores/[0-9a-f-]{36}", first)
    web.shot("batch-dashboard")
    assert web.errors == []
    assert (SCREENS / "batch-dashboard.png").exists()
