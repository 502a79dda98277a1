"""Rectification items (docs/rectification.md): the list per jurisdiction, one item with
its chained history, and marking one done. Logic lives in api.services.rectification."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from ..auth import Actor
from ..deps import ANYONE, get_session, require
from ..jsonbody import StrictJsonRoute
from ..schemas import RectificationDetail, RectificationDone, RectificationList, RectificationOut
from ..services import rectification

router = APIRouter(tags=["rectification"], route_class=StrictJsonRoute)


@router.get(
    "/rectification",
    response_model=RectificationList,
    summary="Rectification items of your subtrees, soonest due first, by unit, ruleset, period, state or days to due",
)
def list_items(
    under: str | None = Query(None, max_length=200, description="the code of a unit whose subtree is listed"),
    ruleset: str | None = Query(None, max_length=100),
    period: str | None = Query(None, max_length=50),
    state: str | None = Query(None, max_length=20, description="open, overdue or done"),
    within: int | None = Query(None, description="open items due within this many days, with the overdue"),
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
):
    day = rectification.today()
    filters = rectification.Filters(under=under, ruleset=ruleset, period=period, state=state, within=within)
    items = rectification.views(session, rectification.listed(session, actor, filters, day), day)
    return RectificationList(as_of=day.isoformat(), count=len(items), items=items)


@router.get("/rectification/{item_id}", response_model=RectificationDetail, summary="One item, with its history")
def get_item(item_id: str, actor: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    item = rectification.get_item(session, actor, item_id)
    [view] = rectification.views(session, [item])
    return {**view, "history": rectification.history(session, item)}


@router.post(
    "/rectification/{item_id}/done",
    response_model=RectificationOut,
    summary="Mark an open item done, with the evidence of what was done",
)
def mark_done(
    item_id: str,
    body: RectificationDone,
    actor: Actor = Depends(require("submitter", "reviewer", "admin")),
    session: Session = Depends(get_session),
):
    item = rectification.mark_done(session, actor, item_id, body.evidence)
    [view] = rectification.views(session, [item])
    return view
