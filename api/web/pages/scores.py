"""The auditor's pages: score records searched and paged, one record with how its total
was built, its verification, its receipt and its unit's history."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from engine import Result
from engine.explain import ballot_lines, flag_reason, not_reached_reasons, rounded_total, veto_reason
from engine.messages import say
from engine.reach import what_it_takes

from ... import scope, store
from ...deps import ANYONE, get_session
from ...problems import ApiProblem
from ...routes.scores import receipt_response
from ...services import provenance, records, rectification
from ...services.records import Criteria
from ..scorecard import field_title, grade_title, indicator_table, stored_text, total_text, waterfall
from ..session import Visitor, role
from ..templating import render

router = APIRouter(prefix="/ui")
PAGE_SIZE = 50
SEARCHED = ("ruleset", "unit", "under", "period", "grade", "superseded")


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value else None


@router.get("/scores")
def score_list(
    request: Request,
    ruleset: str | None = Query(None, max_length=100),
    unit: str | None = Query(None, max_length=200),
    under: str | None = Query(None, max_length=200),
    period: str | None = Query(None, max_length=50),
    grade: str | None = Query(None, max_length=100),
    superseded: bool = Query(False),
    page: int = Query(1, ge=1, le=1_000_000),
    found: Visitor = Depends(role(*ANYONE)),
    session: Session = Depends(get_session),
):
    asked = {
        "ruleset": _clean(ruleset),
        "unit": _clean(unit),
        "under": _clean(under),
        "period": _clean(period),
        "grade": _clean(grade),
    }
    criteria = Criteria(**asked, superseded=superseded, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    problem, result = None, records.Found(0, [])
    try:
        result = records.search(session, found.actor, criteria)
    except ApiProblem as refused:  # an unknown or outside subtree: said beside its field
        if refused.problem.status != 404:
            raise
        problem = refused.problem.detail
    rulesets = store.scoring_rulesets(session)
    models = records.models(session, result.records)
    query = {k: v for k, v in asked.items() if v} | ({"superseded": "true"} if superseded else {})
    context = {
        "asked": asked,
        "superseded": superseded,
        "problem": problem,
        "found": result,
        "rulesets": rulesets,
        "ruleset_titles": {r.id: r.title for r in rulesets},
        "grades": records.grade_choices(session, rulesets),
        "totals": {r.id: total_text(r, models) for r in result.records},
        "grade_of": lambda record: grade_title(record, models),
        "page": page,
        "pages": max(1, -(-result.total // PAGE_SIZE)),
        "link": lambda number: "/ui/scores?" + urlencode({**query, "page": number}),
    }
    return render(request, "scores.html", context, status=422 if problem else 200)


def _record_page(request: Request, session: Session, found: Visitor, score_id: str) -> dict:
    record = scope.record(session, found.actor, score_id)
    loaded = records.version_of(session, record)
    result = Result.model_validate(record.result)
    wording = loaded.compiled.wording
    history = records.history(session, found.actor, record)
    models = records.models(session, history)
    return {
        "record": record,
        "result": result,
        "ruleset_title": loaded.model.title,
        "total": rounded_total(result),
        "current": store.current_record(session, record.ruleset_id, record.unit_id, record.period) == record.id,
        "superseded_by": store.superseded_by(session, record.id),
        "sections": indicator_table(result, wording),
        "waterfall": waterfall(result),
        "ballots": [[line.strip() for line in ballot_lines(b, result.precision)] for b in result.ballots],
        "vetoes": [(veto, veto_reason(veto, wording)) for veto in result.vetoes],
        "flags": [
            (flag, say(f"severity.{flag.severity}"), flag_reason(flag, wording)) for flag in result.raised_flags or ()
        ],
        "declares_flags": result.raised_flags is not None,
        "not_reached": [
            (step, not_reached_reasons(step, result.precision, wording)) for step in result.grades_not_reached
        ],
        "history": [
            {
                "id": r.id,
                "period": r.period,
                "total": float(total_text(r, models)),
                "label": total_text(r, models),
                "grade": grade_title(r, models),
                "this": r.id == record.id,
            }
            for r in history
        ],
        "can_verify": found.actor.holds("auditor"),
        "rectification": rectification.views(session, rectification.opened_by(session, record.id)),
        "filled": [
            (wording.title(f.input), record.input.get(f.input), f.source)
            for f in result.filled_inputs or ()
            if f.source
        ],
        "inputs": provenance.sources(session, found.actor, record.id)["inputs"],
    }


@router.get("/scores/{score_id}")
def score_page(
    request: Request, score_id: str, found: Visitor = Depends(role(*ANYONE)), session: Session = Depends(get_session)
):
    return render(request, "score.html", _record_page(request, session, found, score_id))


@router.post("/scores/{score_id}/verify")
def verify(
    request: Request, score_id: str, found: Visitor = Depends(role("auditor")), session: Session = Depends(get_session)
):
    check = records.verify(session, found.actor, score_id)
    return render(request, "fragments/verify.html", {"check": check, "field": field_title, "text": stored_text})


@router.get("/scores/{score_id}/reach")
def reach(
    request: Request, score_id: str, found: Visitor = Depends(role(*ANYONE)), session: Session = Depends(get_session)
):
    """What it takes to reach each higher grade: searched on request, after the page
    (the search scores the unit many times; the page itself scores nothing)."""
    record = scope.record(session, found.actor, score_id)
    result = Result.model_validate(record.result)
    advised = what_it_takes(records.version_of(session, record), record.input, result)
    return render(
        request, "fragments/reach.html", {"steps": advised.grades_not_reached, "value": provenance.value_text}
    )


@router.get("/scores/{score_id}/receipt")
def receipt(score_id: str, found: Visitor = Depends(role(*ANYONE)), session: Session = Depends(get_session)):
    record, document = records.receipt(session, found.actor, score_id)
    return receipt_response(record, document)
