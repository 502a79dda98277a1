"""Batches over HTTP: upload a file of units, follow its progress, download its results."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from sqlalchemy.orm import Session

from engine.messages import say

from .. import scope
from ..auth import Actor
from ..deps import ANYONE, get_session, require
from ..jsonbody import StrictJsonRoute
from ..problems import ApiProblem
from ..schemas import BatchOut, ReferenceOut
from ..services import batch_intake, batch_results, references
from ..services.batch_results import out

router = APIRouter(tags=["batches"], route_class=StrictJsonRoute)


@router.post(
    "/rulesets/{ruleset_id}/batches",
    status_code=202,
    response_model=BatchOut,
    summary="Upload units (.csv, .xlsx or .jsonl) to be scored together; answers at once",
)
async def upload(
    ruleset_id: str,
    request: Request,
    file: UploadFile = File(..., description="one row per unit: input ids or Chinese titles as columns"),
    period: str = Query(..., min_length=1, max_length=50, examples=["2025"]),
    version: int | None = Query(None, ge=1, le=2_147_483_647),
    unit: str | None = Query(None, max_length=64, description="the subtree the rows are for (default: your grant's)"),
    create_units: bool = Query(False, description="create unknown units under the parent their row names"),
    encoding: str | None = Query(
        None,
        max_length=20,
        description="a .csv or .jsonl file's encoding: utf-8 or gb18030 (gbk); when absent, UTF-8 if the whole "
        "file decodes as UTF-8, else GB18030",
        examples=["gb18030"],
    ),
    actor: Actor = Depends(require("submitter")),
    session: Session = Depends(get_session),
) -> BatchOut:
    content = await file.read()
    filename = file.filename or "units.csv"
    batch = await run_in_threadpool(
        batch_intake.accept,
        session,
        ruleset_id,
        version,
        period,
        filename,
        content,
        encoding,
        actor,
        unit,
        create_units,
    )
    request.app.state.batches.submit(batch.id)
    return out(batch)


@router.get("/batches/{batch_id}", response_model=BatchOut, summary="A batch's status and progress")
def status(batch_id: str, actor: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    return out(scope.batch(session, actor, batch_id))


@router.get(
    "/batches/{batch_id}/results",
    summary="A finished batch's results: Excel, CSV or JSON",
    responses={200: {"content": {batch_results.MEDIA["xlsx"]: {}, "text/csv": {}, "application/json": {}}}},
)
def results(
    batch_id: str,
    format: str = Query("xlsx", pattern="^(xlsx|csv|json)$"),
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
):
    batch = scope.batch(session, actor, batch_id)
    content, media, name = batch_results.results_file(session, batch, format)
    headers = {} if format == "json" else {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type=media, headers=headers)


def reference_out(event) -> ReferenceOut:
    ruleset_id = event.subject.rsplit("/", 1)[0]
    return ReferenceOut(
        ruleset_id=ruleset_id,
        **{k: event.data[k] for k in ("period", "batch", "version", "name", "replaces")},
        published_by=event.actor,
        published_at=event.created_at,
        event=event.id,
    )


@router.post(
    "/batches/{batch_id}/reference",
    response_model=ReferenceOut,
    summary="Publish a finished batch of a relative ruleset as the reference of its ruleset and period",
)
def publish_reference(
    batch_id: str, actor: Actor = Depends(require("reviewer")), session: Session = Depends(get_session)
):
    return reference_out(references.publish_reference(session, actor, batch_id))


@router.get(
    "/rulesets/{ruleset_id}/reference",
    response_model=ReferenceOut,
    summary="The batch published as the reference of the ruleset and period",
)
def published_reference(
    ruleset_id: str,
    period: str = Query(..., min_length=1, max_length=50),
    _: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
):
    event = references.published_event(session, ruleset_id, period)
    if event is None:
        message = say("relative.none_published", ruleset=ruleset_id, period=period)
        raise ApiProblem(404, "No reference published", message, [{"field": "period", "message": message}])
    return reference_out(event)
