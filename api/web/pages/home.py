"""The start page: each person's jobs, by the roles they hold."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from ... import store
from ...deps import get_session
from ..session import Visitor, visitor
from ..templating import render

router = APIRouter(prefix="/ui")


@router.get("/")
def home(request: Request, found: Visitor = Depends(visitor), session: Session = Depends(get_session)):
    published = [r for r in store.scoring_rulesets(session) if r.published_version is not None]
    return render(request, "home.html", {"published": published})
