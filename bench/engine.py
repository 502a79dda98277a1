"""Engine throughput and memory: units/s with full explanations through durable_rules,
against the same pipeline with conditions evaluated directly in Python, and a bare
Python loop over the same band tables (the lower bound), all in one run.

    python bench/engine.py [--units 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import psutil

# run as a script, this folder comes first on sys.path and this file would shadow
# the `engine` package: put the repository root there instead
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.synthetic import plain_python_total, ruleset_dict, submissions  # noqa: E402
from engine import load_ruleset, score  # noqa: E402
from engine.matcher import DirectMatcher, DurableMatcher  # noqa: E402


def rss_mb() -> float:
    return psutil.Process(os.getpid()).memory_info().rss / 2**20


def timed_chunks(units, run, chunk: int) -> tuple[list[float], dict[int, float]]:
    """Units/s of each chunk, and RSS after given unit counts."""
    rates, rss = [], {}
    for start in range(0, len(units), chunk):
        began = time.perf_counter()
        for unit in units[start : start + chunk]:
            run(unit)
        rates.append(chunk / (time.perf_counter() - began))
        done = start + chunk
        if done in (1000, len(units)) or done % 5000 == 0:
            rss[done] = rss_mb()
    return rates, rss


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=20000)
    args = parser.parse_args()
    start_rss = rss_mb()
    ruleset = load_ruleset(json.dumps(ruleset_dict(), ensure_ascii=False))
    units = submissions(args.units)
    print(
        f"synthetic ruleset: 50 indicators x 4 bands, 5 vetoes, 5 grades "
        f"({len(ruleset.compiled.conditions)} engine rules, {len(ruleset.compiled.facts)} facts per unit)"
    )
    print(f"units: {len(units)}; RSS at start {start_rss:.1f} MB")

    durable, direct = DurableMatcher(), DirectMatcher()
    check = score(ruleset, units[0], matcher=durable)
    assert check.model_dump() == score(ruleset, units[0], matcher=direct).model_dump()

    engine_rates, engine_rss = timed_chunks(units, lambda u: score(ruleset, u, matcher=durable), 1000)
    direct_rates, _ = timed_chunks(units[:5000], lambda u: score(ruleset, u, matcher=direct), 1000)
    began = time.perf_counter()
    for _ in range(5):
        for unit in units:
            plain_python_total(unit)
    plain_rate = 5 * len(units) / (time.perf_counter() - began)

    engine_rate = statistics.median(engine_rates)
    direct_rate = statistics.median(direct_rates)
    print()
    print("units/s (median of 1,000-unit chunks), one process:")
    print(f"  durable_rules engine, full explanation : {engine_rate:9.0f}")
    print(
        f"  direct Python matcher, full explanation: {direct_rate:9.0f}"
        f"   engine/direct = {engine_rate / direct_rate:.2f}"
    )
    print(
        f"  bare Python loop, total and grade only : {plain_rate:9.0f}   engine/bare   = {engine_rate / plain_rate:.3f}"
    )
    print(
        "  target: >= 550 units/s through the engine with full explanations:",
        "met" if engine_rate >= 550 else "NOT met",
    )
    print()
    print("RSS (MB) after n units through the engine: " + ", ".join(f"{n}: {mb:.1f}" for n, mb in engine_rss.items()))
    growth = engine_rss[max(engine_rss)] / engine_rss[1000]
    print(
        f"RSS at {max(engine_rss)} / RSS at 1000 = {growth:.3f}"
        f" (target <= 1.10: {'met' if growth <= 1.10 else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
