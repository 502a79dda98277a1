"""Member points over HTTP (docs/member-points.md): events posted, imported, corrected
and withdrawn; a member's points and a branch's members' points for a period."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from sqlalchemy.orm import Session

from engine.decimals import plain
from engine.points_explain import explain_points

from ..auth import Actor
from ..deps import ANYONE, get_session, require
from ..jsonbody import StrictJsonRoute
from ..schemas import (
    BranchFigure,
    BranchPointsOut,
    EventList,
    EventOut,
    EventRequest,
    MemberLine,
    MemberPointsOut,
    WithdrawRequest,
)
from ..services import member_events, member_points
from ..tables import AuditEvent, MemberEvent

router = APIRouter(prefix="/rulesets/{ruleset_id}", tags=["member points"], route_class=StrictJsonRoute)


def event_out(row: MemberEvent, data: dict[str, Any], withdrawn: str | None = None) -> EventOut:
    return EventOut(
        id=row.id,
        seq=row.seq,
        ruleset_id=row.ruleset_id,
        version=row.version,
        member=row.member,
        branch=row.branch,
        date=row.date,
        kind=row.kind,
        fields=data.get("fields", {}),
        posted_by=row.posted_by,
        posted_at=row.posted_at,
        file=row.source_file,
        row=row.source_row,
        withdraws=row.withdraws,
        reason=data.get("reason"),
        withdrawn_by=withdrawn,
    )


def _posted(session: Session, row: MemberEvent) -> EventOut:
    return event_out(row, session.get(AuditEvent, row.seq).data)


@router.post("/events", status_code=201, response_model=EventOut, summary="Post one member's event (or a correction)")
def post_event(
    ruleset_id: str,
    body: EventRequest,
    actor: Actor = Depends(require("submitter")),
    session: Session = Depends(get_session),
) -> EventOut:
    row = member_events.post_event(session, actor, ruleset_id, body.event, body.corrects)
    return _posted(session, row)


@router.post(
    "/events/file",
    status_code=201,
    response_model=EventList,
    summary="Import a year's events from a CSV or XLSX file, one row per event: all rows or none",
)
async def import_events(
    ruleset_id: str,
    file: UploadFile = File(..., description="member, branch, date, kind, then the kinds' fields"),
    year: str = Query(..., min_length=4, max_length=4, examples=["2026"], description="every row's date lies in it"),
    actor: Actor = Depends(require("submitter")),
    session: Session = Depends(get_session),
) -> EventList:
    content = await file.read()
    rows = await run_in_threadpool(
        member_events.import_events, session, actor, ruleset_id, year, file.filename or "events.csv", content
    )
    items = await run_in_threadpool(lambda: [_posted(session, row) for row in rows])
    return EventList(count=len(items), items=items)


@router.post(
    "/events/{event_id}/withdraw",
    status_code=201,
    response_model=EventOut,
    summary="Withdraw a wrongly posted event: a new chained record, the event itself stays",
)
def withdraw(
    ruleset_id: str,
    event_id: str,
    body: WithdrawRequest,
    actor: Actor = Depends(require("submitter")),
    session: Session = Depends(get_session),
) -> EventOut:
    return _posted(session, member_events.withdraw_event(session, actor, ruleset_id, event_id, body.reason))


@router.get("/events", response_model=EventList, summary="The stored events of a member or a branch in your subtree")
def list_events(
    ruleset_id: str,
    member: str | None = Query(None, max_length=100),
    branch: str | None = Query(None, max_length=64),
    period: str | None = Query(None, max_length=10, description="a year, a quarter, a month or a day"),
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
) -> EventList:
    rows = member_points.visible(session, actor, ruleset_id, member, branch, period)
    items = [event_out(*row) for row in rows]
    return EventList(count=len(items), items=items)


@router.get(
    "/members/{member}/points",
    response_model=MemberPointsOut,
    summary="A member's points for a period, recomputed from the stored events: JSON, or Chinese text",
    responses={200: {"content": {"application/json": {}, "text/plain": {}}}},
)
def member_points_of(
    ruleset_id: str,
    member: str,
    period: str = Query(..., max_length=10, examples=["2026"], description="a year, a quarter, a month or a day"),
    format: str = Query("json", pattern="^(json|text)$"),
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
):
    counted = member_points.member(session, actor, ruleset_id, member, period)
    if format == "text":
        return PlainTextResponse(explain_points(counted.points))
    events = [event_out(*row) for row in counted.events]
    return MemberPointsOut(points=counted.points.model_dump(mode="json"), events=events)


@router.get(
    "/branches/{unit}/points",
    response_model=BranchPointsOut,
    summary="A branch's members' points for a period and its figures (ranked only where the ruleset allows)",
)
def branch_points(
    ruleset_id: str,
    unit: str,
    period: str = Query(..., max_length=10, examples=["2026"]),
    rank: bool = Query(False, description="rank members by total: refused unless the ruleset sets ranking: true"),
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
) -> BranchPointsOut:
    found = member_points.branch(session, actor, ruleset_id, unit, period, rank)
    lines = [
        MemberLine(
            rank=found.ranks[i] if found.ranks else None,
            member=m.member,
            counted=m.counted,
            total=plain(m.total),
            line=m.line.id,
            line_title=m.line.title,
        )
        for i, m in enumerate(found.members)
    ]
    return BranchPointsOut(
        ruleset_id=ruleset_id,
        version=found.version,
        branch=found.unit.code,
        branch_name=found.unit.name,
        period=period,
        members=lines,
        figures=[BranchFigure(name=f.name, value=plain(f.value), source=f.source) for f in found.figures],
    )
