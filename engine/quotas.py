"""Grade quotas across a batch (比例控制), exactly as the ruleset format says.

A grade has floor(graded units × max_share) seats; disqualified units do not count.
Holders are ranked by rounded total, then by the quota's `tie_break` values (each
descending, exact, "NA" last). Those beyond the seats drop to the next grade they
qualify for; units tied across the cut all drop and are flagged `quota_tie` for the
appraisal committee. Quotas apply from the highest grade down, so a unit dropped
from one grade competes for the next. Each moved unit's result says why.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import Quota, Ruleset
from .result import GradeRef, QuotaMove, Result
from .scored import Standing, standing_of
from .scoring import not_reached

QUOTA_TIE = "quota_tie"


@dataclass
class QuotaDecision:
    """How quotas moved one unit: each grade it dropped from (and why), and whether it
    was tied across a cut."""

    original: str | None
    drops: list[tuple[int, str]] = field(default_factory=list)
    tied: bool = False


def ranking_key(standing: Standing, quota: Quota) -> tuple:
    return (standing.total, *(standing.tie_values[name] for name in quota.tie_break))


def decide_quotas(ruleset: Ruleset, standings: Sequence[Standing]) -> dict[int, QuotaDecision]:
    """Which units the quotas move (by position in `standings`), reading figures only."""
    by_grade = {q.grade: q for q in ruleset.quotas}
    index_of = {g.id: i for i, g in enumerate(ruleset.grades)}
    current = [None if s.grade is None else index_of[s.grade] for s in standings]
    decisions: dict[int, QuotaDecision] = {}
    graded = sum(1 for s in standings if s.grade is not None)
    for index, grade in enumerate(ruleset.grades):
        quota = by_grade.get(grade.id)
        if quota is None:
            continue
        seats = math.floor(graded * quota.share)
        holders = [i for i, g in enumerate(current) if g == index]
        if len(holders) <= seats:
            continue
        holders.sort(key=lambda i: ranking_key(standings[i], quota), reverse=True)
        keep, drop = holders[:seats], holders[seats:]
        tie_group: set[int] = set()
        cut = ranking_key(standings[drop[0]], quota)
        if seats > 0 and ranking_key(standings[keep[-1]], quota) == cut:
            tie_group = {i for i in holders if ranking_key(standings[i], quota) == cut}
            drop = [i for i in holders if i in tie_group] + [i for i in drop if i not in tie_group]
        share = f"{quota.max_share}"
        for i in drop:
            decision = decisions.setdefault(i, QuotaDecision(standings[i].grade))
            decision.tied = decision.tied or i in tie_group
            place = "与名额线上的单位并列, 提交评审委员会决定" if decision.tied else f"本单位排名在第 {seats} 名之后"
            decision.drops.append((index, f"{grade.title}名额 {seats} 个 (共 {graded} 个评定单位 × {share}), {place}"))
            current[i] = next(j for j in range(index + 1, len(ruleset.grades)) if standings[i].reaches[j])
    return decisions


def apply_decision(ruleset: Ruleset, result: Result, decision: QuotaDecision) -> Result:
    """The result as the quotas left it: its grade, why each grade above was not
    given, and a record of the move (flagged `quota_tie` when tied across a cut)."""
    fired = set(result.engine["rules_fired"])
    reaches = standing_of(ruleset, result).reaches
    steps = list(result.grades_not_reached)
    for from_index, why in decision.drops:
        target = _next_reached(ruleset, reaches, from_index)
        steps.append(not_reached(ruleset.grades[from_index], result.total, fired, quota=why))
        steps += [not_reached(ruleset.grades[i], result.total, fired) for i in range(from_index + 1, target)]
    move = quota_move(ruleset, reaches, decision)
    grade = ruleset.grades[ruleset.grade_index(move.to_grade)]
    return result.model_copy(
        update={
            "grade": GradeRef(id=grade.id, title=grade.title),
            "grades_not_reached": steps,
            "quota": move,
            "flags": list(result.flags) + ([QUOTA_TIE] if decision.tied else []),
        }
    )


def quota_move(ruleset: Ruleset, reaches: Sequence[bool], decision: QuotaDecision) -> QuotaMove:
    """The record of a unit's move, from the grades it reaches: what a batch's figures
    need of it, without the unit's full result."""
    target = _next_reached(ruleset, reaches, decision.drops[-1][0])
    return QuotaMove(
        from_grade=decision.original or "",
        to_grade=ruleset.grades[target].id,
        reason="; ".join(why for _, why in decision.drops),
        tie=decision.tied,
    )


def _next_reached(ruleset: Ruleset, reaches: Sequence[bool], from_index: int) -> int:
    return next(i for i in range(from_index + 1, len(ruleset.grades)) if reaches[i])


def apply_quotas(ruleset: Ruleset, results: Sequence[Result]) -> list[Result]:
    """The batch's results with quotas applied (same order); unchanged when no quota."""
    if not ruleset.quotas:
        return list(results)
    decisions = decide_quotas(ruleset, [standing_of(ruleset, r) for r in results])
    return [apply_decision(ruleset, r, decisions[i]) if i in decisions else r for i, r in enumerate(results)]
