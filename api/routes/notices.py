"""Public notices (公示), their objections (异议) and the finality of results
(docs/notices.md). Logic lives in api.services.notices, objections and finality."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from ..auth import Actor
from ..deps import ANYONE, get_session, require
from ..jsonbody import StrictJsonRoute
from ..schemas import FinalityOut, NoticeIn, NoticeOut, NoticeSummaryOut, ObjectionIn, ObjectionOut, ResolutionIn
from ..services import finality, notices, objections
from ..services.notice_files import MEDIA, notice_file

router = APIRouter(tags=["notices"], route_class=StrictJsonRoute)


def _shown(session: Session, actor: Actor, notice_id: str) -> dict:
    return notices.view(session, notices.visible(session, actor, notice_id))


@router.post(
    "/notices", status_code=201, response_model=NoticeOut, summary="Post a notice of a batch's or subtree's results"
)
def create_notice(body: NoticeIn, actor: Actor = Depends(require("admin")), session: Session = Depends(get_session)):
    return _shown(session, actor, notices.create(session, actor, body))


@router.get("/notices", response_model=list[NoticeSummaryOut], summary="The notices in your subtrees, newest first")
def list_notices(
    ruleset: str | None = Query(None, max_length=100),
    period: str | None = Query(None, max_length=50),
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
):
    return notices.listed(session, actor, ruleset, period)


@router.get(
    "/notices/{notice_id}", response_model=NoticeOut, summary="A notice: its units with their finality, its objections"
)
def get_notice(notice_id: str, actor: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    return _shown(session, actor, notice_id)


@router.get(
    "/notices/{notice_id}/document/{form}",
    response_class=Response,
    responses={200: {"content": {m: {} for m in MEDIA.values()}}},
    summary="The notice to post, as a Word document (docx) or a PDF",
)
def notice_document(
    notice_id: str,
    form: Literal["docx", "pdf"],
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
):
    content, media, headers = notice_file(session, actor, notice_id, form)
    return Response(content, media_type=media, headers=headers)


@router.post("/notices/{notice_id}/close", response_model=NoticeOut, summary="Close a notice whose period is over")
def close_notice(notice_id: str, actor: Actor = Depends(require("admin")), session: Session = Depends(get_session)):
    notices.close(session, actor, notice_id)
    return _shown(session, actor, notice_id)


def _objection(session: Session, actor: Actor, notice_id: str, objection_id: str) -> dict:
    return next(o for o in _shown(session, actor, notice_id)["objections"] if o["objection"] == objection_id)


@router.post(
    "/notices/{notice_id}/objections",
    status_code=201,
    response_model=ObjectionOut,
    summary="Record an objection received during the notice period",
)
def record_objection(
    notice_id: str, body: ObjectionIn, actor: Actor = Depends(require("admin")), session: Session = Depends(get_session)
):
    return _objection(session, actor, notice_id, objections.record(session, actor, notice_id, body))


@router.post(
    "/notices/{notice_id}/objections/{objection_id}/resolve",
    response_model=ObjectionOut,
    summary="Resolve an objection: upheld (the unit goes back to review) or dismissed, with a reason",
)
def resolve_objection(
    notice_id: str,
    objection_id: str,
    body: ResolutionIn,
    actor: Actor = Depends(require("admin")),
    session: Session = Depends(get_session),
):
    objections.resolve(session, actor, notice_id, objection_id, body)
    return _objection(session, actor, notice_id, objection_id)


@router.get(
    "/units/{code}/finality", response_model=list[FinalityOut], summary="Whether each of a unit's results is final"
)
def unit_finality(code: str, actor: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    return finality.of_unit(session, actor, code)
