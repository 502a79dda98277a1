"""`kaoping check` for a member points ruleset: likely mistakes that are not errors."""

from __future__ import annotations

from .decimals import plain
from .messages import say
from .points_model import PointsRuleset


def points_warnings(ruleset: PointsRuleset) -> list[str]:
    """A category no kind of event gives points to, and a line no total can reach."""
    events = ruleset.events
    warnings = []
    used = {kind.category for kind in events.kinds}
    for category in events.categories:
        if category.id not in used:
            warnings.append(say("points.check.unused_category", category=category.title))
    for line in events.lines:
        if line.min is None:
            continue
        if events.cap is not None and line.min > events.cap:
            warnings.append(
                say("points.check.line_above_cap", line=line.title, min=plain(line.min), cap=plain(events.cap))
            )
    return warnings
