"""Browser tests: the service in a child process, Debian's Chromium driven by Playwright
(scripts/browser installs it; Playwright's own browser download is impossible here),
people with passwords for each role, and a screenshot of what each test looked at under
test-artifacts/screens/ (look at them)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

from tests.server import ROOT, running_service

CHROMIUM = os.environ.get("KAOPING_CHROMIUM", "/usr/bin/chromium")
SCREENS = ROOT / "test-artifacts" / "screens"
PASSWORD = "Kaoping-2026"
PEOPLE = {  # user name -> role on the whole tree
    "tianbao": "submitter",
    "bianji": "editor",
    "bianji2": "editor",
    "shenji": "auditor",
}


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    """(base URL, admin token) of a running service with the shipped rulesets and the
    example tree of units, and the PEOPLE able to sign in."""
    with running_service(tmp_path_factory.mktemp("site")) as (base, tokens):
        admin = {"Authorization": f"Bearer {tokens['admin']}"}
        for name, role in PEOPLE.items():
            httpx.post(f"{base}/users", json={"name": name, "password": PASSWORD}, headers=admin).raise_for_status()
            httpx.post(f"{base}/grants", json={"user": name, "role": role}, headers=admin).raise_for_status()
        yield base, tokens


EXAMPLE = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))


def stored_score(site, period: str, **changes) -> str:
    """The id of 红旗村's record for the period, posted by the submitter (or the one already
    current: the tests of a session share the service)."""
    base, tokens = site
    headers = {"Authorization": f"Bearer {tokens['submitter']}"}
    body = {**EXAMPLE, "period": period, "data": {**EXAMPLE["data"], **changes}}
    answer = httpx.post(f"{base}/rulesets/village-branch-stars/scores", json=body, headers=headers, timeout=30)
    if answer.status_code == 409:
        found = httpx.get(f"{base}/scores", params={"unit": "cgz-hongqi", "period": period}, headers=headers)
        return found.json()["items"][0]["id"]
    answer.raise_for_status()
    return answer.json()["id"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"no Chromium at {CHROMIUM}: run scripts/browser (apt-get install chromium fonts-noto-cjk)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


ASSETS = {"script", "stylesheet", "image", "font"}


class Watched:
    """A page with the script errors, uncaught exceptions and failed assets it met (a
    refused form or sign-in answers 4xx on purpose: the browser's note of that is no error)."""

    def __init__(self, page: Page, base: str):
        self.page, self.base, self.errors = page, base, []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _response(self, response) -> None:
        if response.status >= 400 and response.request.resource_type in ASSETS:
            self.errors.append(f"{response.status} {response.url}")

    def open(self, path: str):
        return self.page.goto(self.base + path)

    def sign_in(self, user: str, password: str = PASSWORD) -> None:
        self.open("/ui/login")
        self.page.fill("#user", user)
        self.page.fill("#password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(re.compile(r".*/ui/(?!login).*"))

    def shot(self, name: str, full_page: bool = True) -> Path:
        SCREENS.mkdir(parents=True, exist_ok=True)
        path = SCREENS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


@pytest.fixture
def web(browser, site):
    """A fresh browser context (no cookies) at 1280×800, in Chinese."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    context.set_default_timeout(15_000)
    watched = Watched(context.new_page(), site[0])
    yield watched
    context.close()


@pytest.fixture
def phone(browser, site):
    """The same at a phone's width."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    context.set_default_timeout(15_000)
    watched = Watched(context.new_page(), site[0])
    yield watched
    context.close()
