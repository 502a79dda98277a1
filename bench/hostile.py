"""How quickly the hostile rulesets of tests/hostile are refused: `kaoping check`'s loading,
in this process, each case the median of 5 rounds (CPU time beside wall time).

    python bench/hostile.py
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import RulesetError, load_ruleset  # noqa: E402
from tests.hostile.test_rulesets import CASES  # noqa: E402

ROUNDS = 5


def main() -> None:
    texts = {name: make() for name, make, *_ in CASES}
    walls: dict[str, list[float]] = {name: [] for name in texts}
    cpus: dict[str, list[float]] = {name: [] for name in texts}
    for _ in range(ROUNDS):  # interleaved: every case once a round
        for name, text in texts.items():
            wall, cpu = time.perf_counter(), time.process_time()
            with contextlib.suppress(RulesetError):
                load_ruleset(text)
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(time.process_time() - cpu)
    print(f"{'case':40} {'bytes':>9} {'wall ms':>9} {'cpu ms':>9}")
    for name, text in texts.items():
        wall, cpu = statistics.median(walls[name]) * 1000, statistics.median(cpus[name]) * 1000
        print(f"{name:40} {len(text):>9} {wall:>9.1f} {cpu:>9.1f}")
    worst = max(texts, key=lambda n: statistics.median(walls[n]))
    print(f"worst: {worst}, {statistics.median(walls[worst]) * 1000:.0f} ms (target: under 1,000 ms)")


if __name__ == "__main__":
    main()
