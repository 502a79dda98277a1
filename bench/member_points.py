"""Member points for a county: 30,000 members with 40 events each for a year, through
durable_rules (one session a member, one fact an event), against the plain scoring of
the same members as units (`engine.score`, inputs = each member's category sums, the
categories' caps as adjustment caps; it has no period cap). Rounds interleave the two, so that both meet the
same machine; medians of the rounds' units/s, CPU time beside wall time.

    python bench/member_points.py [--members 30000] [--events 40] [--rounds 10]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

# run as a script, this folder comes first on sys.path and this file would shadow
# the `engine` package: put the repository root there instead
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from engine import load_ruleset, score  # noqa: E402
from engine.decimals import json_number, total  # noqa: E402
from engine.events import validate_event  # noqa: E402
from engine.expressions import evaluate, holds  # noqa: E402
from engine.points import member_points  # noqa: E402
from engine.points_loader import load_points_file  # noqa: E402
from engine.points_model import PointsRuleset  # noqa: E402

RULESET = ROOT / "rulesets" / "party-member-points.yaml"
FIELDS = {
    "meeting": lambda r: {
        "form": r.choice(["支部党员大会", "支部委员会", "党小组会", "党课"]),
        "late": r.random() < 0.1,
    },
    "themed_day": lambda r: {},
    "volunteer": lambda r: {"hours": Decimal(r.randint(0, 16)) / 2},
    "paired_visit": lambda r: {"households": r.randint(1, 6)},
    "leading_project": lambda r: {"beneficiaries": r.randint(0, 20)},
    "honour": lambda r: {"level": r.choice(["县级", "市级", "省级以上"])},
    "absence": lambda r: {},
    "violation": lambda r: {"sanction": r.choice(["批评教育", "诫勉", "党内警告", "党内严重警告"])},
}
WEIGHTS = [30, 12, 20, 10, 3, 2, 5, 1]


def member_events(seed: int, count: int) -> list[dict]:
    """One member's events for 2026, as rows of an events file would give them."""
    r = random.Random(seed)
    kinds = r.choices(list(FIELDS), weights=WEIGHTS, k=count)
    return [
        {
            "member": f"M{seed:05d}",
            "date": f"2026-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}",
            "kind": k,
            **FIELDS[k](r),
        }
        for k in kinds
    ]


def plain_ruleset(points: PointsRuleset) -> dict:
    """The same members scored as plain units: the base as one indicator, each category's
    sum as an input counted by an adjustment item under the category's cap."""
    events = points.events
    groups = []
    for category in events.categories:
        limit = category.cap if category.cap is not None else category.floor
        group = {
            "id": category.id,
            "title": category.title,
            "items": [
                {"id": f"{category.id}_points", "title": category.title, "per": f"{category.id}_sum", "points": 1}
            ],
        }
        if limit is not None:
            group["cap"] = json_number(limit)
        groups.append(group)
    return {
        "kaoping": 1,
        "id": "member-points-as-units",
        "title": points.title,
        "precision": points.precision,
        "inputs": {f"{c.id}_sum": {"type": "number", "title": c.title} for c in events.categories},
        "dimensions": [
            {
                "id": "base_dimension",
                "title": "基础分",
                "indicators": [
                    {
                        "id": "base",
                        "title": "基础分",
                        "points": json_number(events.base),
                        "score": {"formula": str(events.base)},
                    }
                ],
            }
        ],
        "adjustments": groups,
        "grades": [
            {"id": line.id, "title": line.title, **({"min": json_number(line.min)} if line.min is not None else {})}
            for line in events.lines
        ],
    }


def sums(points: PointsRuleset, events) -> dict:
    """A member's category sums from validated events (what a plain unit submits)."""
    by_category = {c.id: [] for c in points.events.categories}
    for event in events:
        kind = points.events.kind(event.kind)
        by_category[kind.category].append(kind_points(kind, event))
    return {f"{c}_sum": total(values) for c, values in by_category.items()}


def kind_points(kind, event):
    if kind.when is not None and not holds(kind.when.root, event.values):
        return Decimal(0)
    return evaluate(kind.points.root, event.values)


def timed(run, items) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    for item in items:
        run(item)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=30000)
    parser.add_argument("--events", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    loaded = load_points_file(RULESET)
    model = loaded.model
    plain = load_ruleset(json.dumps(plain_ruleset(model), ensure_ascii=False))
    count = args.members * args.events
    print(f"{args.members:,} members x {args.events} events ({count:,} events), {args.rounds} interleaved rounds")
    began = time.perf_counter()
    members = [[validate_event(model, e) for e in member_events(seed, args.events)] for seed in range(args.members)]
    validation = time.perf_counter() - began
    units = [sums(model, events) for events in members]
    print(f"events validated: {args.members * args.events / validation:,.0f} events/s")
    check = member_points(loaded.compiled, members[0][0].member, members[0])
    plain_check = score(plain, units[0])
    print(f"member M00000: {check.total} ({check.line.title})", end="; ")
    print(f"as a plain unit {plain_check.total} ({plain_check.grade.title})")

    def points_run(events) -> None:
        member_points(loaded.compiled, events[0].member, events)

    def plain_run(unit) -> None:
        score(plain, unit)

    size = max(1, args.members // args.rounds)
    rates: dict[str, list[float]] = {"points": [], "points_cpu": [], "plain": [], "plain_cpu": []}
    for start in range(0, size * args.rounds, size):
        chunk = slice(start, start + size)
        wall, cpu = timed(points_run, members[chunk])
        rates["points"].append(size / wall)
        rates["points_cpu"].append(size / cpu)
        wall, cpu = timed(plain_run, units[chunk])
        rates["plain"].append(size / wall)
        rates["plain_cpu"].append(size / cpu)
    median = {name: statistics.median(values) for name, values in rates.items()}
    print()
    print(f"members/s (median of {args.rounds} rounds of {size:,} members), one process:     wall       cpu")
    label = f"member points through durable_rules, {args.events} events each"
    print(f"  {label:<48}: {median['points']:9.0f} {median['points_cpu']:9.0f}")
    print(f"  plain scoring of the same members as units      : {median['plain']:9.0f} {median['plain_cpu']:9.0f}")
    wall_ratio = median["points"] / median["plain"]
    cpu_ratio = median["points_cpu"] / median["plain_cpu"]
    print(f"  member points / plain scoring = {wall_ratio:.2f} (wall), {cpu_ratio:.2f} (cpu)")
    county = args.members / median["points"]
    print(f"  the county's {args.members:,} members: {county:.0f} s through durable_rules")


if __name__ == "__main__":
    main()
