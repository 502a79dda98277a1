"""Reading and writing a county's batch files: kaoping's readers and writer against the
openpyxl path they replaced, in one run on the same files.

- read: a 25,000-village county's .xlsx through `read_units` (calamine) against openpyxl
  reading the same sheet's values (read-only mode, as kaoping did before), and the .csv;
- write: the batch's Excel report through `write_results` (xlsxwriter, constant memory),
  timed once: both libraries write a cell in about the same time, the report's cost is its
  rows (the 指标明细 sheet lists every indicator of the first units).

Rounds are interleaved (a, b, a, b, ...) so a load swing on a shared machine hits both
sides alike; medians of wall and CPU time are printed with their ratio.

    python bench/files.py [--villages 25000] [--rounds 5]
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

from openpyxl import load_workbook  # noqa: E402

from bench.generate import write_county  # noqa: E402
from engine import load_ruleset  # noqa: E402
from engine.batch import run_batch  # noqa: E402
from engine.tabular import read_units, write_results  # noqa: E402

RULESET = ROOT / "rulesets" / "village-branch-stars.yaml"


def timed(run) -> tuple[float, float]:
    """Wall and CPU seconds of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - wall, time.process_time() - cpu


def openpyxl_rows(path: Path) -> int:
    """Every value of the first sheet, the way kaoping read workbooks before calamine."""
    workbook = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    return count


def compare(title: str, ours, theirs, rounds: int) -> None:
    times: dict[str, list[tuple[float, float]]] = {"kaoping": [], "openpyxl": []}
    for _ in range(rounds):
        times["kaoping"].append(timed(ours))
        times["openpyxl"].append(timed(theirs))
    medians = {side: [statistics.median(t[i] for t in runs) for i in (0, 1)] for side, runs in times.items()}
    (wall, cpu), (base_wall, base_cpu) = medians["kaoping"], medians["openpyxl"]
    print(f"{title}")
    print(f"  kaoping   {wall:7.2f} s wall {cpu:7.2f} s CPU")
    print(f"  openpyxl  {base_wall:7.2f} s wall {base_cpu:7.2f} s CPU")
    print(f"  ratio     {base_wall / wall:7.1f}x wall {base_cpu / cpu:6.1f}x CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--villages", type=int, default=25_000)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    ruleset = load_ruleset(RULESET)
    with tempfile.TemporaryDirectory() as folder:
        text, xlsx, _ = write_county(Path(folder) / "county", options.villages, max(1, options.villages // 200))
        print(f"{options.villages:,} villages, {options.rounds} interleaved rounds, medians")
        compare(
            f"read {xlsx.name} ({xlsx.stat().st_size / 1e6:.1f} MB)",
            lambda: read_units(ruleset.model, xlsx),
            lambda: openpyxl_rows(xlsx),
            options.rounds,
        )
        seconds = timed(lambda: read_units(ruleset.model, text))
        print(f"read {text.name}: {seconds[0]:.2f} s wall {seconds[1]:.2f} s CPU (once)")
        units, errors = read_units(ruleset.model, text)
        report = run_batch(ruleset, units, read_errors=errors)
        seconds = timed(lambda: write_results(report, Path(folder) / "report.xlsx"))
        print(f"write the Excel report: {seconds[0]:.2f} s wall {seconds[1]:.2f} s CPU (once)")


if __name__ == "__main__":
    main()
