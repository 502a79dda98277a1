"""Rulesets and their versions: create, edit as drafts, publish, compare, test, simulate."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from engine import LoadedRuleset
from engine.indicator_table import TableError, read_table
from engine.messages import say

from .. import store
from ..auth import Actor
from ..catalog import any_loaded, loaded, remember
from ..deps import ANYONE, get_session, require
from ..jsonbody import StrictJsonRoute
from ..problems import ApiProblem
from ..schemas import (
    MAX_VERSION,
    DiffOut,
    PublishRequest,
    RulesetDetail,
    RulesetSummary,
    SimulationReport,
    TestReport,
    VersionDetail,
    VersionNumber,
    VersionSummary,
)
from ..services import ruleset_texts, ruleset_trials, versions

router = APIRouter(prefix="/rulesets", tags=["rulesets"], route_class=StrictJsonRoute)

EXAMPLE_YAML = """kaoping: 1
id: demo-stars
title: 示例星级评定
inputs:
  income: {type: number, title: 集体经济收入, unit: 万元, min: 0}
dimensions:
  - id: economy
    title: 集体经济
    indicators:
      - id: income_level
        title: 收入水平
        points: 10
        score: {bands: [{when: "income >= 5", points: 10}, {else: 0}]}
grades:
  - {id: good, title: 好, min: 8}
  - {id: fair, title: 一般}
"""

RULESET_BODY = {
    "requestBody": {
        "required": True,
        "description": "the ruleset as YAML or JSON text (see docs/ruleset-language.md)",
        "content": {
            "application/yaml": {"schema": {"type": "string"}, "example": EXAMPLE_YAML},
            "application/json": {"schema": {"type": "object"}},
        },
    }
}


async def _read_ruleset(request: Request, version: int | None = None) -> LoadedRuleset:
    return await ruleset_texts.load_posted(await request.body(), version)


def _detail(row, session: Session) -> RulesetDetail:
    listed = [VersionSummary.model_validate(v) for v in store.list_versions(session, row.id)]
    periods = versions.periods_of(session, row.id)
    return RulesetDetail.model_validate(
        {**RulesetSummary.model_validate(row).model_dump(), "versions": listed, "periods": periods}
    )


@router.post(
    "",
    status_code=201,
    response_model=RulesetDetail,
    openapi_extra=RULESET_BODY,
    summary="Create a ruleset; its version 1 is a draft until another editor publishes it",
)
async def create_ruleset(
    request: Request,
    note: str | None = Query(None, max_length=2000, description="why this ruleset was added"),
    owner: str | None = Query(None, max_length=64, description="the unit whose level owns it (default: yours)"),
    actor: Actor = Depends(require("editor")),
    session: Session = Depends(get_session),
) -> RulesetDetail:
    ruleset = await _read_ruleset(request, version=1)
    row = await run_in_threadpool(versions.create_ruleset, session, ruleset, actor, note, owner)
    remember(ruleset)
    return await run_in_threadpool(_detail, row, session)


@router.get("", response_model=list[RulesetSummary], summary="List rulesets")
def list_rulesets(_: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    return [RulesetSummary.model_validate(r) for r in store.list_rulesets(session)]


@router.get("/{ruleset_id}", response_model=RulesetDetail, summary="A ruleset and its versions")
def get_ruleset(ruleset_id: str, _: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    return _detail(store.get_ruleset(session, ruleset_id), session)


@router.post(
    "/{ruleset_id}/versions",
    status_code=201,
    response_model=VersionDetail,
    openapi_extra=RULESET_BODY,
    summary="Add a draft version (409 if base_version is not the latest)",
)
async def add_version(
    ruleset_id: str,
    request: Request,
    base_version: int | None = Query(None, ge=1, le=MAX_VERSION, description="the version this edit started from"),
    note: str | None = Query(None, max_length=2000, description="what changed and why"),
    actor: Actor = Depends(require("editor")),
    session: Session = Depends(get_session),
) -> VersionDetail:
    version = await ruleset_texts.add_posted_version(
        session, ruleset_id, await request.body(), actor, base_version, note
    )
    return await run_in_threadpool(_version_detail, session, version)


def _version_detail(session: Session, version) -> VersionDetail:
    row = store.get_ruleset(session, version.ruleset_id)
    status, in_force = versions.standing(version.number, version.published_at, versions.periods_of(session, row.id))
    parsed = any_loaded(version).model.model_dump(mode="json", by_alias=True, exclude_none=True)
    return VersionDetail.model_validate(
        {
            **VersionSummary.model_validate(version).model_dump(),
            "ruleset_id": version.ruleset_id,
            "status": status,
            "in_force_for": in_force,
            "text": version.text,
            "parsed": parsed,
        }
    )


@router.get(
    "/{ruleset_id}/versions/{number}",
    response_model=VersionDetail,
    summary="A version: the text exactly as written and the parsed form",
)
def get_version(
    ruleset_id: str,
    number: VersionNumber,
    _: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
):
    return _version_detail(session, store.get_version(session, ruleset_id, number))


@router.post(
    "/{ruleset_id}/versions/{number}/publish",
    response_model=VersionDetail,
    summary="Publish a version for periods: its tests must pass, and its author may not publish it (four eyes)",
)
def publish(
    ruleset_id: str,
    number: VersionNumber,
    body: PublishRequest,
    actor: Actor = Depends(require("editor")),
    session: Session = Depends(get_session),
):
    return _version_detail(session, versions.publish(session, ruleset_id, number, actor, body.periods))


@router.get("/{ruleset_id}/diff", response_model=DiffOut, summary="What changed between two versions")
def diff(
    ruleset_id: str,
    from_version: int = Query(..., alias="from", ge=1, le=MAX_VERSION),
    to_version: int = Query(..., alias="to", ge=1, le=MAX_VERSION),
    _: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
) -> DiffOut:
    before = loaded(store.get_version(session, ruleset_id, from_version))
    after = loaded(store.get_version(session, ruleset_id, to_version))
    return ruleset_trials.diff_report(ruleset_id, before, from_version, after, to_version)


@router.post(
    "/{ruleset_id}/versions/{number}/test", response_model=TestReport, summary="Run a version's embedded tests"
)
def test_version(
    ruleset_id: str,
    number: VersionNumber,
    _: Actor = Depends(require("editor", "auditor")),
    session: Session = Depends(get_session),
) -> TestReport:
    return ruleset_trials.test_report(ruleset_id, any_loaded(store.get_version(session, ruleset_id, number)), number)


@router.post(
    "/{ruleset_id}/versions/{number}/simulate",
    response_model=SimulationReport,
    summary="Re-score your subtree's current records of the last published version with this one (stores nothing)",
)
def simulate(
    ruleset_id: str,
    number: VersionNumber,
    period: str | None = Query(None, max_length=50, description="only the scores of this period"),
    parent: str | None = Query(None, max_length=200, description="only the units of this parent (jurisdiction)"),
    actor: Actor = Depends(require("editor", "auditor")),
    session: Session = Depends(get_session),
) -> SimulationReport:
    candidate = loaded(store.get_version(session, ruleset_id, number))
    return ruleset_trials.simulation(session, actor, ruleset_id, candidate, number, period, parent)


@router.post(
    "/{ruleset_id}/versions/table",
    status_code=201,
    response_model=VersionDetail,
    summary="Add a draft version from an Excel indicator table (409 if base_version is not the latest)",
)
async def add_version_from_table(
    ruleset_id: str,
    file: UploadFile = File(..., description="an indicator table, .xlsx (see docs/editor-tools.md)"),
    base_version: int | None = Query(None, ge=1, le=MAX_VERSION, description="the version this edit started from"),
    note: str | None = Query(None, max_length=2000, description="what changed and why"),
    actor: Actor = Depends(require("editor")),
    session: Session = Depends(get_session),
) -> VersionDetail:
    await run_in_threadpool(store.get_ruleset, session, ruleset_id)
    content = await file.read()
    try:
        _, ruleset = await run_in_threadpool(read_table, content, file.filename)
    except TableError as error:
        raise ApiProblem(
            422,
            "Invalid indicator table",
            say("detail.table_refused", name=file.filename or say("table.name"), count=len(error.problems)),
            [{"path": file.filename or "(file)", "message": p} for p in error.problems],
        ) from None
    version = await run_in_threadpool(versions.add_version, session, ruleset_id, ruleset, actor, base_version, note)
    return await run_in_threadpool(_version_detail, session, version)
