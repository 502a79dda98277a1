"""The pages' sessions without a browser: cookie flags, CSRF refusal, bearer access,
safe redirects after sign-in, problems answered as Chinese pages."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from api.auth import system_actor
from api.services import people

PASSWORD = "Kaoping-2026"


@pytest.fixture
def pages(service):
    with service.app.state.sessions() as session:
        people.create_user(session, system_actor("测试"), "zhang", PASSWORD)
        people.add_grant(session, system_actor("测试"), "zhang", "submitter", None)
        session.commit()
    return service


def login_nonce(client: TestClient) -> str:
    page = client.get("/ui/login")
    return re.search(r'name="login_nonce" value="([^"]+)"', page.text)[1]


def signed_in(client: TestClient, next_path: str = "/ui/"):
    form = {"user": "zhang", "password": PASSWORD, "next": next_path, "login_nonce": login_nonce(client)}
    return client.post("/ui/login", data=form, follow_redirects=False)


def csrf_of(client: TestClient) -> str:
    return re.search(r'name="csrf-token" content="([^"]+)"', client.get("/ui/").text)[1]


def test_the_session_cookie_is_httponly_strict_and_scoped_to_the_pages(pages):
    answer = signed_in(pages.client)
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert "kaoping_session=kp_" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/ui" in cookie
    assert "Secure" not in cookie  # plain http here; https sets it


def test_over_https_the_cookie_is_secure(pages):
    client = TestClient(pages.app, base_url="https://testserver")
    assert "Secure" in signed_in(client).headers["set-cookie"]


def test_a_post_without_the_csrf_token_is_refused_with_a_chinese_page(pages):
    signed_in(pages.client)
    refused = pages.client.post("/ui/logout", data={})
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("text/html")
    assert "CSRF 校验未通过" in refused.text
    wrong = pages.client.post("/ui/logout", data={"csrf_token": "0" * 64})
    assert wrong.status_code == 403
    by_header = pages.client.post("/ui/logout", headers={"X-CSRF-Token": csrf_of(pages.client)}, follow_redirects=False)
    assert by_header.status_code == 303


def test_signing_out_revokes_the_session_token(pages):
    signed_in(pages.client)
    token = pages.client.cookies.get("kaoping_session")
    pages.client.post("/ui/logout", data={"csrf_token": csrf_of(pages.client)})
    again = TestClient(pages.app)
    again.cookies.set("kaoping_session", token, path="/ui")
    answer = again.get("/ui/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/ui/login?next=/ui/&expired=1"


def test_a_login_form_without_its_own_cookie_is_refused(pages):
    nonce = login_nonce(pages.client)
    stranger = TestClient(pages.app)  # another site posting a form has no login cookie
    answer = stranger.post("/ui/login", data={"user": "zhang", "password": PASSWORD, "login_nonce": nonce})
    assert answer.status_code == 403 and "登录表单已过期" in answer.text
    assert "kaoping_session" not in answer.headers.get("set-cookie", "")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/scores", "/ui\\..\\x"])
def test_sign_in_only_goes_back_to_a_page_of_its_own(pages, target):
    assert signed_in(pages.client, target).headers["location"] == "/ui/"


def test_a_bearer_token_opens_a_page_and_needs_no_csrf(pages):
    headers = pages.headers("auditor")
    assert pages.client.get("/ui/", headers=headers).status_code == 200
    assert "工作台" in pages.client.get("/ui/", headers=headers).text
    bad = pages.client.get("/ui/", headers={"Authorization": "Bearer kp_nonsense"})
    assert bad.status_code == 401 and "令牌无效" in bad.text and bad.headers["content-type"].startswith("text/html")


def test_pages_carry_a_content_security_policy_with_a_nonce(pages):
    page = pages.client.get("/ui/login")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in policy and "frame-ancestors 'none'" in policy
    assert page.headers["cache-control"] == "no-store"


def test_an_unknown_page_is_a_chinese_page_and_json_when_asked(pages):
    signed_in(pages.client)
    assert pages.client.get("/ui/vendor/htmx.org/package.json").status_code == 404
    as_json = pages.client.get("/ui/vendor/nothing/x.js", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.json()["detail"] == "没有这个前端文件: nothing/x.js"


def test_the_vendor_files_are_served_only_from_locked_packages(pages):
    assert pages.client.get("/ui/vendor/htmx.org/dist/htmx.min.js").status_code == 200
    for path in ("htmx.org/../../../pyproject.toml", "htmx.org/package.json", "left-pad/index.js"):
        assert pages.client.get(f"/ui/vendor/{path}").status_code == 404


def test_redoc_is_served_with_no_outside_address(pages):
    bundle = pages.client.get("/ui/vendor/redoc/bundles/redoc.standalone.js")
    assert bundle.status_code == 200 and b"cdn.redoc.ly" not in bundle.content


def test_the_import_map_names_codemirror_and_what_it_is_built_from(pages):
    from api.web.vendor import import_map

    imports = __import__("json").loads(import_map())["imports"]
    assert {"@codemirror/view", "@codemirror/state", "@lezer/common", "style-mod"} <= set(imports)
    for url in imports.values():
        assert pages.client.get(url).status_code == 200, url
