"""Templates and what every page is rendered with: the visitor, the CSRF token, a CSP
nonce for the page's own script tags, the import map, and the filters that show figures
and times the way the rest of kaoping does."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from engine import periods

from ..auth import readable_label, role_titles
from . import vendor

HERE = Path(__file__).resolve().parent
BEIJING = timezone(timedelta(hours=8), "北京时间")

templates = Jinja2Templates(directory=HERE / "templates")


def moment(value: datetime | str | None) -> str:
    """A stored time (UTC) as a clerk reads it: Beijing time, to the minute."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")


templates.env.filters["moment"] = moment
templates.env.filters["actor_label"] = readable_label
templates.env.filters["role_titles"] = role_titles
templates.env.filters["period_title"] = periods.title
templates.env.globals["vendor"] = vendor.PREFIX
templates.env.globals["import_map"] = vendor.import_map


def csp(nonce: str) -> str:
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; "  # CodeMirror and ECharts set styles from script
        "img-src 'self' data: blob:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def render(request: Request, name: str, context: dict[str, Any] | None = None, status: int = 200, headers=None):
    """A page or a fragment, with the security headers every page carries."""
    found = getattr(request.state, "visitor", None)
    nonce = secrets.token_urlsafe(16)
    page = {
        "request": request,
        "visitor": found,
        "actor": found.actor if found else None,
        "csrf": found.csrf if found else None,
        "nonce": nonce,
        "htmx": request.headers.get("hx-request") == "true",
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, page, status_code=status, headers=headers)
    response.headers["Content-Security-Policy"] = csp(nonce)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Cache-Control"] = "no-store"
    return response
