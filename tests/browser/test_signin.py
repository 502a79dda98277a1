"""Signing in and out in a real browser; the OpenAPI pages offline."""

from __future__ import annotations

from tests.browser.conftest import PASSWORD


def test_sign_in_with_a_wrong_password_then_the_right_one_then_sign_out(web):
    web.open("/ui/?from=test")
    assert "/ui/login" in web.page.url  # a page needs a session: the login page, then back
    web.page.fill("#user", "tianbao")
    web.page.fill("#password", "wrong-password")
    web.page.click("button[type=submit]")
    assert web.page.locator("#login-error").inner_text() == "用户名或密码不正确"
    assert web.page.input_value("#user") == "tianbao"  # what was typed is kept
    web.shot("login-refused")
    web.page.fill("#password", PASSWORD)
    web.page.click("button[type=submit]")
    web.page.wait_for_url("**/ui/?from=test")
    cookie = next(c for c in web.page.context.cookies() if c["name"] == "kaoping_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert web.page.locator("h1").inner_text() == "工作台"
    web.shot("home-submitter")
    web.page.click("text=退出")
    web.page.wait_for_url("**/ui/login")
    web.open("/ui/")
    assert "/ui/login" in web.page.url
    assert web.errors == []


def test_the_home_page_reads_on_a_phone(phone):
    phone.sign_in("shenji")
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the screen
    assert "审计员" in phone.page.locator(".who span").get_attribute("title")
    phone.shot("home-auditor-phone")
    assert phone.errors == []


def test_swagger_and_redoc_load_without_internet(web):
    """Every request of the OpenAPI pages goes to the service itself (no CDN)."""
    requested = []
    web.page.on("request", lambda request: requested.append(request.url))
    web.open("/docs")
    web.page.wait_for_selector(".swagger-ui .info .title")
    assert "kaoping" in web.page.locator(".swagger-ui .info .title").inner_text()
    web.shot("docs-swagger")
    web.open("/redoc")
    web.page.wait_for_selector("redoc h1, [role=search], .api-content", timeout=30_000)
    web.shot("docs-redoc")
    outside = [url for url in requested if not url.startswith((web.base, "data:", "blob:"))]
    assert requested and outside == []
    assert web.errors == []
