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
from decimal import Decimal

from .model import Quota, Ruleset
from .result import GradeRef, QuotaMove, Result
from .scoring import grade_check, not_reached

QUOTA_TIE = "quota_tie"


def qualifies(ruleset: Ruleset, result: Result, index: int) -> bool:
    """Whether a unit reaches a grade's min and requirements (vetoes aside)."""
    reached, failed = grade_check(ruleset.grades[index], result.total, set(result.engine["rules_fired"]))
    return reached and not failed


def _tie_value(result: Result, name: str) -> tuple[int, Decimal]:
    """Sort key of one tie-break value: present values first, larger first."""
    for dimension in result.dimensions:
        if dimension.id == name:
            return (1, dimension.contribution)
    for indicator in result.indicators:
        if indicator.id == name:
            return (0, Decimal(0)) if indicator.points is None else (1, indicator.points)
    value = result.input.get(name)
    if value is None or value == "NA":
        return (0, Decimal(0))
    return (1, Decimal(str(value)))


def ranking_key(result: Result, quota: Quota) -> tuple:
    return (result.total, *(_tie_value(result, name) for name in quota.tie_break))


def apply_quotas(ruleset: Ruleset, results: Sequence[Result]) -> list[Result]:
    """The batch's results with quotas applied (same order); unchanged when no quota."""
    if not ruleset.quotas:
        return list(results)
    by_grade = {q.grade: q for q in ruleset.quotas}
    current = list(results)
    original = [r.grade.id if r.grade else None for r in current]
    reasons: list[list[str]] = [[] for _ in current]
    tied = [False] * len(current)
    graded = sum(1 for r in current if r.grade is not None)
    for index, grade in enumerate(ruleset.grades):
        quota = by_grade.get(grade.id)
        if quota is None:
            continue
        seats = math.floor(graded * quota.share)
        holders = [i for i, r in enumerate(current) if r.grade is not None and r.grade.id == grade.id]
        if len(holders) <= seats:
            continue
        holders.sort(key=lambda i: ranking_key(current[i], quota), reverse=True)
        keep = holders[:seats]
        drop = holders[seats:]
        if seats > 0 and ranking_key(current[keep[-1]], quota) == ranking_key(current[drop[0]], quota):
            cut = ranking_key(current[drop[0]], quota)
            tie_group = [i for i in holders if ranking_key(current[i], quota) == cut]
            keep = [i for i in keep if i not in tie_group]
            drop = tie_group + [i for i in drop if i not in tie_group]
            for i in tie_group:
                tied[i] = True
        share = f"{quota.max_share}"
        for i in drop:
            why = f"{grade.title}名额 {seats} 个 (共 {graded} 个评定单位 × {share}), " + (
                "与名额线上的单位并列, 提交评审委员会决定" if tied[i] else f"本单位排名在第 {seats} 名之后"
            )
            reasons[i].append(why)
            current[i] = _moved(ruleset, current[i], index, why)
    return [_with_record(ruleset, r, original[i], reasons[i], tied[i]) for i, r in enumerate(current)]


def _moved(ruleset: Ruleset, result: Result, from_index: int, why: str) -> Result:
    """The result one grade further down: the next grade below that the unit qualifies for."""
    target = next(i for i in range(from_index + 1, len(ruleset.grades)) if qualifies(ruleset, result, i))
    fired = set(result.engine["rules_fired"])
    steps = list(result.grades_not_reached) + [not_reached(ruleset.grades[from_index], result.total, fired, quota=why)]
    steps += [not_reached(ruleset.grades[i], result.total, fired) for i in range(from_index + 1, target)]
    grade = ruleset.grades[target]
    return result.model_copy(update={"grade": GradeRef(id=grade.id, title=grade.title), "grades_not_reached": steps})


def _with_record(ruleset: Ruleset, result: Result, original: str | None, reasons: list[str], tied: bool) -> Result:
    if not reasons:
        return result
    flags = list(result.flags) + ([QUOTA_TIE] if tied else [])
    move = QuotaMove(
        from_grade=original or "",
        to_grade=result.grade.id if result.grade else None,
        reason="; ".join(reasons),
        tie=tied,
    )
    return result.model_copy(update={"quota": move, "flags": flags})
