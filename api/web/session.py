"""Who is looking at a page: a person signed in with a session cookie, or a script with
the API's bearer token.

The cookie holds an ordinary API token issued at sign-in (expiring, revocable, listed
with the user's other tokens), so a page session is revoked, expires and is checked
exactly like a token. Forms and htmx posts carry a CSRF token derived from the session
token: another site can neither read the HttpOnly cookie nor compute it. A bearer
request sends no ambient credential and needs none. Sign-in itself is protected by a
double-submit cookie."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from engine.messages import say

from ..auth import Actor, role_titles
from ..deps import actor_for_token, get_session
from ..problems import ApiProblem

SESSION_COOKIE = "kaoping_session"
LOGIN_COOKIE = "kaoping_login"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Visitor:
    actor: Actor
    csrf: str | None  # None for a bearer request: nothing ambient to protect


class SignInFirst(Exception):
    """No session, or one that has expired or was revoked: the login page, then back."""

    def __init__(self, back_to: str, expired: bool = False):
        self.back_to, self.expired = back_to, expired


def csrf_for(session_token: str) -> str:
    return hashlib.sha256(b"kaoping csrf\0" + session_token.encode()).hexdigest()


def new_login_nonce() -> str:
    return secrets.token_urlsafe(24)


def same(given: str | None, expected: str) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), expected.encode())


def csrf_refused() -> ApiProblem:
    return ApiProblem(403, "CSRF check failed", say("detail.csrf"))


async def submitted_csrf(request: Request) -> str | None:
    """The CSRF token a form or an htmx post carries (header first; the form is read once
    and kept by Starlette for the route)."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


def back_path(request: Request) -> str:
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return path if request.method in SAFE_METHODS else request.headers.get("hx-current-url", "/ui/")


def safe_next(target: str | None) -> str:
    """Only a path of these pages: a sign-in never sends anyone to another site."""
    if target and target.startswith("/ui/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/ui/"


def login_url(back_to: str, expired: bool = False) -> str:
    return f"/ui/login?next={quote(back_to, safe='/')}" + ("&expired=1" if expired else "")


async def visitor(request: Request, session: Session = Depends(get_session)) -> Visitor:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        found = Visitor(await actor_for_token(request, session, credentials.strip()), None)
    else:
        token = request.cookies.get(SESSION_COOKIE)
        if not token:
            raise SignInFirst(back_path(request))
        try:
            actor = await actor_for_token(request, session, token)
        except ApiProblem as problem:
            if problem.problem.status == 401:
                raise SignInFirst(back_path(request), expired=True) from None
            raise
        found = Visitor(actor, csrf_for(token))
        if request.method not in SAFE_METHODS and not same(await submitted_csrf(request), found.csrf):
            raise csrf_refused()
    request.state.visitor = found
    return found


def role(*roles: str):
    """A page dependency: a visitor holding one of the roles somewhere (admin always);
    a page they may not see answers 403 with a Chinese page."""

    async def check(found: Visitor = Depends(visitor)) -> Visitor:
        if not found.actor.holds(*roles):
            needed = say("word.or").join(say(f"role.{r}") for r in roles)
            detail = say("page.role_needed", needed=needed, held=role_titles(found.actor.roles))
            raise ApiProblem(403, "Page forbidden", detail)
        return found

    return check


def set_session(response, request: Request, token: str, max_age: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=max_age,
        path="/ui",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
