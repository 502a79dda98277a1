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


def measure(run, units: list[dict], keep: list | None = None) -> dict[str, float]:
    """Wall and CPU units/s of `run` over `units`; with `keep`, each result is kept in it."""
    for unit in units[:WARM_UP]:
        run(unit)
    gc.collect()
    wall, cpu = time.perf_counter(), time.process_time()
    if keep is None:
        for unit in units:
            run(unit)
    else:
        for unit in units:
            keep.append(run(unit))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"wall": len(units) / wall, "cpu": len(units) / cpu}


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
