"""Scoring a unit, reading score records and their explanations, verifying a record."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from sqlalchemy.orm import Session

from .. import scope, store
from ..auth import Actor
from ..deps import ANYONE, get_session, require
from ..jsonbody import StrictJsonRoute
from ..schemas import (
    Difference,
    FlagList,
    InputSources,
    ScoreOut,
    ScorePage,
    ScoreRequest,
    ScoreSummary,
    UnitFlags,
    VerifyReport,
)
from ..services import flags, records, scoring
from ..services import provenance as provenance_of
from ..tables import ScoreRecord

router = APIRouter(tags=["scores"], route_class=StrictJsonRoute)


def summary(record: ScoreRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "seq": record.seq,
        "ruleset_id": record.ruleset_id,
        "version": record.version,
        "unit": {"id": record.unit_id, "name": record.unit_name, "parent": record.unit_parent},
        "period": record.period,
        "total": record.total,
        "grade": record.grade,
        "status": record.status,
        "actor": record.actor,
        "created_at": record.created_at,
        "supersedes": record.supersedes,
        "batch_id": record.batch_id,
    }


def _fields(record: ScoreRecord) -> dict[str, Any]:
    """Every field of a ScoreOut but the result."""
    return {
        **summary(record),
        "content_hash": record.content_hash,
        "engine_version": record.engine_version,
        "input": record.input,
        "prev_hash": record.prev_hash,
        "record_hash": record.record_hash,
    }


def full(record: ScoreRecord, superseded_by: str | None = None) -> ScoreOut:
    return ScoreOut(**_fields(record), superseded_by=superseded_by, result=record.result)


def full_json(record: ScoreRecord, result_json: str) -> str:
    """A ScoreOut as JSON, its result spliced in as the engine wrote it (a result is
    most of a record, and serializing it again would cost more than scoring it)."""
    head = json.dumps({**_fields(record), "superseded_by": None}, ensure_ascii=False)
    return f'{head[:-1]}, "result": {result_json}}}'


@router.post(
    "/rulesets/{ruleset_id}/scores",
    status_code=201,
    response_model=ScoreOut,
    summary="Score a unit of your subtree under the version in force for the period and store the record",
    responses={200: {"description": "a retry with the same Idempotency-Key: the first record"}},
)
async def post_score(
    ruleset_id: str,
    body: ScoreRequest,
    request: Request,
    response: Response,
    idempotency_key: str | None = Header(
        None, max_length=200, description="a retry with the same key returns the first record"
    ),
    actor: Actor = Depends(require("submitter")),
    session: Session = Depends(get_session),
) -> ScoreOut:
    data = body.data  # read by engine.strictjson: numbers exactly as written
    request_hash = scoring.request_hash(ruleset_id, await request.json())
    record, result_json, created = await run_in_threadpool(
        scoring.score_and_store, session, ruleset_id, body, data, actor, idempotency_key, request_hash
    )
    text = full_json(record, result_json) if created else full(record).model_dump_json()
    headers = {"Location": f"/scores/{record.id}"}
    if not created:
        headers["Idempotent-Replayed"] = "true"
    return Response(
        text,
        status_code=201 if created else 200,
        headers=headers,
        media_type="application/json",
    )


@router.get("/scores", response_model=ScorePage, summary="Score records, oldest first, paged")
def list_scores(
    request: Request,
    ruleset: str | None = Query(None, max_length=100),
    unit: str | None = Query(None, max_length=200),
    period: str | None = Query(None, max_length=50),
    superseded: bool = Query(False, description="also list records a correction superseded"),
    offset: int = Query(0, ge=0, le=2_147_483_647),
    limit: int = Query(50, ge=1, le=500),
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
) -> ScorePage:
    filters = {"ruleset_id": ruleset, "unit_id": unit, "period": period}
    total, rows = store.list_scores(session, scope.records(actor), filters, superseded, offset, limit)
    return ScorePage(total=total, offset=offset, limit=limit, items=[ScoreSummary(**summary(r)) for r in rows])


@router.get(
    "/flags",
    response_model=FlagList,
    summary="The flags the period's current records raised, for the committee, in your subtrees",
)
def list_flags(
    period: str = Query(..., max_length=50),
    ruleset: str | None = Query(None, max_length=100),
    under: str | None = Query(None, max_length=200, description="the code of a unit whose subtree is listed"),
    flag: str | None = Query(None, max_length=100, description="only this flag"),
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
) -> FlagList:
    found = flags.raised(session, actor, period, ruleset, under, flag)
    items = [UnitFlags(record=ScoreSummary(**summary(r.record)), flags=r.flags) for r in found]
    return FlagList(period=period, count=len(items), items=items)


@router.get("/scores/{score_id}", response_model=ScoreOut, summary="One score record")
def get_score(score_id: str, actor: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    record = scope.record(session, actor, score_id)
    return full(record, store.superseded_by(session, record.id))


@router.get(
    "/scores/{score_id}/explanation",
    summary="Why the score was given: JSON, or Chinese text",
    responses={200: {"content": {"application/json": {}, "text/plain": {}}}},
)
def explanation(
    score_id: str,
    format: str = Query("json", pattern="^(json|text)$"),
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
):
    if format == "text":
        return PlainTextResponse(provenance_of.explained(session, actor, score_id))
    return scope.record(session, actor, score_id).result


@router.get(
    "/scores/{score_id}/provenance",
    response_model=InputSources,
    summary="Where each input value of the record came from: typed, imported, changed at a stage, or filled",
)
def provenance(score_id: str, actor: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    return provenance_of.sources(session, actor, score_id)


@router.post(
    "/scores/{score_id}/verify",
    response_model=VerifyReport,
    summary="Recompute a record from its stored input and version; identical, or each difference",
)
def verify(score_id: str, actor: Actor = Depends(require("auditor")), session: Session = Depends(get_session)):
    check = records.verify(session, actor, score_id)
    return VerifyReport(
        score_id=score_id,
        identical=check.identical,
        ruleset_hash_matches=check.ruleset_hash_matches,
        record_hash_matches=check.record_hash_matches,
        differences=[Difference(**vars(d)) for d in check.differences],
        notes=check.notes,
    )


@router.get(
    "/scores/{score_id}/receipt",
    summary="A self-contained receipt of the record: check it offline with `kaoping verify`",
    responses={200: {"content": {"application/json": {}}}},
)
def receipt(score_id: str, actor: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    record, document = records.receipt(session, actor, score_id)
    return receipt_response(record, document)


def receipt_response(record: ScoreRecord, document: dict[str, Any]) -> Response:
    """A receipt as a JSON file to save (the API's and the page's download)."""
    return Response(
        json.dumps(document, ensure_ascii=False, indent=1),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="kaoping-receipt-{record.id}.json"'},
    )
