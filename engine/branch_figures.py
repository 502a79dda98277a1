"""A branch's figures from its members' points for a period, as named values a
branch's submission can take as inputs, each with the sentence that says where it
came from (which members, which period, which sum).

- `member_count`: the members of the branch in the events file;
- `member_points_coverage_pct`: the share of them, in %, with at least one counted event;
- `member_points_average`: their average total;
- `member_points_<line>_pct`, for each line but the last: the share, in %, whose total
  reached that line (or a higher one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from .decimals import Exact, plain, quotient, round_half_up, total
from .messages import say
from .points_model import PointsRuleset
from .points_result import MemberPoints

HUNDRED = Decimal(100)
FIGURE = re.compile(r"member_count|member_points_coverage_pct|member_points_average|member_points_[a-z][a-z0-9_]*_pct")
FIGURE_NAMES = ("member_count", "member_points_coverage_pct", "member_points_average", "member_points_<line>_pct")
INTEGER_FIGURES = ("member_count",)
PLACES = 2  # the figures are written rounded half up to 2 places, their exact value in the source


@dataclass(frozen=True)
class BranchValue:
    name: str
    value: Decimal
    exact: Exact
    source: str


def _share(part: int, whole: int) -> Exact:
    return quotient(Decimal(part) * HUNDRED, Decimal(whole))


def branch_values(
    ruleset: PointsRuleset, branch: str, members: list[MemberPoints], period: str | None
) -> list[BranchValue]:
    """The named values of one branch (members: its members' points for the period)."""
    count = len(members)
    period_text = period or say("points.explain.all_periods")
    common = {"branch": branch, "period": period_text, "count": count}

    def value(name: str, exact: Exact, key: str, **params: object) -> BranchValue:
        shown = plain(round_half_up(exact, PLACES))
        source = say(key, **common, **params, value=shown)
        return BranchValue(name, round_half_up(exact, PLACES), exact, source)

    covered = sum(1 for m in members if m.counted)
    found = [
        value("member_count", Decimal(count), "branch.member_count"),
        value("member_points_coverage_pct", _share(covered, count), "branch.coverage", covered=covered),
        value(
            "member_points_average",
            quotient(total(m.total for m in members), Decimal(count)),
            "branch.average",
            sum=plain(total(m.total for m in members)),
        ),
    ]
    order = [line.id for line in ruleset.events.lines]
    for index, line in enumerate(ruleset.events.lines[:-1]):
        reached = sum(1 for m in members if order.index(m.line.id) <= index)
        found.append(
            value(
                f"member_points_{line.id}_pct",
                _share(reached, count),
                "branch.line_share",
                line=line.title,
                reached=reached,
            )
        )
    return found


def by_branch(members: list[MemberPoints]) -> dict[str, list[MemberPoints]]:
    """Members grouped by branch, branches in order of their ids (no branch: left out)."""
    groups: dict[str, list[MemberPoints]] = {}
    for member in members:
        if member.branch is not None:
            groups.setdefault(member.branch, []).append(member)
    return dict(sorted(groups.items()))
