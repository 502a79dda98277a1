"""What relative indicators cost a batch: the synthetic 50-indicator ruleset with three of
its indicators scored relative to the batch (by rank, in proportion to the best, against
the mean) against the same ruleset with those three scored by `linear`, on the same units.

Rounds are interleaved (plain, relative, plain, ...) so both meet the same machine; the
medians are printed, wall time beside CPU time, in one process (workers=1) so the CPU
time is the whole cost.

    python bench/relative.py [--units 25000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import copy
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.synthetic import ruleset_dict, submissions  # noqa: E402
from engine import load_ruleset  # noqa: E402
from engine.batch import run_batch  # noqa: E402
from engine.pool import UnitRow  # noqa: E402
from engine.result import UnitRef  # noqa: E402

RELATIVE = (
    {"of": "x0", "method": "rank", "step": 0.01, "floor": 0},
    {"of": "x1", "method": "best"},
    {"of": "x2", "method": "mean", "direction": "lower", "at_mean": 1, "per": 0.02},
)


def rulesets() -> tuple[dict, dict]:
    """(plain, relative): the first three indicators linear, or relative to the batch."""
    plain, relative = ruleset_dict(), ruleset_dict()
    for index, method in enumerate(RELATIVE):
        plain["dimensions"][0]["indicators"][index]["score"] = {
            "linear": {"of": f"x{index}", "zero_at": 0, "full_at": 100}
        }
        relative["dimensions"][0]["indicators"][index]["score"] = {"relative": copy.deepcopy(method)}
    relative["id"] = "synthetic-50-relative"
    return plain, relative


def timed(ruleset, rows) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one batch in this process."""
    wall, cpu = time.perf_counter(), time.process_time()
    report = run_batch(ruleset, rows, workers=1, batch_name="bench")
    assert len(report.units) + report.summary["error_rows"] == len(rows)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=25_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    plain_text, relative_text = (json.dumps(r, ensure_ascii=False) for r in rulesets())
    plain, relative = load_ruleset(plain_text), load_ruleset(relative_text)
    rows = [UnitRow(n, UnitRef(id=f"v{n:06d}"), data) for n, data in enumerate(submissions(args.units), start=1)]
    runs: dict[str, list[tuple[float, float]]] = {"plain": [], "relative": []}
    for _ in range(args.rounds):
        runs["plain"].append(timed(plain, rows))
        runs["relative"].append(timed(relative, rows))
    medians = {
        name: (statistics.median(w for w, _ in r), statistics.median(c for _, c in r)) for name, r in runs.items()
    }
    print(f"{args.units} villages, {args.rounds} interleaved rounds, medians, one process")
    for name, (wall, cpu) in medians.items():
        print(f"  {name:9} {args.units / wall:10,.0f} units/s   wall {wall:7.2f} s   CPU {cpu:7.2f} s")
    wall_ratio = medians["relative"][0] / medians["plain"][0]
    cpu_ratio = medians["relative"][1] / medians["plain"][1]
    print(f"  relative ÷ plain: wall {wall_ratio:.3f}×, CPU {cpu_ratio:.3f}×")


if __name__ == "__main__":
    main()
