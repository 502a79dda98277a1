"""A batch scored on a Dask cluster against the same batch on this machine's own workers:
the same synthetic 50-indicator ruleset and submissions as bench/batch.py, a LocalCluster of
one single-threaded worker process per core, interleaved rounds, medians.

    python bench/cluster.py [--units 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.batch import rate_of  # noqa: E402
from bench.synthetic import ruleset_dict, submissions, unit_rows  # noqa: E402
from engine import load_ruleset  # noqa: E402
from engine.batch import run_batch, scoring_pool  # noqa: E402


def main() -> None:
    from distributed import LocalCluster

    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3, help="each figure is the median of this many runs")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    ruleset = load_ruleset(json.dumps(ruleset_dict(), ensure_ascii=False))
    units = submissions(args.units)
    rows = unit_rows(units)
    print(f"{args.units} units of a 50-indicator synthetic ruleset on {cores} core(s), {args.rounds} rounds")
    with (
        LocalCluster(n_workers=cores, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        scoring_pool(ruleset, cores) as local,
        scoring_pool(ruleset, cluster=cluster.scheduler_address) as distributed,
    ):
        run_batch(ruleset, rows[:400], pool=distributed)  # every worker started, the ruleset compiled
        run_batch(ruleset, rows[:400], pool=local)
        measures = {
            f"local workers, {cores} processes": lambda: run_batch(ruleset, rows, pool=local),
            f"LocalCluster, {cores} workers x 1 thread": lambda: run_batch(ruleset, rows, pool=distributed),
        }
        runs: dict[str, list[float]] = {label: [] for label in measures}
        for _ in range(args.rounds):
            for label, run in measures.items():
                runs[label].append(rate_of(len(rows), run))
    rate = {label: statistics.median(rates) for label, rates in runs.items()}
    for label, rates in runs.items():
        each = ", ".join(f"{r:,.0f}" for r in rates)
        print(f"  {label:<44} {rate[label]:9,.0f} units/s   (runs: {each})")
    local_rate, cluster_rate = rate.values()
    print(f"  cluster / local                              {cluster_rate / local_rate:9.2f}")


if __name__ == "__main__":
    main()
