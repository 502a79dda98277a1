"""Batches over HTTP: upload a file of units, follow its progress, download its results."""

from __future__ import annotations

import json
import tempfile
from datetime import datetime
from pathlib import Path

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from engine.errors import BatchFileError
from engine.messages import listing, say
from engine.tabular import write_results
from engine.textfiles import codec_for

from .. import scope, store
from ..auth import Actor
from ..batches import check_upload, new_batch, report_of
from ..deps import ANYONE, get_session, require
from ..jsonbody import StrictJsonRoute
from ..problems import ApiProblem
from ..services import versions
from ..tables import Batch

router = APIRouter(tags=["batches"], route_class=StrictJsonRoute)
MEDIA = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class BatchOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    ruleset_id: str
    version: int
    period: str
    status: str
    filename: str
    rows: int | None = Field(description="rows in the file; null until the batch's runner has read it")
    scored: int
    stored: int
    error_rows: int
    created_at: datetime
    finished_at: datetime | None
    failure: str | None
    summary: dict | None


def out(batch: Batch) -> BatchOut:
    return BatchOut.model_validate(batch)


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
        _accept, session, ruleset_id, version, period, filename, content, encoding, actor, unit, create_units
    )
    request.app.state.batches.submit(batch.id)
    return out(batch)


def _accept(
    session: Session,
    ruleset_id: str,
    version: int | None,
    period: str,
    filename: str,
    content: bytes,
    encoding: str | None,
    actor: Actor,
    unit: str | None,
    create_units: bool,
):
    """The new batch, once its file has a kind, an encoding and columns this version can
    read; its rows are read and counted by the runner (reading 25,000 rows takes seconds),
    which checks each row's unit against the batch's subtree."""
    problem = versions.period_problem(period)
    if problem:
        raise ApiProblem(422, "Bad period", problem, [{"field": "period", "message": problem}])
    unit_code = _subtree(session, actor, unit)
    number = versions.official_version(session, ruleset_id, period, version)
    version_row = store.get_version(session, ruleset_id, number)
    try:
        codec_for(encoding)
        check_upload(version_row, filename, content, encoding)
    except BatchFileError as error:
        raise ApiProblem(422, "Unreadable batch file", str(error), [{"field": "file", "message": str(error)}]) from None
    return new_batch(session, version_row, period, filename, content, actor, encoding, unit_code, create_units)


def _subtree(session: Session, actor: Actor, unit: str | None) -> str | None:
    """The unit whose subtree a batch is for: the one asked for, or the uploader's only one."""
    if unit is not None:
        return scope.unit(session, actor, unit, "submitter", field="unit").code
    units = {g.unit for g in actor.grants if g.role in ("admin", "submitter")}
    if None in units:
        return None
    if len(units) != 1:
        message = say("detail.which_unit", units=listing(sorted(units)))
        raise ApiProblem(422, "Which unit", message, [{"field": "unit", "message": message}])
    return units.pop()


@router.get("/batches/{batch_id}", response_model=BatchOut, summary="A batch's status and progress")
def status(batch_id: str, actor: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    return out(scope.batch(session, actor, batch_id))


@router.get(
    "/batches/{batch_id}/results",
    summary="A finished batch's results: Excel, CSV or JSON",
    responses={200: {"content": {MEDIA["xlsx"]: {}, "text/csv": {}, "application/json": {}}}},
)
def results(
    batch_id: str,
    format: str = Query("xlsx", pattern="^(xlsx|csv|json)$"),
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
):
    batch = scope.batch(session, actor, batch_id)
    if batch.status != "done":
        raise ApiProblem(409, "Batch not finished", say("detail.batch_not_finished", status=batch.status))
    report = report_of(session, batch)
    if format == "json":
        units = [
            {
                "row": u.row,
                "unit": u.scored.unit.model_dump(),
                "total": str(u.scored.total),
                "grade": u.scored.grade,
                "rank": u.rank,
                "parent_rank": u.parent_rank,
                "quota": u.scored.quota.model_dump() if u.scored.quota else None,
            }
            for u in report.units
        ]
        body = {"batch": out(batch).model_dump(), "units": units, "errors": [e.__dict__ for e in report.errors]}
        return Response(json.dumps(body, ensure_ascii=False, default=str), media_type="application/json")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"results.{format}"
        write_results(report, path)
        content = path.read_bytes()
    name = f"{batch.ruleset_id}-{batch.period}-{batch.id[:8]}.{format}"
    return Response(
        content, media_type=MEDIA[format], headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
