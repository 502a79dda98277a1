"""Batches on pages: one's batches and the upload form, a batch's live progress, and a
finished batch's dashboard (grades, ranking, quota moves, ties, error rows, downloads).
Every figure comes from the batch services the API uses."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from engine.messages import say

from ... import scope, store
from ...deps import ANYONE, get_session
from ...problems import ApiProblem
from ...services import batch_intake, batch_results, units
from ...services.batch_results import SORTS
from ..session import Visitor, role
from ..templating import render

router = APIRouter(prefix="/ui")
PAGE = 20
RANKING_PAGE = 50
ERRORS_SHOWN = 500
UNFINISHED = ("queued", "running", "storing")
STATUSES = ("queued", "running", "storing", "done", "failed")


def status_titles() -> dict[str, str]:
    return {status: say(f"page.batch.{status}") for status in STATUSES}


UPLOAD_FIELDS = {"ruleset", "period", "unit", "file"}


def _upload_choices(session: Session, found: Visitor) -> dict:
    if not found.actor.holds("submitter"):
        return {"rulesets": [], "units": []}
    published = [r for r in store.scoring_rulesets(session) if r.published_version is not None]
    _, offered = units.list_units(session, found.actor, None, 0, 2000, roles=("submitter",))
    return {"rulesets": published, "units": offered}


def _list_page(request: Request, session: Session, found: Visitor, page: int, errors=(), typed=None):
    total, batches = batch_results.list_batches(session, found.actor, (page - 1) * PAGE, PAGE)
    beside: dict[str, list[str]] = {}
    general: list[str] = []
    for item in errors:
        name = "ruleset" if item.get("field") == "version" else item.get("field")
        (beside.setdefault(name, []) if name in UPLOAD_FIELDS else general).append(item["message"])
    context = {
        "batches": batches,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE)),
        "typed": typed or {},
        "problems": beside,
        "general": general,
        "status_titles": status_titles(),
        "unfinished": UNFINISHED,
        **_upload_choices(session, found),
    }
    return render(request, "batches.html", context, status=422 if errors else 200)


@router.get("/batches")
def batch_list(
    request: Request,
    page: int = Query(1, ge=1, le=100_000),
    found: Visitor = Depends(role(*ANYONE)),
    session: Session = Depends(get_session),
):
    return _list_page(request, session, found, page)


@router.post("/batches")
async def upload(
    request: Request, found: Visitor = Depends(role("submitter")), session: Session = Depends(get_session)
):
    form = await request.form()
    typed = {k: v for k, v in form.items() if isinstance(v, str)}
    ruleset_id = typed.get("ruleset", "").strip()
    period = typed.get("period", "").strip()[:50]
    unit = typed.get("unit", "").strip()[:64] or None
    file = form.get("file")
    errors = []
    if not ruleset_id:
        errors.append({"field": "ruleset", "message": say("page.choose_ruleset")})
    if not period:
        errors.append({"field": "period", "message": say("page.period_required")})
    if file is None or isinstance(file, str) or not file.filename:
        errors.append({"field": "file", "message": say("page.choose_file")})
    if not errors:
        content = await file.read()
        try:
            batch = await run_in_threadpool(
                batch_intake.accept,
                session,
                ruleset_id,
                None,
                period,
                file.filename,
                content,
                None,
                found.actor,
                unit,
                False,
            )
        except ApiProblem as problem:
            if problem.problem.status not in (404, 413, 422):
                raise
            errors = [e.model_dump() for e in problem.problem.errors] or [{"message": problem.problem.detail}]
        else:
            request.app.state.batches.submit(batch.id)
            return RedirectResponse(f"/ui/batches/{batch.id}", status_code=303)
    return await run_in_threadpool(_list_page, request, session, found, 1, errors, typed)


def _progress_context(batch) -> dict:
    rows = batch.rows or 0
    done = batch.stored if batch.status == "storing" else batch.scored
    return {
        "batch": batch,
        "rows": rows,
        "done": min(done, rows) if rows else done,
        "status_title": status_titles().get(batch.status, batch.status),
        "unfinished": batch.status in UNFINISHED,
    }


@router.get("/batches/{batch_id}/progress")
def progress(
    request: Request,
    batch_id: str,
    reload: bool = False,
    found: Visitor = Depends(role(*ANYONE)),
    session: Session = Depends(get_session),
):
    """The progress bar, polled each second while the batch runs; once it has ended, the
    dashboard polling it reloads itself."""
    batch = scope.batch(session, found.actor, batch_id)
    context = {**_progress_context(batch), "reload": reload}
    headers = {"HX-Refresh": "true"} if reload and not context["unfinished"] else None
    return render(request, "fragments/batch_progress.html", context, headers=headers)


@router.get("/batches/{batch_id}")
def dashboard(
    request: Request,
    batch_id: str,
    parent: str | None = Query(None, max_length=200),
    sort: str = Query("rank", pattern="^(" + "|".join(SORTS) + ")$"),
    page: int = Query(1, ge=1, le=100_000),
    found: Visitor = Depends(role(*ANYONE)),
    session: Session = Depends(get_session),
):
    batch = scope.batch(session, found.actor, batch_id)
    context = {**_progress_context(batch), "ruleset": store.get_ruleset(session, batch.ruleset_id)}
    if batch.status == "done":
        context.update(_results(session, batch, parent, sort, page))
    return render(request, "batch.html", context)


def _results(session: Session, batch, parent: str | None, sort: str, page: int) -> dict:
    model = batch_results.model_of(session, batch)
    count, rows = batch_results.ranking(session, batch, model, parent, sort, (page - 1) * RANKING_PAGE, RANKING_PAGE)
    summary = batch.summary or {}
    moves = summary.get("quota_moves", [])
    errors = batch.errors or []
    return {
        "grade_titles": {g.id: g.title for g in model.grades},
        "distribution": summary.get("grades", []),
        "ranking_rule": summary.get("ranking", {}).get("rule", ""),
        "columnar": summary.get("columnar"),  # how many units the columnar path scored (docs/batches.md)
        "ranked": rows,
        "ranked_count": count,
        "parents": batch_results.parents(session, batch),
        "parent": parent,
        "sort": sort,
        "page": page,
        "pages": max(1, -(-count // RANKING_PAGE)),
        "moves": moves,
        "move_records": batch_results.moved_units(session, batch, [m["row"] for m in moves]),
        "ties": [m for m in moves if m.get("tie")],
        "error_rows": errors[:ERRORS_SHOWN],
        "errors_cut": max(0, len(errors) - ERRORS_SHOWN),
    }


@router.get("/batches/{batch_id}/results.{format}")
def download(
    batch_id: str,
    format: str,
    found: Visitor = Depends(role(*ANYONE)),
    session: Session = Depends(get_session),
):
    if format not in batch_results.MEDIA:
        raise ApiProblem(404, "Unknown format", say("page.unknown_format", format=format))
    batch = scope.batch(session, found.actor, batch_id)
    content, media, name = batch_results.results_file(session, batch, format)
    return Response(content, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
