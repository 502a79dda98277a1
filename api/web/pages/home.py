"""The start page: each person's jobs, by the roles they hold."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request

from ..session import Visitor, visitor
from ..templating import render

router = APIRouter(prefix="/ui")


@router.get("/")
def home(request: Request, found: Visitor = Depends(visitor)):
    return render(request, "home.html")
