"""Units/s of one way of scoring, for bench/engine.py: run in its process (new code) or
in a subprocess over another commit's tree (today's code, `--root`), with the same
synthetic ruleset and units, so both are measured in the same run.

    python bench/timing.py --root /tmp/tree --mode full --units 4000   # prints JSON
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

WARM_UP = 200


class CollectorTime:
    """The seconds the cyclic collector ran while installed (gc.callbacks)."""

    def __init__(self):
        self.seconds = 0.0
        self._began = 0.0

    def __call__(self, phase: str, _info: dict) -> None:
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._began


def measure(run, units: list[dict], keep: list | None = None) -> dict[str, float]:
    """Wall and CPU units/s of `run` over `units`, and the share of wall time the cyclic
    collector took; with `keep`, each result is kept in it."""
    for unit in units[:WARM_UP]:
        run(unit)
    gc.collect()
    collector = CollectorTime()
    gc.callbacks.append(collector)
    wall, cpu = time.perf_counter(), time.process_time()
    if keep is None:
        for unit in units:
            run(unit)
    else:
        for unit in units:
            keep.append(run(unit))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    gc.callbacks.remove(collector)
    return {"wall": len(units) / wall, "cpu": len(units) / cpu, "gc": collector.seconds / wall}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--root", type=Path, required=True, help="the tree whose engine/ and bench/ are timed")
    parser.add_argument("--mode", choices=("full", "json", "kept"), required=True)
    parser.add_argument("--units", type=int, required=True)
    args = parser.parse_args()
    sys.path[:] = [str(args.root)] + [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent]
    from bench.synthetic import ruleset_dict, submissions
    from engine import load_ruleset, score

    ruleset = load_ruleset(json.dumps(ruleset_dict(), ensure_ascii=False))
    units = submissions(args.units)
    if args.mode == "json":
        figures = measure(lambda unit: score(ruleset, unit).model_dump_json(), units)
    else:
        figures = measure(lambda unit: score(ruleset, unit), units, [] if args.mode == "kept" else None)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
