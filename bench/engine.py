"""Engine throughput: units/s of today's path (commit 3721e88, run in a subprocess over
its own tree) against the new one, interleaved in the same run, with results kept and
dropped, and RSS.

Figures, each the median of ROUNDS interleaved rounds, wall and CPU units/s:

- today: `score()` as commit 3721e88 builds it (pydantic models validated per unit), its
  JSON too, and its results kept in a list;
- full explanation: `score_lean`, the result's JSON (byte-identical) and headline figures;
  kept: the same while every result of every round so far (up to 20,000) stays alive;
- grouped sessions: what a batch worker runs (engine.pool.score_rows): the same JSON and
  figures, each phase's matching shared by 100 units in one durable_rules session;
- pydantic Result: `score()` now (the dict validated into the model once);
- lean figures: matching and arithmetic into the result's dict, no JSON written;
- plain decimal loop: the same band tables in a bare loop (the lower bound).

"collector" is the share of wall time the cyclic collector ran (gc.callbacks).

    python bench/engine.py [--units 4000] [--rounds 5] [--baseline 3721e88]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import psutil

# run as a script, this folder comes first on sys.path and this file would shadow
# the `engine` package: put the repository root there instead
ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.synthetic import plain_decimal_total, ruleset_dict, submissions  # noqa: E402
from bench.timing import measure  # noqa: E402
from engine import load_ruleset, score, score_lean  # noqa: E402
from engine.grouped import GROUP  # noqa: E402
from engine.inputs import validate_input  # noqa: E402
from engine.matcher import DirectMatcher, DurableMatcher  # noqa: E402
from engine.pool import UnitRow, score_rows  # noqa: E402
from engine.result import UnitRef  # noqa: E402
from engine.scoring import score_values  # noqa: E402

TARGET = 2.5


def rss_mb() -> float:
    return psutil.Process(os.getpid()).memory_info().rss / 2**20


def baseline_tree(commit: str, into: Path) -> Path:
    """The repository as it was at `commit`, extracted with git archive."""
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def today(tree: Path, mode: str, units: int) -> dict[str, float]:
    """One measurement of today's code, in its own process."""
    command = [sys.executable, str(ROOT / "bench" / "timing.py"), "--root", str(tree), "--mode", mode]
    done = subprocess.run([*command, "--units", str(units)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def grouped(ruleset, units: list[dict]) -> dict[str, float]:
    """units/s of the batch worker's loop, fed GROUP units a call as a worker is."""
    rows = [UnitRow(n, UnitRef(id=f"u{n}"), data) for n, data in enumerate(units)]
    groups = [rows[start : start + GROUP] for start in range(0, len(rows), GROUP)]
    figures = measure(lambda group: score_rows(ruleset, group), groups)
    return {**figures, "wall": figures["wall"] * GROUP, "cpu": figures["cpu"] * GROUP}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--baseline", default="3721e88")
    args = parser.parse_args()
    ruleset = load_ruleset(json.dumps(ruleset_dict(), ensure_ascii=False))
    units = submissions(args.units)
    durable, direct = DurableMatcher(), DirectMatcher()
    assert score(ruleset, units[0], matcher=durable) == score(ruleset, units[0], matcher=direct)
    assert score_lean(ruleset, units[0]).json == score(ruleset, units[0]).model_dump_json()
    compiled, model = ruleset.compiled, ruleset.model
    print(
        f"synthetic ruleset: 50 indicators x 4 bands, 5 vetoes, 5 grades ({len(compiled.conditions)} engine rules);"
        f" {args.units} units a round, {args.rounds} interleaved rounds; baseline {args.baseline}"
    )
    kept: list = []
    new = {
        "full explanation (result JSON + figures)": lambda: measure(lambda u: score_lean(ruleset, u), units),
        "full explanation, all results kept": lambda: measure(lambda u: score_lean(ruleset, u), units, kept),
        "full explanation, grouped sessions": lambda: grouped(ruleset, units),
        "pydantic Result (score)": lambda: measure(lambda u: score(ruleset, u), units),
        "lean figures (no JSON written)": lambda: measure(
            lambda u: score_values(compiled, validate_input(model, u), durable), units
        ),
        "plain decimal loop": lambda: measure(plain_decimal_total, units),
    }
    with tempfile.TemporaryDirectory() as folder:
        tree = baseline_tree(args.baseline, Path(folder))
        old = {
            f"today ({args.baseline}): score()": lambda: today(tree, "full", args.units),
            f"today ({args.baseline}): score() + JSON": lambda: today(tree, "json", args.units),
            f"today ({args.baseline}): score(), results kept": lambda: today(tree, "kept", args.units),
        }
        runs = {**old, **new}
        figures: dict[str, list[dict[str, float]]] = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, run in runs.items():
                figures[name].append(run())
    keys = ("wall", "cpu", "gc")
    medians = {name: {k: statistics.median(f[k] for f in found) for k in keys} for name, found in figures.items()}
    print(f"\nmedian of {args.rounds} rounds:           units/s wall  units/s cpu  µs cpu a unit  collector")
    for name, m in medians.items():
        print(f"  {name:44s} {m['wall']:9.0f}  {m['cpu']:11.0f}  {1e6 / m['cpu']:13.1f}  {m['gc']:8.1%}")
    full, lean_kept = medians["full explanation (result JSON + figures)"], medians["full explanation, all results kept"]
    base, base_json = medians[f"today ({args.baseline}): score()"], medians[f"today ({args.baseline}): score() + JSON"]
    base_kept = medians[f"today ({args.baseline}): score(), results kept"]
    group = medians["full explanation, grouped sessions"]
    print()
    ways = (
        ("full explanation", full, " / score() + JSON = {:.2f}", base_json),
        ("grouped sessions", group, " grouped / one session a unit = {:.2f}", full),
    )
    for name, new_way, other, against in ways:
        for what in ("wall", "cpu"):
            ratio = new_way[what] / base[what]
            print(
                f"  new/today ({what}): {name} / score() = {ratio:.2f}"
                f" (target >= {TARGET}: {'met' if ratio >= TARGET else 'NOT met'});"
                + other.format(new_way[what] / against[what])
            )
    for what in ("wall", "cpu"):
        print(
            f"  kept/dropped ({what}): new {lean_kept[what] / full[what]:.2f} ({len(kept)} results alive at the end),"
            f" today {base_kept[what] / base[what]:.2f} ({args.units} alive)"
        )
    print(f"  RSS now {rss_mb():.1f} MB with {len(kept)} lean results kept")


if __name__ == "__main__":
    main()
