"""Batch throughput against peers, all in one run on the same synthetic 50-indicator
ruleset (4 bands each, 5 vetoes, 5 grades) and the same submissions:

- end to end, file to file: CSV in, quotas and rankings, full explanations out (.jsonl)
  and the Excel report;
- the engine alone (full explanations, no files), on 1 core and on all cores;
- a bare Python loop over the same band tables (the lower bound);
- GoRules' zen-engine evaluating an equivalent decision graph, trace off and on
  (install it with: pip install -e '.[bench]').

    python bench/batch.py [--units 20000]
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

from bench.synthetic import plain_python_total, ruleset_dict, submissions  # noqa: E402
from engine import load_ruleset, score  # noqa: E402
from engine.batch import run_batch, scoring_pool  # noqa: E402
from engine.pool import ScoringPool, UnitRow  # noqa: E402
from engine.result import UnitRef  # noqa: E402
from engine.tabular import read_units, write_results  # noqa: E402


def timed(label: str, count: int, run) -> float:
    began = time.perf_counter()
    run()
    rate = count / (time.perf_counter() - began)
    print(f"  {label:<58} {rate:9,.0f} units/s")
    return rate


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


def zen_rates(units: list[dict]) -> tuple[float | None, float | None]:
    try:
        import zen
    except ImportError:
        print("  zen-engine: not installed (pip install -e '.[bench]')")
        return None, None
    from bench.zen_decision import decision

    graph = zen.ZenEngine().create_decision(decision())
    for unit in units[:200]:
        graph.evaluate(unit)
    rates = []
    for trace in (False, True):
        rates.append(
            timed(
                f"zen-engine, trace {'on' if trace else 'off'}",
                len(units),
                lambda t=trace: [graph.evaluate(u, {"trace": t}) for u in units],
            )
        )
    return rates[0], rates[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20000)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    ruleset = load_ruleset(json.dumps(ruleset_dict(), ensure_ascii=False))
    units = submissions(args.units)
    rows = [UnitRow(n + 2, UnitRef(id=f"u{n:06d}", parent=f"t{n % 120:03d}"), unit) for n, unit in enumerate(units)]
    print(f"{args.units} units of a 50-indicator synthetic ruleset on {cores} core(s)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "units.csv"
        write_units(source, units)

        def end_to_end(suffix: str) -> None:  # as `kaoping batch` does it
            with scoring_pool(ruleset) as pool:
                read, errors = read_units(ruleset.model, source)
                report = run_batch(ruleset, read, pool=pool, read_errors=errors)
            write_results(report, Path(folder) / f"results{suffix}")

        e2e = timed("end to end, CSV -> .jsonl with full explanations", args.units, lambda: end_to_end(".jsonl"))
        e2e_xlsx = timed("end to end, CSV -> Excel report", args.units, lambda: end_to_end(".xlsx"))
    sample = units[: max(2000, args.units // 5)]
    one = timed("engine only, 1 core (full explanations)", len(sample), lambda: score_each(ruleset, sample))
    with ScoringPool(ruleset.text, None, cores) as pool:
        sum(1 for _ in pool.run(rows[:400]))  # start the workers
        every = timed(
            f"engine only, {cores} cores (full explanations)", len(rows), lambda: sum(1 for _ in pool.run(rows))
        )
    bare = statistics.median(
        timed("bare Python loop, total and grade only", len(units), lambda: [plain_python_total(u) for u in units])
        for _ in range(3)
    )
    zen_off, zen_on = zen_rates(units)
    print()
    print("ratios:")
    print(f"  end to end (.jsonl) / engine on all cores   {e2e / every:6.2f}")
    print(f"  engine all cores / engine 1 core            {every / one:6.2f}")
    print(f"  engine 1 core / bare Python loop            {one / bare:6.3f}")
    if zen_on:
        print(f"  end to end (.jsonl) / zen trace on          {e2e / zen_on:6.2f}   (target >= 1.5)")
        print(f"  end to end (.jsonl) / zen trace off         {e2e / zen_off:6.2f}")
        print(f"  engine all cores / zen trace on             {every / zen_on:6.2f}")
    print(
        f"  target: >= 1,000 units/s end to end: {'met' if e2e >= 1000 else 'NOT met'} ({e2e:,.0f});"
        f" Excel report end to end {e2e_xlsx:,.0f}"
    )


if __name__ == "__main__":
    main()
