"""The rectification page (docs/rectification.md): the items of the visitor's subtrees,
filtered by state, subtree and days to the deadline, those due soon and overdue marked.
It lists what api.services.rectification lists for the API and the CLI."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from engine.messages import say

from ...deps import ANYONE, get_session
from ...problems import ApiProblem
from ...services import rectification
from ..session import Visitor, role
from ..templating import render

router = APIRouter(prefix="/ui")
SOON_DAYS = 14  # an open item due within this many days is marked as due soon


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value else None


@router.get("/rectification")
def rectification_list(
    request: Request,
    state: str | None = Query(None, max_length=20),
    under: str | None = Query(None, max_length=200),
    within: int | None = Query(None, ge=0, le=rectification.MAX_WITHIN),
    found: Visitor = Depends(role(*ANYONE)),
    session: Session = Depends(get_session),
):
    asked = {"state": _clean(state), "under": _clean(under), "within": within}
    day = rectification.today()
    problem, items = None, []
    try:
        listed = rectification.listed(session, found.actor, rectification.Filters(**asked), day)
        items = rectification.views(session, listed, day)
    except ApiProblem as refused:  # an unknown state or an outside subtree: said beside the form
        if refused.problem.status not in (404, 422):
            raise
        problem = refused.problem.detail
    context = {
        "asked": asked,
        "states": [(s, say(f"rectification.state.{s}")) for s in rectification.STATES],
        "problem": problem,
        "items": items,
        "today": day.isoformat(),
        "soon": SOON_DAYS,
    }
    return render(request, "rectification.html", context, status=422 if problem else 200)
