"""Impact of a draft: stored scores replayed under it, quotas decided again per batch.

A grade a quota moved is part of the stored grade, so a replay that ignored quotas
would report every such unit as moved even against the very same version. Here each
stored batch is rescored whole under the draft and its quotas re-decided with
`engine.quotas.apply_quotas` (the batch's own rule); a unit scored alone had no quota
and gets none. The report is a from→to grade matrix, the units that moved with the
rule changes (from `engine.diff`) that touched their figures, and the change in each
dimension's mean.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from . import score
from .decimals import approx, parse_exact
from .diff import Change, diff_rulesets
from .errors import InputError
from .loader import LoadedRuleset
from .messages import say
from .model import Ruleset
from .quotas import apply_quotas
from .relative import Own, own_values_of_data, references
from .result import Reference, Result

NO_GRADE = "—"


@dataclass(frozen=True)
class StoredScore:
    """A stored score as a replay reads it: the unit, what it submitted, what it got."""

    score_id: str
    unit: dict[str, Any]
    period: str
    batch_id: str | None
    submitted: dict[str, Any]
    result: dict[str, Any]  # the stored result JSON


class ReplayedUnit(BaseModel):
    score_id: str
    unit_id: str
    parent: str | None
    period: str
    batch_id: str | None
    old_total: str
    old_grade: str | None
    new_total: str | None
    new_grade: str | None
    quota: str | None = None  # the quota move the draft decides, if any
    changes: list[str] = []  # the rule changes that touched this unit's figures: "indicator income_level",
    # or say("impact.quota_redecided") when the batch's quotas, decided again, moved it differently
    error: str | None = None


class DimensionMean(BaseModel):
    id: str
    title: str
    before: Decimal | None
    after: Decimal | None
    change: Decimal | None


class ImpactReport(BaseModel):
    units: int
    changed_grade: int
    errors: int
    matrix: dict[str, dict[str, int]]  # from grade -> to grade -> units (unchanged units on the diagonal)
    moved: list[ReplayedUnit]
    dimension_means: list[DimensionMean]
    notes: list[str]
    items: list[ReplayedUnit]


def _grade_of(result: dict | Result) -> str | None:
    grade = result.grade if isinstance(result, Result) else result.get("grade")
    if grade is None:
        return None
    return grade.id if isinstance(result, Result) else grade["id"]


def _rescore(draft: LoadedRuleset, records: list[StoredScore]) -> dict[str, Result | InputError]:
    """Each record's result under the draft; a batch's quotas decided again over the batch.
    Under relative indicators a batch's units are placed again among each other under the
    draft; a unit scored alone keeps the reference batch it was scored against, placed as
    it was recorded (the other units of that batch are not replayed)."""
    references = _draft_references(draft, records)
    outcomes: dict[str, Result | InputError] = {}
    for record in records:
        try:
            reference = references.get(record.score_id)
            outcomes[record.score_id] = score(draft, record.submitted, unit=record.unit, reference=reference)
        except InputError as error:
            outcomes[record.score_id] = error
    return outcomes


def _draft_references(draft: LoadedRuleset, records: list[StoredScore]) -> dict[str, Reference]:
    model = draft.model
    if not model.relative_indicators():
        return {}
    found: dict[str, Reference] = {}
    by_batch: dict[str, dict[str, Own]] = defaultdict(dict)
    for record in records:
        if record.batch_id is None:
            if record.result.get("reference"):
                found[record.score_id] = Reference.model_validate(record.result["reference"])
            continue
        own = own_values_of_data(model, record.submitted, record.unit.get("id"))
        if own is not None:
            by_batch[record.batch_id][record.score_id] = own
    for batch_id, units in by_batch.items():
        found.update(references(model, records_batch_name(records, batch_id), units))
    return found


def records_batch_name(records: list[StoredScore], batch_id: str) -> str:
    """The name a batch's stored results give it (the batch's id when none records one)."""
    for record in records:
        if record.batch_id == batch_id and record.result.get("reference"):
            return record.result["reference"]["batch"]
    return batch_id


def _with_quotas(draft: Ruleset, batch: list[StoredScore], outcomes: dict[str, Result | InputError]) -> None:
    scored = [r for r in batch if isinstance(outcomes[r.score_id], Result)]
    for record, result in zip(scored, apply_quotas(draft, [outcomes[r.score_id] for r in scored]), strict=True):
        outcomes[record.score_id] = result


def _figures(result: dict) -> dict[str, Any]:
    """What a rule change can touch, from a result as JSON."""
    return {
        "indicator": {i["id"]: i["points"] for i in result["indicators"]},
        "dimension": {d["id"]: d["contribution"] for d in result["dimensions"]},
        "adjustment_item": {f"{g['id']}.{i['id']}": i["points"] for g in result["adjustments"] for i in g["items"]},
        "adjustment": {g["id"]: g["applied"] for g in result["adjustments"]},
        "veto": {v["id"]: True for v in result["vetoes"]},
        "output": {o["id"]: o["exact"] for o in result["outputs"]},
    }


def responsible(changes: list[Change], old: dict, new: dict) -> list[str]:
    """The rule changes that touched this unit: its figure for the element differs, or
    (grades and quotas) the element is the grade it had or has."""
    before, after = _figures(old), _figures(new)
    grades = {_grade_of(old), _grade_of(new)}
    found = []
    for change in changes:
        if change.element in before:
            touched = before[change.element].get(change.id) != after[change.element].get(change.id)
        elif change.element in ("grade", "quota"):
            touched = change.id in grades or change.id == "(order)"
        else:
            touched = change.element in ("input", "consistency", "ruleset")
        if touched:
            found.append(f"{change.element} {change.id}")
    if (old.get("quota") or {}).get("to_grade") != (new.get("quota") or {}).get("to_grade"):
        found.append(say("impact.quota_redecided"))
    return found


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def replay(
    published: Ruleset,
    draft: LoadedRuleset,
    stored: Iterable[StoredScore],
    period: str | None = None,
    parent: str | None = None,
) -> ImpactReport:
    """Replay stored scores of the published version under a draft; limited to a period
    and to the units of one parent (the whole batch still decides its quotas)."""
    records = [r for r in stored if period is None or r.period == period]
    changes = diff_rulesets(published, draft.model).changes
    outcomes = _rescore(draft, records)
    batches: dict[str, list[StoredScore]] = defaultdict(list)
    for record in records:
        if record.batch_id is not None:
            batches[record.batch_id].append(record)
    for batch in batches.values():
        _with_quotas(draft.model, batch, outcomes)
    shown = [r for r in records if parent is None or r.unit.get("parent") == parent]
    items, matrix = [], defaultdict(lambda: defaultdict(int))
    old_dims: dict[str, list[Decimal]] = defaultdict(list)
    new_dims: dict[str, list[Decimal]] = defaultdict(list)
    for record in shown:
        outcome = outcomes[record.score_id]
        item = ReplayedUnit(
            score_id=record.score_id,
            unit_id=record.unit.get("id") or "",
            parent=record.unit.get("parent"),
            period=record.period,
            batch_id=record.batch_id,
            old_total=str(record.result["total"]),
            old_grade=_grade_of(record.result),
            new_total=None,
            new_grade=None,
        )
        for dim in record.result["dimensions"]:
            old_dims[dim["id"]].append(approx(parse_exact(str(dim["contribution"]))))  # "104/9" too
        if isinstance(outcome, InputError):
            item.error = "; ".join(str(p) for p in outcome.problems)
        else:
            item.new_total = str(outcome.total)
            item.new_grade = _grade_of(outcome)
            item.quota = outcome.quota.reason if outcome.quota else None
            new = outcome.model_dump(mode="json")
            item.changes = responsible(changes, record.result, new)
            for dim in outcome.dimensions:
                new_dims[dim.id].append(approx(dim.contribution))
            matrix[item.old_grade or NO_GRADE][item.new_grade or NO_GRADE] += 1
        items.append(item)
    moved = [i for i in items if i.error is None and i.old_grade != i.new_grade]
    titles = {d.id: d.title for d in published.dimensions} | {d.id: d.title for d in draft.model.dimensions}
    means = []
    for dim_id, title in titles.items():
        before, after = _mean(old_dims.get(dim_id, [])), _mean(new_dims.get(dim_id, []))
        change = after - before if before is not None and after is not None else None
        means.append(DimensionMean(id=dim_id, title=title, before=before, after=after, change=change))
    notes = [say("impact.single")] if any(r.batch_id is None for r in shown) else []
    if batches:
        notes.append(say("impact.batches", count=len(batches)))
    return ImpactReport(
        units=len(items),
        changed_grade=len(moved),
        errors=sum(1 for i in items if i.error),
        matrix={k: dict(v) for k, v in matrix.items()},
        moved=moved,
        dimension_means=means,
        notes=notes,
        items=items,
    )
