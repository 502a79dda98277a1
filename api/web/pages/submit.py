"""Filling in one unit's data for a ruleset: the form of the version in force for the
chosen period, posted through the same service as `POST /rulesets/{id}/scores`; every
problem is shown beside its field, all at once, with what was typed kept."""

from __future__ import annotations

import functools
from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from engine import InputError
from engine.inputs import validate_input
from engine.messages import say

from ... import store
from ...deps import get_session
from ...problems import ApiProblem
from ...schemas import ScoreRequest, UnitIn
from ...services import scoring, stages, units, versions
from ..forms import NA_PREFIX, form_data, input_groups
from ..session import Visitor, role
from ..templating import BEIJING, render

router = APIRouter(prefix="/ui")
MAX_UNITS = 2000  # offered in the unit select; a larger subtree is typed by code


def _periods(session: Session, ruleset_id: str) -> list[str]:
    return sorted((p for p in versions.periods_of(session, ruleset_id) if p != versions.ANY_PERIOD), reverse=True)


def _default_period(periods: list[str]) -> str:
    return periods[0] if periods else str(datetime.now(BEIJING).year)


def _in_force(session: Session, ruleset_id: str, period: str):
    """The compiled version in force for the period and its number; ApiProblem if none."""
    number = versions.official_version(session, ruleset_id, period, None)
    return store.compiled_version(session, store.version_key(session, ruleset_id, number)), number


def _in_force_or_why(session: Session, ruleset_id: str, period: str):
    """(ruleset, number, None), or (None, None, the problems of the period) when the period
    is not one or no version is in force for it."""
    problem = versions.period_problem(period) if period else say("page.period_required")
    if problem:
        return None, None, [{"field": "period", "message": problem}]
    try:
        return (*_in_force(session, ruleset_id, period), None)
    except ApiProblem as refused:
        if refused.problem.status != 422:
            raise
        return None, None, [e.model_dump() for e in refused.problem.errors]


def _shown_version(session: Session, ruleset_id: str, period: str):
    """(ruleset, number, why): the version whose form is shown for the period; the default
    period's (the latest named, else this year) when none is in force for it (why says so)."""
    ruleset, number, why = _in_force_or_why(session, ruleset_id, period)
    fallback = _default_period(_periods(session, ruleset_id))
    if ruleset is None and fallback != period:
        ruleset, number, _ = _in_force_or_why(session, ruleset_id, fallback)
    return ruleset, number, why


def _page(request: Request, session: Session, found: Visitor, ruleset_id: str, period: str, errors=(), **state):
    """The form of the version in force for the period, or of the latest period named
    when none is (the reason then stands beside the period field)."""
    row = store.get_ruleset(session, ruleset_id)
    periods = _periods(session, ruleset_id)
    ruleset, number, why = _shown_version(session, ruleset_id, period)
    errors = list(errors) or (why or [])
    fields = {"unit", "period", *(ruleset.model.inputs if ruleset else ())}
    beside, general = _sorted_out(errors, fields)
    count, offered = units.list_units(session, found.actor, None, 0, MAX_UNITS, roles=("submitter",))
    context = {
        "ruleset": row,
        "version": number,
        "groups": input_groups(ruleset) if ruleset else [],
        "period": period,
        "periods": periods,
        "units": offered,
        "units_cut": count > len(offered),
        "unit": state.get("unit", ""),
        "values": state.get("values", {}),
        "problems": beside,
        "general": general,
        "na_prefix": NA_PREFIX,
        "stage": state.get("stage", ""),
    }
    return render(request, "submit.html", context, status=422 if errors else 200)


@router.get("/rulesets/{ruleset_id}/submit")
def submit_form(
    request: Request,
    ruleset_id: str,
    period: str | None = Query(None, max_length=50),
    unit: str = Query("", max_length=200),
    stage: str = Query("", max_length=100),
    found: Visitor = Depends(role("submitter")),
    session: Session = Depends(get_session),
):
    chosen = period or _default_period(_periods(session, ruleset_id))
    response = _page(request, session, found, ruleset_id, chosen, unit=unit, stage=stage)
    response.status_code = 200  # a period without a version is said beside its field, not refused
    return response


def _sorted_out(errors, fields: set[str]) -> tuple[dict[str, list[str]], list[str]]:
    """Problems beside the field they name; the others above the form."""
    beside: dict[str, list[str]] = {}
    general: list[str] = []
    for item in errors:
        name = "unit" if item.get("field") in ("unit.id", "unit") else item.get("field")
        if name in fields:
            beside.setdefault(name, []).append(item["message"])
        else:
            general.append(item["message"])
    return beside, general


@router.post("/rulesets/{ruleset_id}/submit")
async def submit(
    request: Request,
    ruleset_id: str,
    found: Visitor = Depends(role("submitter")),
    session: Session = Depends(get_session),
):
    form = await request.form()
    period = str(form.get("period", "")).strip()[:50]
    unit = str(form.get("unit", "")).strip()[:200]
    stage = str(form.get("stage", "")).strip()[:100]
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    target, errors = await run_in_threadpool(_score, session, ruleset_id, period, unit, form, found, stage)
    if errors:
        page = functools.partial(_page, unit=unit, values=values, stage=stage)
        return await run_in_threadpool(page, request, session, found, ruleset_id, period, errors)
    return RedirectResponse(target, status_code=303)


def _score(session: Session, ruleset_id: str, period: str, unit: str, form, found: Visitor, stage: str):
    """(the page to go to, []) or (None, every problem): those the form finds before
    scoring (no unit, no usable period) come with every problem of the data, at once.
    Sent from the stage page (docs/stages.md) the form takes the first stage, and goes
    back to the stage page; else it scores the unit outside the stages."""
    store.get_ruleset(session, ruleset_id)  # an unknown ruleset is a 404 page
    ruleset, _, errors = _shown_version(session, ruleset_id, period)
    errors = list(errors or [])
    data = form_data(ruleset, form) if ruleset else {}
    if not unit:
        errors.append({"field": "unit", "message": say("page.choose_unit")})
    if errors:
        if ruleset is not None:
            try:
                validate_input(ruleset.model, data)
            except InputError as error:
                errors.extend(p.model_dump() for p in error.problems)
        return None, errors
    try:
        if stage:
            stages.act(session, found.actor, ruleset_id, unit, period, stage, stages.Act(data=data))
            return f"/ui/stages/{ruleset_id}/{unit}/{period}", []
        body = ScoreRequest(unit=UnitIn(id=unit), period=period, data=data)
        document = {"unit": {"id": unit}, "period": period, "data": data}
        record, _, _ = scoring.score_and_store(
            session, ruleset_id, body, data, found.actor, None, scoring.request_hash(ruleset_id, document), via="web"
        )
    except ApiProblem as problem:
        if problem.problem.status not in (403, 404, 409, 422):
            raise
        listed = [e.model_dump() for e in problem.problem.errors]
        return None, listed or [{"message": problem.problem.detail or problem.problem.title}]
    return f"/ui/scores/{record.id}", []
