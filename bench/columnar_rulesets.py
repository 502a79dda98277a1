"""The shipped rulesets the columnar path newly scores (outputs, ballots with a division by
an input, relative indicators), each as a batch of seeded random units scored both ways
in interleaved rounds: medians of wall and CPU seconds, and their ratio.

- plain: engine.batch.run_batch in one process, what `kaoping batch --workers 1` runs;
- columnar: the same with `columnar=True` (its default cross-check of max(20, 1%) units).

The first round checks that both batches report the same summary and every unit the same
figures. CPU time is the process's and its children's (no pool is started with one worker).

    python bench/columnar_rulesets.py [--units 5000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from engine.batch import run_batch  # noqa: E402
from engine.columnar.check import differing  # noqa: E402
from engine.pool import UnitRow  # noqa: E402
from engine.result import UnitRef  # noqa: E402
from tests.golden_units import random_units, shipped_rulesets  # noqa: E402

RULESETS = ("village-cadre-pay", "township-secretary-review", "county-relative-appraisal")


def cpu_seconds() -> float:
    children = os.times()
    return time.process_time() + children.children_user + children.children_system


def timed(run) -> tuple[object, float, float]:
    """(result, wall seconds, CPU seconds) of `run()`."""
    gc.collect()
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = run()
    return result, time.perf_counter() - wall, cpu_seconds() - cpu


def rows_of(ruleset, count: int) -> list[UnitRow]:
    units = random_units(random.Random(17), ruleset, count)
    return [UnitRow(row=n + 2, unit=UnitRef(id=f"u{n}"), data=unit["data"]) for n, unit in enumerate(units)]


def same(plain, columnar) -> None:
    """Both batches report the same: summary and every unit's figures."""
    counts = columnar.summary.pop("columnar")
    assert columnar.summary == plain.summary
    columnar_units = {u.row: u for u in columnar.units}
    assert columnar_units.keys() == {u.row for u in plain.units}
    different = [u.row for u in plain.units if differing(columnar_units[u.row].scored, u.scored) is not None]
    assert [(u.row, u.rank, u.parent_rank) for u in plain.units] == [
        (u.row, u.rank, u.parent_rank) for u in columnar.units
    ]
    assert not different, different[:5]
    columnar.summary["columnar"] = counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=5_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    loaded = shipped_rulesets()
    print(f"{'ruleset':<28} {'path':<9} {'wall s':>7} {'cpu s':>7} {'µs/unit':>8}")
    for name in RULESETS:
        ruleset = loaded[name]
        rows = rows_of(ruleset, args.units)
        run_batch(ruleset, rows[:100], workers=1, columnar=True)  # warm up both paths
        times: dict[str, list[tuple[float, float]]] = {"plain": [], "columnar": []}
        plain_batch = partial(run_batch, ruleset, rows, workers=1)
        columnar_batch = partial(run_batch, ruleset, rows, workers=1, columnar=True)
        for round_ in range(args.rounds):
            plain, wall, cpu = timed(plain_batch)
            times["plain"].append((wall, cpu))
            columnar, wall, cpu = timed(columnar_batch)
            times["columnar"].append((wall, cpu))
            if round_ == 0:
                same(plain, columnar)
                counts = columnar.summary["columnar"]
            del plain, columnar
        medians = {}
        for path, found in times.items():
            wall, cpu = statistics.median(w for w, _ in found), statistics.median(c for _, c in found)
            medians[path] = (wall, cpu)
            print(f"{name:<28} {path:<9} {wall:7.2f} {cpu:7.2f} {wall / len(rows) * 1e6:8.1f}")
        (plain_wall, plain_cpu), (col_wall, col_cpu) = medians["plain"], medians["columnar"]
        print(
            f"{name:<28} ratio (plain / columnar): wall {plain_wall / col_wall:.1f}x, cpu {plain_cpu / col_cpu:.1f}x;"
            f" {len(rows)} units, figures equal, {counts}"
        )


if __name__ == "__main__":
    main()
