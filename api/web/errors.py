"""Problems met on a page, answered as a Chinese page (or, inside an htmx swap, as a
fragment) instead of the API's JSON problem document; and the way to the login page."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from .session import SignInFirst, login_url
from .templating import render

PAGE_PREFIX = "/ui/"


def wants_page(request: Request) -> bool:
    """Page addresses answer in HTML, unless the caller asks for JSON (a script)."""
    accept = request.headers.get("accept", "")
    return request.url.path.startswith(PAGE_PREFIX) and "application/json" not in accept


def problem_page(request: Request, problem, headers: dict[str, str] | None = None) -> Response:
    template = "fragments/problem.html" if request.headers.get("hx-request") == "true" else "problem.html"
    return render(request, template, {"problem": problem}, status=problem.status, headers=headers)


def sign_in_first(request: Request, error: SignInFirst) -> Response:
    target = login_url(error.back_to, error.expired)
    if request.headers.get("hx-request") == "true":  # htmx follows this header with a full page load
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)
