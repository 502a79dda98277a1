"""The editor's page of a ruleset: its YAML in CodeMirror, checked as one types, and the
trials of the text in the editor (embedded tests, the diff against the published
version, the replay of stored scores), saving it as a draft and publishing a version.
Every answer comes from the same services the API uses."""

from __future__ import annotations

import json
import re
from dataclasses import asdict

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from engine.impact import NO_GRADE
from engine.messages import say

from ... import store
from ...catalog import loaded
from ...deps import get_session
from ...schemas import MAX_VERSION, VersionNumber
from ...services import ruleset_texts, ruleset_trials, versions
from ..session import Visitor, role
from ..templating import render

router = APIRouter(prefix="/ui/rulesets/{ruleset_id}")
editor = role("editor")
PERIOD_SEPARATORS = re.compile(r"[\s,，、;；]+")


@router.get("/edit")
def edit_page(
    request: Request,
    ruleset_id: str,
    version: int | None = Query(None, ge=1, le=MAX_VERSION, description="the version to open (default: the latest)"),
    found: Visitor = Depends(editor),
    session: Session = Depends(get_session),
):
    row = store.get_ruleset(session, ruleset_id)
    opened = store.get_version(session, ruleset_id, version or row.latest_version)
    status, in_force = versions.standing(opened.number, opened.published_at, versions.periods_of(session, row.id))
    context = {"row": row, "opened": opened, "status": status, "in_force": in_force, "nav": "rulesets"}
    return render(request, "editor/edit.html", context)


@router.post("/check")
async def check(request: Request, ruleset_id: str, found: Visitor = Depends(editor)):
    """What `kaoping check` says of the text in the editor, each problem on its line."""
    return JSONResponse(asdict(await ruleset_texts.check_text(await request.body(), ruleset_id)))


@router.post("/trial/tests")
async def run_tests(request: Request, ruleset_id: str, found: Visitor = Depends(editor)):
    candidate = await ruleset_texts.load_posted(await request.body())
    report = await run_in_threadpool(ruleset_trials.test_report, ruleset_id, candidate, None)
    return render(request, "editor/tests.html", {"report": report, "names": _element_titles(candidate)})


ELEMENTS = (
    "input",
    "output",
    "dimension",
    "indicator",
    "adjustment",
    "adjustment_item",
    "veto",
    "grade",
    "quota",
    "flag",
    "stage",
    "consistency",
    "ruleset",
)
FIGURES = ("total", "grade", "status", "vetoes")


def element_words() -> dict[str, str]:
    return {kind: say(f"element.{kind}") for kind in ELEMENTS}


def _element_titles(ruleset) -> dict[str, str]:
    """What a test compares (`total`, `dimensions.<id>`, `indicators.<id>`), as a clerk names it."""
    titles = {figure: say(f"figure.{figure}") for figure in FIGURES}
    for dimension in ruleset.model.dimensions:
        titles[f"dimensions.{dimension.id}"] = say("page.dimension_named", title=dimension.title)
        for indicator in dimension.indicators:
            titles[f"indicators.{indicator.id}"] = say("page.indicator_named", title=indicator.title)
    return titles


@router.post("/trial/diff")
async def diff_published(
    request: Request, ruleset_id: str, found: Visitor = Depends(editor), session: Session = Depends(get_session)
):
    candidate = await ruleset_texts.load_posted(await request.body())
    report = await run_in_threadpool(_diff_with_published, session, ruleset_id, candidate)
    return render(request, "editor/diff.html", {"report": report, "elements": element_words()})


def _diff_with_published(session: Session, ruleset_id: str, candidate):
    """The candidate against the published version (None when nothing is published)."""
    row = store.get_ruleset(session, ruleset_id)
    if not row.published_version:
        return None
    published = loaded(store.get_version(session, ruleset_id, row.published_version))
    return ruleset_trials.diff_report(ruleset_id, published, row.published_version, candidate, None)


def _reasons(changes) -> dict[str, str]:
    """The replay names the changes that touched a unit as `element id`: in words."""
    words = element_words()
    return {
        f"{c.element} {c.id}": say("page.element_changed", element=words.get(c.element, c.element), title=c.title)
        for c in changes
    }


def _replayed_against(session: Session, ruleset_id: str, candidate, report):
    """The rulesets a replay's grades are titled from (the published one first) and, per
    changed element, the words that name the change."""
    if not report.published_version:
        return [candidate], {}
    published = loaded(store.get_version(session, ruleset_id, report.published_version))
    diff = ruleset_trials.diff_report(ruleset_id, published, report.published_version, candidate, None)
    return [published, candidate], _reasons(diff.changes)


def _grade_titles(*rulesets) -> dict[str, str]:
    """Grade id -> title, in the order the rulesets list their grades (the best first)."""
    return {grade.id: grade.title for ruleset in rulesets for grade in ruleset.model.grades}


@router.post("/trial/replay")
async def replay(
    request: Request,
    ruleset_id: str,
    period: str | None = Query(None, max_length=50),
    found: Visitor = Depends(editor),
    session: Session = Depends(get_session),
):
    candidate = await ruleset_texts.load_posted(await request.body())
    report = await run_in_threadpool(
        ruleset_trials.simulation, session, found.actor, ruleset_id, candidate, None, period or None
    )
    rulesets, reasons = await run_in_threadpool(_replayed_against, session, ruleset_id, candidate, report)
    titles = _grade_titles(*rulesets)
    order = [*titles, NO_GRADE]
    sources = [g for g in order if g in report.matrix]
    targets = [g for g in order if any(g in row for row in report.matrix.values())]
    chart = {"matrix": report.matrix, "titles": titles, "sources": sources, "targets": targets}
    context = {
        "report": report,
        "titles": titles,
        "sources": sources,
        "targets": targets,
        "reasons": reasons,
        "chart": json.dumps(chart, ensure_ascii=False).replace("</", "<\\/"),
    }
    return render(request, "editor/replay.html", context)


@router.post("/draft")
async def save_draft(
    request: Request,
    ruleset_id: str,
    base_version: int = Query(..., ge=1, le=MAX_VERSION),
    note: str | None = Query(None, max_length=2000),
    found: Visitor = Depends(editor),
    session: Session = Depends(get_session),
):
    version = await ruleset_texts.add_posted_version(
        session, ruleset_id, await request.body(), found.actor, base_version, note or None
    )
    return render(request, "editor/saved.html", {"version": version}, status=201)


@router.post("/versions/{number}/publish")
def publish(
    request: Request,
    ruleset_id: str,
    number: VersionNumber,
    periods: str = Form("", max_length=500),
    found: Visitor = Depends(editor),
    session: Session = Depends(get_session),
):
    named = [p for p in PERIOD_SEPARATORS.split(periods) if p]
    version = versions.publish(session, ruleset_id, number, found.actor, named)
    return render(request, "editor/published.html", {"version": version, "periods": named})
