"""The rulesets and their versions: which is a draft, which is in force for which
periods, who wrote and who published each; links to edit and to submit."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from ... import store
from ...deps import ANYONE, get_session
from ...services import versions
from ..session import Visitor, role
from ..templating import render

router = APIRouter(prefix="/ui")


def listed_versions(session: Session, ruleset_id: str) -> list[dict]:
    """Each version, the newest first, with its standing."""
    periods = versions.periods_of(session, ruleset_id)
    shown = []
    for version in reversed(store.list_versions(session, ruleset_id)):
        status, in_force = versions.standing(version.number, version.published_at, periods)
        shown.append({"row": version, "status": status, "in_force": in_force})
    return shown


@router.get("/rulesets")
def ruleset_list(request: Request, found: Visitor = Depends(role(*ANYONE)), session: Session = Depends(get_session)):
    rulesets = [{"row": row, "versions": listed_versions(session, row.id)} for row in store.list_rulesets(session)]
    editor = found.actor.holds("editor")
    return render(request, "editor/list.html", {"rulesets": rulesets, "editor": editor, "nav": "rulesets"})
