"""Batch throughput against peers, all in one run on the same synthetic 50-indicator
ruleset (4 bands each, 5 vetoes, 5 grades) and the same submissions:

- end to end, file to file: CSV in, quotas and rankings, full explanations out (.jsonl)
  and the Excel report, per unit (the baseline) and columnar (`--columnar`, to .csv);
- the engine alone (full explanations, no files), on 1 core and on all cores;
- a bare Python loop over the same band tables (the lower bound);
- GoRules' zen-engine evaluating an equivalent decision graph, trace off and on
  (install it with: pip install -e '.[bench]').

Built for a noisy shared machine: every measure runs once per round, rounds interleave
the measures (a slow spell touches them all alike), and each figure is the median of the
rounds, in wall time and in CPU time (this process and its worker processes,
bench/cpu.py) side by side. Ratios are of medians measured in this same run.

    python bench/batch.py [--units 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.cpu import timed  # noqa: E402
from bench.synthetic import plain_python_total, ruleset_dict, submissions, unit_rows  # noqa: E402
from engine import load_ruleset, score  # noqa: E402
from engine.batch import run_batch, scoring_pool  # noqa: E402
from engine.pool import ScoringPool  # noqa: E402
from engine.tabular import read_units, write_results  # noqa: E402


def score_each(ruleset, units: list[dict]) -> None:
    """Score every unit, keeping no result (as a worker does: it sends each chunk away)."""
    for unit in units:
        score(ruleset, unit)


def write_units(path: Path, units: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        keys = list(units[0])
        writer.writerow(["unit_id", "parent"] + keys)
        for n, unit in enumerate(units):
            writer.writerow([f"u{n:06d}", f"t{n % 120:03d}"] + [unit[k] for k in keys])


def zen_graph():
    """zen-engine's decision for the same ruleset, or None when it is not installed."""
    try:
        import zen
    except ImportError:
        return None
    from bench.zen_decision import decision

    return zen.ZenEngine().create_decision(decision())


END_TO_END = "end to end, CSV -> .jsonl with full explanations"
ALL_CORES = "engine only, all cores (full explanations)"
ONE_CORE = "engine only, 1 core (full explanations)"
BARE = "bare Python loop, total and grade only"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=5, help="each figure is the median of this many runs")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    ruleset = load_ruleset(json.dumps(ruleset_dict(), ensure_ascii=False))
    units = submissions(args.units)
    rows = unit_rows(units)
    sample = units[: max(2000, args.units // 5)]
    graph = zen_graph()
    print(
        f"{args.units} units of a 50-indicator synthetic ruleset on {cores} core(s), {args.rounds} interleaved rounds"
    )
    if graph is None:
        print("zen-engine is not installed (pip install -e '.[bench]'): no comparison with it")
    with tempfile.TemporaryDirectory() as folder, ScoringPool(ruleset.text, None, cores) as pool:
        source = Path(folder) / "units.csv"
        write_units(source, units)
        sum(1 for _ in pool.run(rows[:400]))  # the engine-only pool, started and warm

        def end_to_end(suffix: str, columnar: bool = False) -> None:  # as `kaoping batch` does it, its own workers
            with scoring_pool(ruleset) as own:
                read, errors = read_units(ruleset.model, source)
                report = run_batch(ruleset, read, pool=own, read_errors=errors, columnar=columnar)
            write_results(report, Path(folder) / f"results{suffix}")

        measures = {
            END_TO_END: (len(units), lambda: end_to_end(".jsonl")),
            "end to end, CSV -> Excel report": (len(units), lambda: end_to_end(".xlsx")),
            "end to end, CSV -> CSV report, per unit": (len(units), lambda: end_to_end(".csv")),
            "end to end, CSV -> CSV report, columnar": (len(units), lambda: end_to_end(".csv", columnar=True)),
            ONE_CORE: (len(sample), lambda: score_each(ruleset, sample)),
            ALL_CORES: (len(rows), lambda: sum(1 for _ in pool.run(rows))),
            BARE: (len(units), lambda: [plain_python_total(u) for u in units]),
        }
        if graph is not None:
            for unit in units[:200]:
                graph.evaluate(unit)
            for trace in ("off", "on"):
                measures[f"zen-engine, trace {trace}"] = (
                    len(units),
                    lambda t=trace == "on": [graph.evaluate(u, {"trace": t}) for u in units],
                )
        runs: dict[str, list[tuple[float, float]]] = {label: [] for label in measures}
        for _ in range(args.rounds):
            for label, (_count, run) in measures.items():
                runs[label].append(timed(run))
    # units/s of the median wall and CPU seconds
    wall = {label: measures[label][0] / statistics.median(w for w, _ in found) for label, found in runs.items()}
    cpu = {label: measures[label][0] / statistics.median(c for _, c in found) for label, found in runs.items()}
    print(f"  {'':<52} {'wall units/s':>12} {'CPU units/s':>12}   runs (wall s)")
    for label, found in runs.items():
        each = ", ".join(f"{w:.2f}" for w, _ in found)
        print(f"  {label:<52} {wall[label]:12,.0f} {cpu[label]:12,.0f}   ({each})")

    def ratio(title: str, a: str, b: str, target: float | None = None) -> None:
        verdict = (
            "" if target is None else f"   (target >= {target}: {'met' if wall[a] / wall[b] >= target else 'NOT met'})"
        )
        print(f"  {title:<44} wall {wall[a] / wall[b]:7.3f}   CPU {cpu[a] / cpu[b]:7.3f}{verdict}")

    print()
    print("ratios of throughput (of medians):")
    ratio("end to end (.jsonl) / engine on all cores", END_TO_END, ALL_CORES)
    ratio("engine all cores / engine 1 core", ALL_CORES, ONE_CORE)
    ratio("engine 1 core / bare Python loop", ONE_CORE, BARE)
    ratio(
        "end to end CSV report: columnar / per unit",
        *(f"end to end, CSV -> CSV report, {p}" for p in ("columnar", "per unit")),
    )
    if graph is not None:
        ratio("end to end (.jsonl) / zen trace on", END_TO_END, "zen-engine, trace on", 1.5)
        ratio("end to end (.jsonl) / zen trace off", END_TO_END, "zen-engine, trace off")
        ratio("engine all cores / zen trace on", ALL_CORES, "zen-engine, trace on")
    e2e = wall[END_TO_END]
    print(f"  target: >= 1,000 units/s end to end: {'met' if e2e >= 1000 else 'NOT met'} ({e2e:,.0f})")


if __name__ == "__main__":
    main()
