"""Columnar figures against the per-unit path: a 25,000-unit synthetic batch scored both
ways in interleaved rounds, medians of wall and CPU seconds, and their ratio.

- per unit: engine.pool.score_rows, what a one-process batch runs (validation,
  durable_rules matching, the arithmetic, each result's JSON and figures);
- columnar: engine.columnar.run.score_columnar with its default cross-check (a seeded
  sample of max(20, 1%) units scored again per unit and compared); JSON made on demand.

Every columnar unit's figures are compared with the per-unit ones in the first round.
The cyclic collector is off while either runs, as in a batch (engine.batch.run_batch).

    python bench/columnar.py [--units 25000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from pathlib import Path

# run as a script, this folder comes first on sys.path and this file would shadow
# the `engine` package: put the repository root there instead
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.synthetic import ruleset_dict, submissions, unit_rows  # noqa: E402
from engine import load_ruleset  # noqa: E402
from engine.columnar.check import differing  # noqa: E402
from engine.columnar.run import score_columnar  # noqa: E402
from engine.pool import Scored, score_rows  # noqa: E402


def timed(run) -> tuple[object, float, float]:
    """(result, wall seconds, CPU seconds) of `run()`, the collector off."""
    gc.collect()
    gc.disable()
    try:
        wall, cpu = time.perf_counter(), time.process_time()
        result = run()
        return result, time.perf_counter() - wall, time.process_time() - cpu
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=25_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ruleset = load_ruleset(json.dumps(ruleset_dict(), ensure_ascii=False))
    rows = unit_rows(submissions(args.units))
    score_rows(ruleset, rows[:200])  # warm up both paths
    score_columnar(ruleset, rows[:200])
    times: dict[str, list[tuple[float, float]]] = {"per unit": [], "columnar": []}
    for round_ in range(args.rounds):
        outcomes, wall, cpu = timed(lambda: score_rows(ruleset, rows))
        times["per unit"].append((wall, cpu))
        run, wall, cpu = timed(lambda: score_columnar(ruleset, rows))
        times["columnar"].append((wall, cpu))
        if round_ == 0:
            per_unit = {o.row: o.unit for o in outcomes if isinstance(o, Scored)}
            assert len(run.units) == len(per_unit) == len(rows) and not run.left
            different = [row for row, unit in per_unit.items() if differing(run.units[row], unit) is not None]
            assert not different, different[:5]
            print(f"{len(rows)} units, every figure equal; cross-checked per batch: {run.cross_checked}")
        del outcomes, run
    print(f"{'path':<10} {'wall s':>8} {'cpu s':>8} {'units/s':>10} {'µs/unit':>8}")
    medians = {}
    for name, found in times.items():
        wall = statistics.median(w for w, _ in found)
        cpu = statistics.median(c for _, c in found)
        medians[name] = (wall, cpu)
        print(f"{name:<10} {wall:8.2f} {cpu:8.2f} {len(rows) / wall:10,.0f} {wall / len(rows) * 1e6:8.1f}")
    (unit_wall, unit_cpu), (col_wall, col_cpu) = medians["per unit"], medians["columnar"]
    print(f"ratio (per unit / columnar): wall {unit_wall / col_wall:.1f}x, cpu {unit_cpu / col_cpu:.1f}x")


if __name__ == "__main__":
    main()
