"""Batch throughput against peers, all in one run on the same synthetic 50-indicator
ruleset (4 bands each, 5 vetoes, 5 grades) and the same submissions:

- end to end, file to file: CSV in, quotas and rankings, full explanations out (.jsonl)
  and the Excel report;
- the engine alone (full explanations, no files), on 1 core and on all cores;
- a bare Python loop over the same band tables (the lower bound);
- GoRules' zen-engine evaluating an equivalent decision graph, trace off and on
  (install it with: pip install -e '.[bench]').

    python bench/batch.py [--units 10000] [--rounds 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.synthetic import plain_python_total, ruleset_dict, submissions, unit_rows  # noqa: E402
from engine import load_ruleset, score  # noqa: E402
from engine.batch import run_batch, scoring_pool  # noqa: E402
from engine.pool import ScoringPool  # noqa: E402
from engine.tabular import read_units, write_results  # noqa: E402


def rate_of(count: int, run) -> float:
    began = time.perf_counter()
    run()
    return count / (time.perf_counter() - began)


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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3, help="each figure is the median of this many runs")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    ruleset = load_ruleset(json.dumps(ruleset_dict(), ensure_ascii=False))
    units = submissions(args.units)
    rows = unit_rows(units)
    sample = units[: max(2000, args.units // 5)]
    graph = zen_graph()
    print(f"{args.units} units of a 50-indicator synthetic ruleset on {cores} core(s), {args.rounds} rounds")
    if graph is None:
        print("zen-engine is not installed (pip install -e '.[bench]'): no comparison with it")
    with tempfile.TemporaryDirectory() as folder, ScoringPool(ruleset.text, None, cores) as pool:
        source = Path(folder) / "units.csv"
        write_units(source, units)
        sum(1 for _ in pool.run(rows[:400]))  # the engine-only pool, started and warm

        def end_to_end(suffix: str) -> None:  # as `kaoping batch` does it, its own workers started
            with scoring_pool(ruleset) as own:
                read, errors = read_units(ruleset.model, source)
                report = run_batch(ruleset, read, pool=own, read_errors=errors)
            write_results(report, Path(folder) / f"results{suffix}")

        measures = {
            "end to end, CSV -> .jsonl with full explanations": (len(units), lambda: end_to_end(".jsonl")),
            "end to end, CSV -> Excel report": (len(units), lambda: end_to_end(".xlsx")),
            "engine only, 1 core (full explanations)": (len(sample), lambda: score_each(ruleset, sample)),
            f"engine only, {cores} cores (full explanations)": (len(rows), lambda: sum(1 for _ in pool.run(rows))),
            "bare Python loop, total and grade only": (len(units), lambda: [plain_python_total(u) for u in units]),
        }
        if graph is not None:
            for unit in units[:200]:
                graph.evaluate(unit)
            for trace in ("off", "on"):
                measures[f"zen-engine, trace {trace}"] = (
                    len(units),
                    lambda t=trace == "on": [graph.evaluate(u, {"trace": t}) for u in units],
                )
        # rounds interleave the measures, so a slow spell of a shared machine touches them all alike
        runs: dict[str, list[float]] = {label: [] for label in measures}
        for _ in range(args.rounds):
            for label, (count, run) in measures.items():
                runs[label].append(rate_of(count, run))
    rate = {label: statistics.median(rates) for label, rates in runs.items()}
    for label, rates in runs.items():
        each = ", ".join(f"{r:,.0f}" for r in rates)
        print(f"  {label:<52} {rate[label]:9,.0f} units/s   (runs: {each})")
    e2e = rate["end to end, CSV -> .jsonl with full explanations"]
    every = rate[f"engine only, {cores} cores (full explanations)"]
    one = rate["engine only, 1 core (full explanations)"]
    print()
    print("ratios (of medians):")
    print(f"  end to end (.jsonl) / engine on all cores   {e2e / every:6.2f}")
    print(f"  engine all cores / engine 1 core            {every / one:6.2f}")
    print(f"  engine 1 core / bare Python loop            {one / rate['bare Python loop, total and grade only']:6.3f}")
    if graph is not None:
        zen_on, zen_off = rate["zen-engine, trace on"], rate["zen-engine, trace off"]
        verdict = "met" if e2e / zen_on >= 1.5 else "NOT met"
        print(f"  end to end (.jsonl) / zen trace on          {e2e / zen_on:6.2f}   (target >= 1.5: {verdict})")
        print(f"  end to end (.jsonl) / zen trace off         {e2e / zen_off:6.2f}")
        print(f"  engine all cores / zen trace on             {every / zen_on:6.2f}")
    print(f"  target: >= 1,000 units/s end to end: {'met' if e2e >= 1000 else 'NOT met'} ({e2e:,.0f})")


if __name__ == "__main__":
    main()
