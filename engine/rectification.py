"""Rectification items (extension, docs/rectification.md): which of a ruleset's declared
items a scored result opens. Read from the result as it is stored (its JSON form), so a
single score, a batch row and a stage's step are judged alike, and again when a later
score supersedes them."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import Any

from .decimals import Exact, exact_text, parse_exact
from .messages import listing, say
from .model import Rectification, Ruleset

TITLE_NAMES = ("unit", "period")


def title_problem(title: str) -> str | None:
    """Why an item's title cannot be filled in (an unknown name, a lone brace), or None."""
    try:
        names = [name for _, name, spec, conversion in string.Formatter().parse(title) if name is not None]
    except ValueError:
        return say("semantic.rectification_title_braces", title=title)
    unknown = [name for name in names if name not in TITLE_NAMES]
    if unknown:
        return say("semantic.rectification_title_name", name=unknown[0], names=listing(TITLE_NAMES))
    return None


@dataclass(frozen=True)
class Opening:
    """An item a result warrants: the declared item, its title filled in, and why."""

    item: Rectification
    title: str
    because: str


def _points(value: Any) -> Exact | None:
    return None if value is None else parse_exact(str(value))


def _because(item: Rectification, result: dict[str, Any]) -> str | None:
    """Why the result opens the item, or None when it does not."""
    if item.indicator is not None:
        found = next((i for i in result["indicators"] if i["id"] == item.indicator), None)
        points = _points(found["points"]) if found is not None else None
        if points is None:  # not applicable: nothing to rectify
            return None
        line = item.below
        if line is None and points == 0:
            return say("rectification.because_no_points", indicator=found["title"])
        if line is not None and points < line:
            shown = exact_text(points)
            return say("rectification.because_below", indicator=found["title"], points=shown, line=exact_text(line))
        return None
    if item.deduction is not None:
        for group in result["adjustments"]:
            for applied in group["items"]:
                if applied["id"] == item.deduction and applied["applied"]:
                    return say("rectification.because_deduction", item=applied["title"], points=applied["points"])
        return None
    veto = next((v for v in result["vetoes"] if v["id"] == item.veto), None)
    return say("rectification.because_veto", veto=veto["title"]) if veto is not None else None


def openings(ruleset: Ruleset, result: dict[str, Any], period: str) -> list[Opening]:
    """The declared items the result warrants, in the order written."""
    unit = result.get("unit") or {}
    names = {"unit": unit.get("name") or unit.get("id") or "", "period": period}
    found = []
    for item in ruleset.rectification:
        because = _because(item, result)
        if because is not None:
            found.append(Opening(item, item.title.format(**names), because))
    return found
