"""A 25,000-village county end to end, as `kaoping batch` runs it, the columnar path
against today's path in the same run.

Each run is what `kaoping batch RULESET UNITS -o REPORT [--columnar]` does after loading
the ruleset (api/cli.py batch_command, without its progress bar): start the pool of worker
processes, read the file, validate, score (journaled), quotas, ranks, the summary, then
write the report (.csv with its summary.json, or the Excel report).

- today's path: the per-unit batch, durable_rules in one worker process per core;
- columnar: `--columnar`, whole-column arithmetic with its seeded cross-check;
- columnar, no pool: the same without starting the worker processes, which the CLI starts
  before it reads the file whatever the path (what the columnar path would cost if it
  did not: the few units left per unit are then scored in this process).

Ruleset: the shipped rulesets/village-branch-stars.yaml (the columnar path supports it:
NA answers, flags, quotas that move a few hundred units); units: the county
bench/generate.py writes, with the field's distributions, as .xlsx and .csv headed by the
inputs' Chinese titles. Rounds interleave every measure; medians of wall seconds and of
CPU seconds (this process and its worker processes: bench/cpu.py). The
first round checks that both paths write the same CSV report.

    python bench/county.py [--villages 25000] [--rounds 3]
    python bench/county.py --phases      # CPU seconds of each phase of the columnar path, once
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench.cpu import timed  # noqa: E402
from bench.generate import write_county  # noqa: E402
from engine import load_ruleset  # noqa: E402
from engine.batch import finish, run_batch, scoring_pool  # noqa: E402
from engine.columnar.figures import score_columns  # noqa: E402
from engine.columnar.run import score_columnar  # noqa: E402
from engine.columnar.validate import Validator  # noqa: E402
from engine.tabular import headers_as_written, read_units, write_results  # noqa: E402

RULESET = ROOT / "rulesets" / "village-branch-stars.yaml"
TARGET_SECONDS = 4.0  # end to end from .xlsx, columnar
TARGET_RATIO = 8.0  # columnar against today's path, wall time
PATHS = {"today": (False, True), "columnar": (True, True), "columnar, no pool": (True, False)}


def kaoping_batch(source: Path, output: Path, columnar: bool, pooled: bool = True) -> None:
    """`kaoping batch village-branch-stars.yaml SOURCE -o OUTPUT [--columnar]`, in this
    process; without `pooled`, no worker process is started."""
    ruleset = load_ruleset(RULESET)
    journal = output.with_name(output.name + ".journal")
    with scoring_pool(ruleset, None if pooled else 1) as pool:  # started before the file is read, as the CLI does
        rows, errors = read_units(ruleset.model, source)
        report = run_batch(
            ruleset, rows, pool=pool, journal=journal, read_errors=errors, batch_name=source.name, columnar=columnar
        )
    report.columns = headers_as_written(ruleset.model, source)
    write_results(report, output)
    journal.unlink(missing_ok=True)


def phases(xlsx: Path, folder: Path) -> None:
    """CPU seconds of each phase of a columnar batch from `xlsx`, in this process (the
    validation and the column arithmetic again on their own, to say what each costs)."""
    ruleset = load_ruleset(RULESET)
    found: dict[str, float] = {}

    def phase(name: str, run):
        began = time.process_time()
        result = run()
        found[name] = time.process_time() - began
        return result

    rows, errors = phase("read the workbook (read_units)", lambda: read_units(ruleset.model, xlsx))
    valid, _ = phase("validate, alone (Validator.split)", lambda: Validator(ruleset.model).split(rows))
    phase("column arithmetic, alone (score_columns)", lambda: score_columns(ruleset, [v for _, v in valid]))
    run = phase("score columnar: both, and the cross-check (score_columnar)", lambda: score_columnar(ruleset, rows))
    report = phase("quotas, ranks, summary (finish)", lambda: finish(ruleset, dict(run.units), [], len(rows)))
    report.columns = phase("headers as written", lambda: headers_as_written(ruleset.model, xlsx))
    phase("CSV report", lambda: write_results(report, folder / "phases.csv"))
    phase("Excel report", lambda: write_results(report, folder / "phases.xlsx"))
    for name, seconds in found.items():
        print(f"  {name:<56} {seconds:6.2f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--villages", type=int, default=25_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--phases", action="store_true", help="time each phase of the columnar path instead")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        text, xlsx, _ = write_county(here / "county", options.villages, max(1, options.villages // 200))
        if options.phases:
            print(f"{options.villages:,} villages from .xlsx, the columnar path phase by phase:")
            phases(xlsx, here)
            return
        cases = [(source, report) for source in (xlsx, text) for report in (".csv", ".xlsx")]
        times: dict[tuple, list[tuple[float, float]]] = {}
        kaoping_batch(text, here / "warm.csv", True)  # imports and caches warm, for both paths alike
        for round_ in range(options.rounds):
            for source, report in cases:
                for path, (columnar, pooled) in PATHS.items():
                    output = here / f"{path.replace(', ', '-')}-{source.suffix[1:]}{report}"
                    times.setdefault((source.suffix, report, path), []).append(
                        timed(lambda s=source, o=output, c=columnar, p=pooled: kaoping_batch(s, o, c, p))
                    )
                if round_ == 0 and report == ".csv":
                    same = (here / f"today-{source.suffix[1:]}.csv").read_bytes() == (
                        here / f"columnar-{source.suffix[1:]}.csv"
                    ).read_bytes()
                    assert same, f"the columnar CSV report of {source.name} differs from today's"
    medians = {key: tuple(statistics.median(t[i] for t in runs) for i in (0, 1)) for key, runs in times.items()}
    print(f"{options.villages:,} villages, village-branch-stars, {options.rounds} interleaved rounds, medians")
    print("(CSV reports of both paths checked equal byte for byte)")
    print(f"{'file -> report':<16} {'path':<18} {'wall s':>7} {'CPU s':>7}   {'runs (wall s)'}")
    for (source, report, path), (wall, cpu) in medians.items():
        runs = ", ".join(f"{w:.2f}" for w, _ in times[(source, report, path)])
        print(f"{source + ' -> ' + report:<16} {path:<18} {wall:7.2f} {cpu:7.2f}   {runs}")
    print("ratios, today's path / the columnar one (of medians):")
    for source, report in [(s.suffix, r) for s, r in cases]:
        base_wall, base_cpu = medians[(source, report, "today")]
        for path in list(PATHS)[1:]:
            wall, cpu = medians[(source, report, path)]
            ratios = f"wall {base_wall / wall:5.1f}x   CPU {base_cpu / cpu:5.1f}x"
            print(f"  {source + ' -> ' + report:<16} {path:<18} {ratios}")
    print(f"targets (columnar from .xlsx: under {TARGET_SECONDS:.0f} s wall, at least {TARGET_RATIO:.0f}x today's):")
    for report in (".csv", ".xlsx"):
        for path in list(PATHS)[1:]:
            wall = medians[(".xlsx", report, path)][0]
            ratio = medians[(".xlsx", report, "today")][0] / wall
            fast, far = wall < TARGET_SECONDS, ratio >= TARGET_RATIO
            print(
                f"  .xlsx -> {report:<6} {path:<18} {wall:5.2f} s: {'met' if fast else 'NOT met'}; "
                f"{ratio:4.1f}x: {'met' if far else 'NOT met'}"
            )


if __name__ == "__main__":
    main()
