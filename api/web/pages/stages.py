"""The stages pages (docs/stages.md): a unit's stages with each step's differences and,
for the holder of the due stage's grant, the forms to accept, to change values with a
reason each, or to send the unit back; and the list of what awaits whom. Every read and
every step goes through api.services.stages and stage_views, as the API's do."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from engine.tabular import convert
from engine.unit_kinds import level_title

from ... import store
from ...deps import ANYONE, get_session
from ...problems import ApiProblem
from ...services import stage_views, stages, versions, workdays
from ...services.filled import source_of
from ..forms import input_groups
from ..session import Visitor, role
from ..templating import render

router = APIRouter(prefix="/ui")
MAX_LISTED = 2000  # units on the list page; a larger subtree is narrowed by the ruleset's level
NEW, REASON = "new.", "reason."  # the edit form's boxes per input
REFUSED = (403, 404, 409, 422)  # a step the service refuses is said on the page


def _address(ruleset_id: str, unit: str, period: str) -> str:
    return f"/ui/stages/{ruleset_id}/{unit}/{period}"


@router.get("/stages")
def stage_list(
    request: Request,
    ruleset: str | None = Query(None, max_length=100),
    period: str | None = Query(None, max_length=50),
    found: Visitor = Depends(role(*ANYONE)),
    session: Session = Depends(get_session),
):
    period = (period or "").strip() or str(workdays.today().year)
    staged = _staged(session, period)
    chosen = (ruleset or "").strip() or (staged[0].id if staged else None)
    problem, listing = None, {"count": 0, "units": []}
    if chosen:
        try:
            listing = stage_views.awaiting(session, found.actor, chosen, period, MAX_LISTED)
        except ApiProblem as refused:
            if refused.problem.status not in REFUSED:
                raise
            problem = refused.problem.detail
    offered = staged or store.scoring_rulesets(session)
    context = {"rulesets": offered, "ruleset": chosen, "period": period, "problem": problem, **listing}
    return render(request, "stages_list.html", context, status=422 if problem else 200)


def _staged(session: Session, period: str) -> list:
    """The rulesets whose version in force for the period has stages (none when the period
    is not one: the list then says why)."""
    if versions.period_problem(period):
        return []
    shown = []
    for row in store.scoring_rulesets(session):
        try:
            stages.ruleset_for(session, row.id, period, [])
        except ApiProblem as refused:
            if refused.problem.status not in REFUSED:
                raise
            continue
        shown.append(row)
    return shown


def _page(request: Request, session: Session, found: Visitor, ruleset_id: str, unit_code: str, period: str, **state):
    """The unit's stages and, for the holder of the due stage, its form; `state` carries
    what was typed and the service's refusal when a step was refused."""
    view = stage_views.unit_stages(session, found.actor, ruleset_id, unit_code, period)
    unit = stages.opening(session, found.actor, unit_code, period)
    taken = stages.steps_of(session, ruleset_id, unit.code, period)
    _, ruleset = stages.ruleset_for(session, ruleset_id, period, taken)
    model = ruleset.model
    due = next((i for i, s in enumerate(model.stages) if s.id == view["due"]), None)
    mine = due is not None and stages.holds(session, found.actor, model.stages[due], unit)
    base = store.get_score(session, view["current"]).input if view["current"] else {}
    titles = {name: spec.title for name, spec in model.inputs.items()}
    context = {
        **view,
        "unit_name": unit.name,
        "ruleset": store.get_ruleset(session, ruleset_id),
        "due_index": due,
        "due_stage": model.stages[due] if due is not None else None,
        "mine": mine,
        "groups": [_rows(group, base) for group in input_groups(ruleset)] if mine else [],
        "titles": titles,
        "filled": [name for name, spec in model.inputs.items() if source_of(spec)],
        "units": {name: spec.unit for name, spec in model.inputs.items() if spec.unit},
        "stage_titles": {s.id: s.title for s in model.stages},
        "level_titles": {s.id: level_title(s.level) for s in model.stages},
        "grade_titles": {g.id: g.title for g in model.grades},
        "typed": state.get("typed", {}),
        "beside": state.get("beside", {}),
        "refusal": state.get("refusal"),
        "return_reason": state.get("return_reason", ""),
        "return_problem": state.get("return_problem"),
        "address": _address(ruleset_id, unit.code, period),
    }
    return render(request, "stages.html", context, status=state.get("status", 200))


@router.get("/stages/{ruleset_id}/{unit}/{period}")
def unit_stages(
    request: Request,
    ruleset_id: str,
    unit: str,
    period: str,
    found: Visitor = Depends(role(*ANYONE)),
    session: Session = Depends(get_session),
):
    return _page(request, session, found, ruleset_id, unit, period)


def _rows(group, base: dict[str, Any]) -> dict[str, Any]:
    """One chapter of the edit form: each input with its value as the due stage has it."""
    rows = [{"id": f.id, "spec": f.spec, "old": base.get(f.id), "source": source_of(f.spec)} for f in group.fields]
    return {"title": group.title, "rows": rows}


def _changes(model, form) -> tuple[dict[str, Any], dict[str, str]]:
    """The values typed in the new-value boxes, as their inputs' types, and the reasons."""
    changes: dict[str, Any] = {}
    reasons: dict[str, str] = {}
    for name, spec in model.inputs.items():
        raw, reason = form.get(NEW + name), form.get(REASON + name)
        value = convert(spec, raw) if isinstance(raw, str) else None
        if value is not None:
            changes[name] = value
        if isinstance(reason, str) and reason.strip():
            reasons[name] = reason
    return changes, reasons


def _typed(form) -> dict[str, str]:
    return {k: v for k, v in form.items() if isinstance(v, str) and k.startswith((NEW, REASON))}


def _refused(refused: ApiProblem, fields) -> dict[str, Any]:
    """The service's refusal: each problem of one input beside it, the rest above the form."""
    beside: dict[str, list[str]] = {}
    for error in refused.problem.errors:
        name = (error.field or "").removeprefix("reasons.").removeprefix("changes.")
        if name in fields:
            beside.setdefault(name, []).append(error.message)
    general = refused.problem.detail if not beside else None
    return {"beside": beside, "refusal": general, "status": refused.problem.status}


@router.post("/stages/{ruleset_id}/{unit}/{period}/act")
async def take(
    request: Request,
    ruleset_id: str,
    unit: str,
    period: str,
    found: Visitor = Depends(role(*ANYONE)),
    session: Session = Depends(get_session),
):
    """Accept (nothing changed) or change values, each with its reason, as the due stage."""
    form = await request.form()
    return await run_in_threadpool(_take, request, session, found, ruleset_id, unit, period, form)


def _take(request: Request, session: Session, found: Visitor, ruleset_id: str, unit: str, period: str, form):
    """The stage taken from the form read (database work: in the thread pool)."""
    stage = str(form.get("stage", ""))[:100]
    taken = stages.steps_of(session, ruleset_id, unit, period)
    model = stages.ruleset_for(session, ruleset_id, period, taken)[1].model
    changes, reasons = _changes(model, form)
    given = stages.Act(changes=changes, reasons=reasons) if changes or reasons else stages.Act()
    try:
        stages.act(session, found.actor, ruleset_id, unit, period, stage, given)
    except ApiProblem as refused:
        if refused.problem.status not in REFUSED:
            raise
        state = _refused(refused, model.inputs)
        return _page(request, session, found, ruleset_id, unit, period, typed=_typed(form), **state)
    return RedirectResponse(_address(ruleset_id, unit, period), status_code=303)


@router.post("/stages/{ruleset_id}/{unit}/{period}/return")
async def send_back(
    request: Request,
    ruleset_id: str,
    unit: str,
    period: str,
    found: Visitor = Depends(role(*ANYONE)),
    session: Session = Depends(get_session),
):
    """Send the unit back to the stage before, with the reason typed."""
    form = await request.form()
    stage, reason = str(form.get("stage", ""))[:100], str(form.get("reason", ""))
    return await run_in_threadpool(_send_back, request, session, found, ruleset_id, unit, period, stage, reason)


def _send_back(request, session: Session, found: Visitor, ruleset_id: str, unit: str, period: str, stage, reason):
    try:
        stages.send_back(session, found.actor, ruleset_id, unit, period, stage, reason)
    except ApiProblem as refused:
        if refused.problem.status not in REFUSED:
            raise
        state = {"return_problem": refused.problem.detail, "status": refused.problem.status}
        return _page(request, session, found, ruleset_id, unit, period, return_reason=reason, **state)
    return RedirectResponse(_address(ruleset_id, unit, period), status_code=303)
