"""What changed between two versions of a ruleset, in the appraisal's own terms.

Indicators, bands, points, weights, caps, vetoes, grades, inputs, outputs and ballots added,
removed or changed, plus the reachable total range before and after, so an editor
(or an auditor) sees what a new version means without reading a text diff.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from .checks import total_range
from .messages import say
from .model import Ruleset


class Change(BaseModel):
    element: str  # input | dimension | indicator | adjustment(_item) | veto | grade | output | quota | ballot | flag
    id: str
    title: str
    change: str  # added | removed | changed
    details: list[str] = []


class RulesetDiff(BaseModel):
    changes: list[Change]
    total_range_before: tuple[Decimal, Decimal]
    total_range_after: tuple[Decimal, Decimal]


def _shown(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "—" if value is None else str(value)


def _field_changes(before: dict, after: dict, skip: tuple[str, ...] = ()) -> list[str]:
    details = []
    for key in sorted(set(before) | set(after)):
        if key in skip or before.get(key) == after.get(key):
            continue
        details.append(f"{key}: {_shown(before.get(key))} → {_shown(after.get(key))}")
    return details


def _compare(element: str, before: dict[str, dict], after: dict[str, dict], skip=(), detail=None) -> list[Change]:
    changes = []
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        title = (new or old).get("title", key)
        if old is None:
            changes.append(Change(element=element, id=key, title=title, change="added", details=_summary(new)))
        elif new is None:
            changes.append(Change(element=element, id=key, title=title, change="removed", details=_summary(old)))
        else:
            details = detail(old, new) if detail else _field_changes(old, new, skip)
            if details:
                changes.append(Change(element=element, id=key, title=title, change="changed", details=details))
    return sorted(changes, key=lambda c: (c.change, c.id))


def _summary(item: dict) -> list[str]:
    return [f"{k}: {_shown(v)}" for k, v in item.items() if k not in ("title", "id") and v not in (None, [], {})]


def _indicator_details(old: dict, new: dict) -> list[str]:
    details = _field_changes(old, new, skip=("score",))
    old_score, new_score = old["score"], new["score"]
    old_method = next(k for k, v in old_score.items() if v is not None)
    new_method = next(k for k, v in new_score.items() if v is not None)
    if old_method != new_method:
        details.append(f"method: {old_method} → {new_method}")
        return details
    if old_method != "bands":
        if old_score[old_method] != new_score[new_method]:
            details.append(f"{old_method}: {_shown(old_score[old_method])} → {_shown(new_score[new_method])}")
        return details
    old_bands, new_bands = old_score["bands"], new_score["bands"]
    for index in range(max(len(old_bands), len(new_bands))):
        a = old_bands[index] if index < len(old_bands) else None
        b = new_bands[index] if index < len(new_bands) else None
        if a != b:
            details.append(f"bands[{index}]: {_band(a)} → {_band(b)}")
    return details


def _band(band: dict | None) -> str:
    if band is None:
        return "—"
    if band.get("else") is not None:
        return f"else {band['else']}"
    return f"{band['when']} → {band['points']}"


def _indicators(rs: Ruleset) -> dict[str, dict]:
    return {
        ind.id: {**ind.model_dump(mode="json", by_alias=True, exclude_none=False), "dimension": dim.id}
        for dim, ind in rs.indicators()
    }


def _items(rs: Ruleset) -> dict[str, dict]:
    return {f"{group.id}.{item.id}": item.model_dump(mode="json") for group in rs.adjustments for item in group.items}


def diff_rulesets(before: Ruleset, after: Ruleset) -> RulesetDiff:
    def dump(items, key="id"):
        return {getattr(i, key): i.model_dump(mode="json", exclude={"indicators", "items"}) for i in items}

    changes: list[Change] = []
    changes += _compare(
        "input",
        {k: v.model_dump(mode="json") for k, v in before.inputs.items()},
        {k: v.model_dump(mode="json") for k, v in after.inputs.items()},
    )
    changes += _compare("dimension", dump(before.dimensions), dump(after.dimensions))
    changes += _compare("indicator", _indicators(before), _indicators(after), detail=_indicator_details)
    changes += _compare("adjustment", dump(before.adjustments), dump(after.adjustments))
    changes += _compare("adjustment_item", _items(before), _items(after))
    changes += _compare("veto", dump(before.vetoes), dump(after.vetoes))
    changes += _compare("grade", dump(before.grades), dump(after.grades))
    changes += _compare(
        "output",
        {k: v.model_dump(mode="json") for k, v in before.outputs.items()},
        {k: v.model_dump(mode="json") for k, v in after.outputs.items()},
    )
    changes += _compare("quota", dump(before.quotas, "grade"), dump(after.quotas, "grade"))
    changes += _compare("ballot", dump(before.ballots), dump(after.ballots))
    changes += _compare("flag", dump(before.flags), dump(after.flags))
    changes += _compare("stage", dump(before.stages), dump(after.stages))
    changes += _compare("rectification", dump(before.rectification), dump(after.rectification))
    changes += _compare(
        "consistency",
        {str(i): r.model_dump(mode="json") for i, r in enumerate(before.consistency)},
        {str(i): r.model_dump(mode="json") for i, r in enumerate(after.consistency)},
    )
    order_before, order_after = [g.id for g in before.grades], [g.id for g in after.grades]
    if order_before != order_after and set(order_before) == set(order_after):
        changes.append(
            Change(
                element="grade",
                id="(order)",
                title=say("diff.grade_order"),
                change="changed",
                details=[f"{' > '.join(order_before)} → {' > '.join(order_after)}"],
            )
        )
    for field in ("precision", "title", "description", "subject", "period"):
        if getattr(before, field) != getattr(after, field):
            changes.append(
                Change(
                    element="ruleset",
                    id=field,
                    title=field,
                    change="changed",
                    details=[f"{field}: {_shown(getattr(before, field))} → {_shown(getattr(after, field))}"],
                )
            )
    return RulesetDiff(changes=changes, total_range_before=total_range(before), total_range_after=total_range(after))
