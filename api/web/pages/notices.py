"""The notices pages (docs/notices.md): the visitor's notices, and one notice with its
units' grades and finality, its objections and their resolutions, its files, and for an
admin of its subtree the forms to record an objection, resolve one and close the notice.
Each action goes through api.services.notices and objections, as the API's do."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from ...deps import ANYONE, get_session
from ...problems import ApiProblem, validation_items
from ...schemas import ObjectionIn, ResolutionIn
from ...services import notices, objections
from ...services.notice_files import notice_file
from ...services.workdays import today
from ..session import Visitor, role
from ..templating import render

router = APIRouter(prefix="/ui")
REFUSED = (404, 409, 422)  # an action the service refuses is said on the page


@router.get("/notices")
def notice_list(request: Request, found: Visitor = Depends(role(*ANYONE)), session: Session = Depends(get_session)):
    return render(request, "notices.html", {"notices": notices.listed(session, found.actor, None, None)})


def _admin(session: Session, found: Visitor, notice_id: str) -> bool:
    """Whether the visitor administers the notice's subtree (the forms are offered then)."""
    try:
        notices.visible(session, found.actor, notice_id, "admin")
    except ApiProblem:
        return False
    return True


def _page(request: Request, session: Session, found: Visitor, notice_id: str, **state):
    """The notice; `state` carries a refused form's name, its problems and what was typed."""
    shown = notices.view(session, notices.visible(session, found.actor, notice_id))
    context = {
        "notice": shown,
        "admin": _admin(session, found, notice_id),
        "today": today().isoformat(),
        "period_over": notices.period_over(shown),
        "closable_from": notices.closable_from(shown).isoformat(),
        "form": state.get("form"),
        "beside": state.get("beside", {}),
        "refusal": state.get("refusal"),
        "typed": state.get("typed", {}),
    }
    return render(request, "notice.html", context, status=state.get("status", 200))


@router.get("/notices/{notice_id}")
def notice_page(
    request: Request, notice_id: str, found: Visitor = Depends(role(*ANYONE)), session: Session = Depends(get_session)
):
    return _page(request, session, found, notice_id)


@router.get("/notices/{notice_id}/document/{form}")
def notice_document(
    notice_id: str,
    form: Literal["docx", "pdf"],
    found: Visitor = Depends(role(*ANYONE)),
    session: Session = Depends(get_session),
):
    content, media, headers = notice_file(session, found.actor, notice_id, form)
    return Response(content, media_type=media, headers=headers)


def _refused(name: str, problem_status: int, detail: str | None, errors: list[dict], typed: dict) -> dict[str, Any]:
    """A refused form: each problem of what was typed beside its field, one of no field (or
    a conflict with the notice's state, whose form may not be shown) above the forms."""
    beside: dict[str, list[str]] = {}
    for error in errors:
        beside.setdefault(error.get("field") or "", []).append(error["message"])
    general = beside.pop("", None)
    refusal = detail if problem_status != 422 or not beside else ("; ".join(general) if general else None)
    return {"form": name, "beside": beside, "refusal": refusal, "status": problem_status, "typed": typed}


async def _act(request: Request, session: Session, found: Visitor, notice_id: str, name: str, action):
    """Run one form's action: back to the notice when done, else the notice with why. The
    form is read here; the action and the page, database work both, in the thread pool."""
    form = await request.form()
    typed = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    return await run_in_threadpool(_acted, request, session, found, notice_id, name, action, typed)


def _acted(request: Request, session: Session, found: Visitor, notice_id: str, name: str, action, typed):
    try:
        action(typed)
    except ValidationError as invalid:
        state = _refused(name, 422, None, validation_items(invalid.errors()), typed)
        return _page(request, session, found, notice_id, **state)
    except ApiProblem as refused:
        if refused.problem.status not in REFUSED:
            raise
        errors = [e.model_dump() for e in refused.problem.errors]
        state = _refused(name, refused.problem.status, refused.problem.detail, errors, typed)
        return _page(request, session, found, notice_id, **state)
    return RedirectResponse(f"/ui/notices/{notice_id}", status_code=303)


def _blank_is_none(typed: dict[str, str], *names: str) -> dict[str, Any]:
    return {k: (v.strip() or None) if k in names else v for k, v in typed.items()}


@router.post("/notices/{notice_id}/objections")
async def record_objection(
    request: Request, notice_id: str, found: Visitor = Depends(role("admin")), session: Session = Depends(get_session)
):
    def record(typed: dict[str, str]) -> None:
        fields = {k: typed.get(k, "") for k in ("unit", "objector", "contact", "text", "received")}
        body = ObjectionIn(**_blank_is_none(fields, "objector", "received"))
        objections.record(session, found.actor, notice_id, body)

    return await _act(request, session, found, notice_id, "objection", record)


@router.post("/notices/{notice_id}/objections/{objection_id}/resolve")
async def resolve_objection(
    request: Request,
    notice_id: str,
    objection_id: str,
    found: Visitor = Depends(role("admin")),
    session: Session = Depends(get_session),
):
    def resolve(typed: dict[str, str]) -> None:
        body = ResolutionIn(outcome=typed.get("outcome", ""), reason=typed.get("reason", ""))
        objections.resolve(session, found.actor, notice_id, objection_id, body)

    return await _act(request, session, found, notice_id, f"resolve-{objection_id}", resolve)


@router.post("/notices/{notice_id}/close")
async def close_notice(
    request: Request, notice_id: str, found: Visitor = Depends(role("admin")), session: Session = Depends(get_session)
):
    def close(_: dict[str, str]) -> None:
        notices.close(session, found.actor, notice_id)

    return await _act(request, session, found, notice_id, "close", close)
