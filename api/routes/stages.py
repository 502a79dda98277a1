"""The stages of a unit's appraisal (docs/stages.md): taking a step, sending a unit
back, reading its stages and its timeline. Logic lives in api.services.stages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from ..auth import Actor
from ..deps import ANYONE, get_session, require
from ..jsonbody import StrictJsonRoute
from ..schemas import StageAct, StageReturn, StepOut, SubtreeReportOut, TimelineStep, UnitStagesOut
from ..services import stage_batches, stage_views, stages

router = APIRouter(tags=["stages"], route_class=StrictJsonRoute)

STAGES = "/rulesets/{ruleset_id}/units/{code}/periods/{period}/stages"
Period = Path(max_length=50, description="a year (2025) or a quarter (2025Q1)")


@router.get(STAGES, response_model=UnitStagesOut, summary="A unit's stages for a period, with each step's differences")
def unit_stages(
    ruleset_id: str,
    code: str,
    period: str = Period,
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
):
    return stage_views.unit_stages(session, actor, ruleset_id, code, period)


@router.post(
    STAGES + "/{stage}",
    status_code=201,
    response_model=StepOut,
    summary="Take the stage whose turn it is: submit the data, accept it, or change values with a reason each",
)
async def take_stage(
    ruleset_id: str,
    code: str,
    stage: str,
    body: StageAct,
    period: str = Period,
    actor: Actor = Depends(require("submitter", "reviewer")),
    session: Session = Depends(get_session),
):
    given = stages.Act(data=body.data, changes=body.changes, reasons=body.reasons)
    event = await run_in_threadpool(stages.act, session, actor, ruleset_id, code, period, stage, given)
    return await run_in_threadpool(stage_views.step, session, actor, ruleset_id, code, period, event["id"])


@router.post(
    STAGES + "/{stage}/return",
    status_code=201,
    response_model=StepOut,
    summary="Send the unit back to the stage before, with a reason",
)
def send_back(
    ruleset_id: str,
    code: str,
    stage: str,
    body: StageReturn,
    period: str = Period,
    actor: Actor = Depends(require("submitter", "reviewer")),
    session: Session = Depends(get_session),
):
    event = stages.send_back(session, actor, ruleset_id, code, period, stage, body.reason)
    return stage_views.step(session, actor, ruleset_id, code, period, event["id"])


@router.post(
    STAGES + "/{stage}/subtree",
    response_model=SubtreeReportOut,
    summary="Take a later stage for every unit of the subtree whose turn it is, accepting the data as it is",
)
def accept_under(
    ruleset_id: str,
    code: str,
    stage: str,
    period: str = Period,
    actor: Actor = Depends(require("submitter", "reviewer")),
    session: Session = Depends(get_session),
):
    return stage_batches.accept_under(session, actor, ruleset_id, code, period, stage)


@router.get(
    "/units/{code}/timeline", response_model=list[TimelineStep], summary="A unit's steps over periods and stages"
)
def timeline(code: str, actor: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    return stage_views.timeline(session, actor, code)
