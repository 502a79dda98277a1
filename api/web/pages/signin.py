"""Signing in and out: a password proves the person, the session cookie then carries a
token of theirs (see ..session)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from engine.messages import say

from ...clients import client_host
from ...deps import get_session
from ...problems import ApiProblem
from ...services import people
from ..session import LOGIN_COOKIE, SESSION_COOKIE, Visitor, new_login_nonce, safe_next, same, set_session, visitor
from ..templating import render

router = APIRouter(prefix="/ui")
TOKEN_LABEL = "{user} (网页登录)"  # stored with the session's token, as the sign-in route stores "(sign-in)"


def _login_page(request: Request, next_path: str, error: str | None = None, user: str = "", status: int = 200):
    nonce = new_login_nonce()
    context = {"next": safe_next(next_path), "error": error, "user": user, "login_nonce": nonce}
    if request.query_params.get("expired") and error is None:
        context["notice"] = say("page.session_expired")
    response = render(request, "login.html", context, status=status)
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=3600,
        path="/ui/login",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/login")
def login_form(request: Request, next: str = "/ui/"):
    return _login_page(request, next)


@router.post("/login")
def login(
    request: Request,
    user: str = Form("", max_length=200),
    password: str = Form("", max_length=1000),
    next: str = Form("/ui/"),
    login_nonce: str = Form(""),
    session: Session = Depends(get_session),
):
    if not same(request.cookies.get(LOGIN_COOKIE), login_nonce) or not login_nonce:
        return _login_page(request, next, say("page.login_expired"), user, status=403)
    if not user.strip() or not password:
        return _login_page(request, next, say("page.credentials_required"), user, status=422)
    settings = request.app.state.settings
    try:
        issued = people.sign_in_counted(
            session,
            request.app.state.auth_failures,
            client_host(request.scope),
            user.strip(),
            password,
            settings.session_hours / 24,
            TOKEN_LABEL.format(user=user.strip()),
        )
    except ApiProblem as problem:
        return _login_page(request, next, problem.problem.detail, user, status=problem.problem.status)
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session(response, request, issued.token, int(settings.session_hours * 3600))
    response.delete_cookie(LOGIN_COOKIE, path="/ui/login")
    return response


@router.post("/logout")
def logout(request: Request, found: Visitor = Depends(visitor), session: Session = Depends(get_session)):
    """Ends the session: its token is revoked, so a copied cookie stops working too."""
    if found.csrf is not None:
        people.revoke_token(session, found.actor, found.actor.token_id)
    response = RedirectResponse("/ui/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/ui")
    return response
