"""One stage taken for a whole jurisdiction (docs/stages.md): every unit of a subtree
whose turn it is at the stage accepts its data as the stage before had it. Each unit is
its own step, written on its own: one unit refused does not hold back the others."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.messages import say
from engine.unit_kinds import KIND_OF

from ..auth import Actor
from ..problems import ApiProblem
from ..tables import Unit
from . import stages


@dataclass
class SubtreeReport:
    taken: list[dict[str, str]] = field(default_factory=list)  # unit, step (event id), record
    skipped: list[dict[str, str]] = field(default_factory=list)  # unit, detail: why not
    not_started: int = 0  # units of the subtree at the first stage's level with no step for the period


def accept_under(
    session: Session, actor: Actor, ruleset_id: str, top_code: str, period: str, stage_id: str
) -> SubtreeReport:
    top = stages.opening(session, actor, top_code, period)
    units = session.execute(
        select(Unit.code, Unit.kind).where(Unit.path.startswith(top.path, autoescape=True)).order_by(Unit.path)
    ).all()
    _, ruleset = stages.ruleset_for(session, ruleset_id, period, [])
    if stages.stage_index(ruleset.model.stages, stage_id) == 0:
        raise ApiProblem(422, "First stage", say("stage.subtree_first", stage=ruleset.model.stages[0].title))
    appraised = KIND_OF[ruleset.model.stages[0].level]  # the township itself is not waited for
    report = SubtreeReport()
    for code, kind in units:
        if not stages.steps_of(session, ruleset_id, code, period):
            report.not_started += kind == appraised
            continue
        try:
            event = stages.act(session, actor, ruleset_id, code, period, stage_id, stages.Act())
        except ApiProblem as refused:
            report.skipped.append({"unit": code, "detail": refused.problem.detail or refused.problem.title})
        else:
            report.taken.append({"unit": code, "step": event["id"], "record": event["data"]["record"]})
    return report
