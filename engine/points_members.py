"""Many members' points at once: each member's events grouped and computed for the
period, and ranks when a ruleset allows ranking (the CLI's events file and the
service's stored events alike)."""

from __future__ import annotations

from collections.abc import Iterable

from .events import Event
from .points import member_points
from .points_loader import LoadedPoints
from .points_result import MemberPoints


def members_points(loaded: LoadedPoints, events: Iterable[Event], period: str | None) -> list[MemberPoints]:
    """Every member of the events (in order of their ids) with their points for the period."""
    grouped: dict[str, list] = {}
    for event in events:
        grouped.setdefault(event.member, []).append(event)
    results = []
    for member in sorted(grouped):
        mine = grouped[member]
        result = member_points(
            loaded.compiled, member, mine, period, content_hash=loaded.content_hash, version=loaded.version
        )
        branch = next((e.branch for e in mine if e.branch), None)
        results.append(result.model_copy(update={"branch": branch}))
    return results


def ranks(results: list[MemberPoints]) -> list[int]:
    """1, 2, 2, 4 …: members with equal totals share a rank (results sorted by total, highest first)."""
    found: list[int] = []
    for index, result in enumerate(results):
        same = index and result.total == results[index - 1].total
        found.append(found[-1] if same else index + 1)
    return found
