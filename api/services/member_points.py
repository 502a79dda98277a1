"""Members' points for a period, recomputed from the stored events alone by the engine
(engine.points), with the member points ruleset in force for the period's year; and the
figures of a branch from its members' points (engine.branch_figures), as the CLI's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import InputError
from engine.branch_figures import BranchValue, branch_values, by_branch
from engine.events import BRANCH, DATE, KIND, MEMBER, Event, check_period, in_period, validate_event
from engine.messages import say
from engine.points import member_points
from engine.points_loader import LoadedPoints
from engine.points_members import members_points, ranks
from engine.points_result import MemberPoints

from .. import scope
from ..auth import Actor
from ..problems import ApiProblem
from ..tables import MemberEvent, Unit
from .member_events import member_branch, points_version, stored_events


@dataclass(frozen=True)
class Counted:
    """A member's points with the stored events they were computed from (ids, who, where)."""

    points: MemberPoints
    events: list[tuple[MemberEvent, dict, str | None]]


def _period(period: str) -> None:
    try:
        check_period(period)
    except InputError as error:
        message = error.problems[0].message
        raise ApiProblem(422, "Bad period", message, [{"field": "period", "message": message}]) from None


def rebuilt(ruleset: LoadedPoints, rows: list[tuple[MemberEvent, dict, str | None]]) -> list[Event]:
    """The counting events (not withdrawn) as the engine reads them, checked again by the
    version in force for the period: one refused is a 409 naming it."""
    events = []
    for row, data, withdrawn in rows:
        if withdrawn is not None:
            continue
        given = {MEMBER: data[MEMBER], BRANCH: data[BRANCH], DATE: data[DATE], KIND: data[KIND], **data["fields"]}
        try:
            events.append(validate_event(ruleset.model, given, row=data["row"]))
        except InputError as error:
            message = say(
                "points.stored_refused", id=row.id, version=ruleset.version, problem=error.problems[0].message
            )
            raise ApiProblem(409, "Stored event refused", message, [{"field": "event", "message": message}]) from None
    return events


def in_period_rows(rows, period: str):
    """The stored events (with their data) whose date lies in the period."""
    return [r for r in rows if in_period(r[1][DATE], period)]


def visible(session: Session, actor: Actor, ruleset_id: str, member_id: str | None, branch_code: str | None, period):
    """The stored events of branches in the actor's subtrees, of a member or a branch, of a period."""
    if period is not None:
        _period(period)
    where = [MemberEvent.branch.in_(select(Unit.code).where(scope.under(Unit.path, actor.paths())))]
    if member_id is not None:
        where.append(MemberEvent.member == member_id)
    if branch_code is not None:
        where.append(MemberEvent.branch == branch_code)
    rows = stored_events(session, ruleset_id, *where)
    return rows if period is None else in_period_rows(rows, period)


def member(session: Session, actor: Actor, ruleset_id: str, member_id: str, period: str) -> Counted:
    """A member of the actor's subtree, their points for the period (404 outside it)."""
    _period(period)
    branch = member_branch(session, ruleset_id, member_id)
    path = session.scalar(select(Unit.path).where(Unit.code == branch)) if branch else None
    if branch is None or path is None or not scope.covers(actor.paths(), path):
        raise ApiProblem(404, "Unknown member", say("points.unknown_member", member=member_id))
    _, ruleset = points_version(session, ruleset_id, period[:4], field="period")
    rows = stored_events(session, ruleset_id, MemberEvent.member == member_id)
    [points] = members_points(ruleset, rebuilt(ruleset, rows), period) or [_no_events(ruleset, member_id, period)]
    return Counted(points.model_copy(update={"branch": branch}), in_period_rows(rows, period))


def _no_events(ruleset: LoadedPoints, member_id: str, period: str) -> MemberPoints:
    """A member all of whose events were withdrawn: the base points of the period."""
    return member_points(
        ruleset.compiled, member_id, [], period, content_hash=ruleset.content_hash, version=ruleset.version
    )


def branch_members(session: Session, ruleset: LoadedPoints, branch: str, period: str) -> list[MemberPoints]:
    """Every member with a stored event in the branch (of any period), their points for the period."""
    rows = stored_events(session, ruleset.id, MemberEvent.branch == branch)
    return members_points(ruleset, rebuilt(ruleset, rows), period)


@dataclass(frozen=True)
class BranchPoints:
    unit: Unit
    version: int
    members: list[MemberPoints]
    ranks: list[int] | None
    figures: list[BranchValue]


def branch(session: Session, actor: Actor, ruleset_id: str, unit_code: str, period: str, rank: bool) -> BranchPoints:
    """A branch of the actor's subtree: its members' points, ranked only when the ruleset
    sets `ranking: true`, and its figures (none without members)."""
    _period(period)
    unit = scope.unit(session, actor, unit_code, field="branch")
    number, ruleset = points_version(session, ruleset_id, period[:4], field="period")
    if rank and not ruleset.model.events.ranking:
        message = say("cli.points_not_ranked", ruleset=ruleset_id)
        raise ApiProblem(422, "Ranking not allowed", message, [{"field": "rank", "message": message}])
    members = branch_members(session, ruleset, unit.code, period)
    figures = branch_values(ruleset.model, unit.code, members, period) if members else []
    if not rank:
        return BranchPoints(unit, number, members, None, figures)
    ordered = sorted(members, key=lambda m: (-m.total, m.member))
    return BranchPoints(unit, number, ordered, ranks(ordered), figures)


def figures_by_branch(
    session: Session, ruleset: LoadedPoints, period: str, branches: list[str] | None
) -> dict[str, dict[str, BranchValue]]:
    """The named figures of each branch (of those listed; None: all) with members, for the period."""
    where = [] if branches is None else [MemberEvent.branch.in_(branches)]
    members = members_points(ruleset, rebuilt(ruleset, stored_events(session, ruleset.id, *where)), period)
    return {
        branch: {v.name: v for v in branch_values(ruleset.model, branch, group, period)}
        for branch, group in by_branch(members).items()
    }
