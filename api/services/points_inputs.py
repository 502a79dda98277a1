"""Inputs a branch's ruleset declares `from_points: {ruleset, figure}`: filled, when a
submission leaves them empty, with the figure of the branch's members' points for the
period, computed from the stored events by the member points ruleset in force for the
period's year (engine.branch_figures, as `kaoping points --branch-inputs` computes it).
The source sentence goes into the result's `filled_inputs`, so its explanation says
where the value came from and verifying it keeps it. A branch without members keeps
the input empty."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.branch_figures import BranchValue
from engine.messages import say
from engine.model import Ruleset
from engine.result import FilledInput

from ..problems import ApiProblem
from ..tables import RulesetRow
from .filling import Found
from .member_events import points_version
from .member_points import figures_by_branch

Figures = dict[str, dict[str, BranchValue]]  # branch -> figure name -> value


def _wanted(ruleset: Ruleset) -> dict[str, Any]:
    return {name: spec.from_points for name, spec in ruleset.inputs.items() if spec.from_points is not None}


def _problem(name: str, key: str, **params: object) -> ApiProblem:
    message = say(key, input=name, **params)
    return ApiProblem(422, "No member points", message, [{"field": f"data.{name}", "message": message}])


def _figures(session: Session, ruleset: Ruleset, period: str, branches: list[str] | None) -> dict[str, tuple]:
    """For each points ruleset the inputs name: (its id and version, the figures by branch)."""
    found: dict[str, tuple] = {}
    for name, source in _wanted(ruleset).items():
        if source.ruleset in found:
            continue
        if session.get(RulesetRow, source.ruleset) is None:
            raise _problem(name, "points.source_unknown", ruleset=source.ruleset)
        number, points = points_version(session, source.ruleset, period[:4], field=f"data.{name}")
        found[source.ruleset] = (f"{source.ruleset}/{number}", figures_by_branch(session, points, period, branches))
    return found


def points_figures(session: Session, ruleset: Ruleset, ruleset_id: str, period: str, units: list[str]) -> Found:
    """For each `from_points` input, each branch's figure of its members' points for the
    period (api.services.filled fills the empty ones); a branch without members is not found."""
    found = _figures(session, ruleset, period, units[:1] if len(units) == 1 else None)
    out: Found = {}
    for name, source in _wanted(ruleset).items():
        named, by_branch = found[source.ruleset]
        for unit in units:
            figures = by_branch.get(unit)
            if not figures:
                continue
            if source.figure not in figures:
                raise _problem(
                    name, "points.figure_unknown", figure=source.figure, ruleset=named, names=", ".join(figures)
                )
            value = figures[source.figure]
            filled = FilledInput(input=name, period=period, source=value.source, ruleset=named)
            out.setdefault(unit, {})[name] = (value.value, filled)
    return out


def check_sources(session: Session, ruleset: Ruleset, period: str) -> None:
    """Refuse (422) a batch whose `from_points` inputs name no points ruleset in force."""
    _figures(session, ruleset, period, [])
