"""A national batch: 1,000,000 villages under 2,000 counties' townships, from CSV, end to
end as `kaoping batch --columnar` runs it (the scoring pool started, the file read
streaming, units scored columnar with the cross-check, journalled, quotas, ranks, the
summary, the CSV report written, the journal removed), against its targets: under 60 s
and under 3 GB peak memory.

The baseline, in the same run: a 25,000-unit county scored per unit (the path whose
journal held whole results) by today's code (`--before`, a tree of main) and by this
tree, so journal bytes and memory per unit are compared before and after.

Each batch runs in a fresh process (this file with --child) over the tree it measures;
this process samples the resident memory of that process and its workers (psutil,
every 0.1 s, summed over the tree) and the journal's size, and reads wall time and the
CPU time of the process and its children (resource.getrusage). The child reports the
wall and CPU seconds of each phase.

    python bench/national.py [--units 1000000] [--baseline 25000] [--before /work/main]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TREE = "KAOPING_BENCH_TREE"  # the tree a child batch runs over; its spawned workers read it too
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, os.environ.get(TREE, str(ROOT)))

TARGET_SECONDS = 60
TARGET_BYTES = 3 * 1024**3
COUNTIES, TOWNSHIPS = 2000, 12  # about the country's counties; townships per county


def write_units(path: Path, count: int, seed: int = 7) -> None:
    """`count` villages of the synthetic 50-indicator ruleset as CSV, streaming (a million
    submissions held as dicts would weigh on the batch measured after), with parents
    named by county and township."""
    from bench.synthetic import INDICATORS, VETOES

    rng = random.Random(seed)
    names = [f"x{i}" for i in range(INDICATORS)] + [f"y{v}" for v in range(VETOES)]
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(["unit_id", "unit_name", "parent", *names]) + "\n")
        for n in range(count):
            county, township = n % COUNTIES, (n // COUNTIES) % TOWNSHIPS
            values = [str(rng.randint(0, 100)) for _ in range(INDICATORS)]
            values += ["1" if rng.random() < 0.03 else "0" for _ in range(VETOES)]
            handle.write(f"v{n:07d},村{n},县{county:04d}乡{township:02d},{','.join(values)}\n")


def child(ruleset_path: Path, units: Path, output: Path, columnar: bool) -> None:
    """One batch as `kaoping batch` runs it, over the code of the tree in $KAOPING_BENCH_TREE;
    prints its phases."""
    from engine import load_ruleset
    from engine.batch import run_batch, scoring_pool
    from engine.tabular import read_units, write_results

    phases: dict[str, list[float]] = {}
    clock = [time.perf_counter(), time.process_time()]

    def phase(name: str) -> None:
        now = [time.perf_counter(), time.process_time()]
        phases[name] = [round(now[0] - clock[0], 2), round(now[1] - clock[1], 2)]
        clock[:] = now

    ruleset = load_ruleset(ruleset_path)
    journal = output.with_name(output.name + ".journal")
    with scoring_pool(ruleset, 2) as pool:
        rows, read_errors = read_units(ruleset.model, units)
        phase("read")
        report = run_batch(ruleset, rows, pool=pool, journal=journal, read_errors=read_errors, columnar=columnar)
        phase("score, journal, quotas, ranks, summary")
    write_results(report, output)
    phase("write the CSV report")
    journal.unlink()
    print(json.dumps({"phases": phases, "scored": len(report.units), "errors": len(report.errors)}))


class Sampler(threading.Thread):
    """The peak resident memory of a process and its children, and the peak size of a file."""

    def __init__(self, pid: int, watched: Path):
        super().__init__(daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.watched = watched
        self.peak_rss = self.peak_file = 0
        self.done = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.done.wait(0.1):
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                rss = 0
                for member in tree:
                    with contextlib.suppress(psutil.NoSuchProcess):
                        rss += member.memory_info().rss
            except psutil.NoSuchProcess:
                return
            self.peak_rss = max(self.peak_rss, rss)
            if self.watched.exists():
                self.peak_file = max(self.peak_file, self.watched.stat().st_size)


def measure(tree: Path, ruleset: Path, units: Path, folder: Path, columnar: bool) -> dict:
    """Wall, CPU (with children), peak memory and peak journal size of one batch."""
    output = folder / f"results-{time.monotonic_ns()}.csv"
    command = [sys.executable, __file__, "--child", str(ruleset), str(units), str(output)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    command += ["--columnar"] if columnar else []
    env = {**os.environ, TREE: str(tree)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env)
    sampler = Sampler(process.pid, output.with_name(output.name + ".journal"))
    sampler.start()
    out, _ = process.communicate()
    wall = time.perf_counter() - wall
    sampler.done.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        raise SystemExit(f"the batch over {tree} failed ({process.returncode})")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    found = json.loads(out.strip().splitlines()[-1])
    output.unlink()
    output.with_suffix(".summary.json").unlink()
    return {**found, "wall": wall, "cpu": cpu, "peak": sampler.peak_rss, "journal": sampler.peak_file}


def idle_rss(tree: Path, ruleset: Path, units: Path, folder: Path) -> dict:
    """The same batch over no units: what a batch costs before its first unit."""
    empty = folder / "empty.csv"
    empty.write_text(units.open(encoding="utf-8").readline(), encoding="utf-8")
    return measure(tree, ruleset, empty, folder, columnar=False)


def per_unit(figures: dict, idle: dict, count: int) -> float:
    return (figures["peak"] - idle["peak"]) / count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=25_000, help="units of the before/after baseline")
    parser.add_argument("--rounds", type=int, default=1, help="interleaved rounds of the baseline")
    parser.add_argument("--before", type=Path, default=Path("/work/main"), help="a tree of today's code")
    parser.add_argument("--child", nargs=3, metavar=("RULESET", "UNITS", "OUTPUT"))
    parser.add_argument("--columnar", action="store_true")
    args = parser.parse_args()
    if args.child:
        ruleset, units, output = (Path(p) for p in args.child)
        child(ruleset, units, output, args.columnar)
        return
    from bench.synthetic import ruleset_dict

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        ruleset = folder / "synthetic-50.yaml"
        ruleset.write_text(json.dumps(ruleset_dict(), ensure_ascii=False), encoding="utf-8")
        county, nation = folder / "county.csv", folder / "nation.csv"
        began = time.perf_counter()
        write_units(county, args.baseline)
        write_units(nation, args.units)
        print(f"wrote {args.baseline:,} and {args.units:,} units as CSV in {time.perf_counter() - began:.0f} s")

        trees = {"before": args.before, "after": ROOT}
        idle = {side: idle_rss(tree, ruleset, county, folder) for side, tree in trees.items()}
        rounds: dict[str, list[dict]] = {"before": [], "after": []}
        for _ in range(args.rounds):
            for side, tree in trees.items():
                rounds[side].append(measure(tree, ruleset, county, folder, columnar=False))
        print(f"\nbaseline: {args.baseline:,} units per unit (2 workers), median of {args.rounds} round(s)")
        medians = {
            side: {k: statistics.median(r[k] for r in runs) for k in ("wall", "cpu", "peak", "journal")}
            for side, runs in rounds.items()
        }
        for side, m in medians.items():
            print(
                f"  {side:6}  wall {m['wall']:6.1f} s  cpu {m['cpu']:6.1f} s  peak {m['peak'] / 2**20:7.0f} MiB"
                f"  ({per_unit(m, idle[side], args.baseline):7.0f} B/unit over an empty batch's"
                f" {idle[side]['peak'] / 2**20:.0f} MiB)  journal {m['journal'] / args.baseline:7.0f} B/unit"
            )
        b, a = medians["before"], medians["after"]
        memory = per_unit(a, idle["after"], args.baseline) / per_unit(b, idle["before"], args.baseline)
        print(
            f"  after/before: wall {a['wall'] / b['wall']:.2f}  cpu {a['cpu'] / b['cpu']:.2f}"
            f"  memory per unit {memory:.2f}"
            f"  journal per unit {a['journal'] / b['journal']:.3f}"
        )

        big = measure(ROOT, ruleset, nation, folder, columnar=True)
        print(f"\nnational: {args.units:,} units from CSV, columnar, as kaoping batch --columnar (this tree)")
        print(f"  scored {big['scored']:,}, error rows {big['errors']:,}")
        wall_ok = "under" if big["wall"] < TARGET_SECONDS else "OVER"
        peak_ok = "under" if big["peak"] < TARGET_BYTES else "OVER"
        print(f"  wall {big['wall']:.1f} s ({wall_ok} the {TARGET_SECONDS} s target)  cpu {big['cpu']:.1f} s")
        print(
            f"  peak memory {big['peak'] / 2**30:.2f} GiB ({peak_ok} the 3 GiB target),"
            f" {per_unit(big, idle['after'], args.units):.0f} B/unit over an empty batch;"
            f" journal {big['journal'] / args.units:.0f} B/unit"
        )
        for name, (wall, cpu) in big["phases"].items():
            print(f"    {name:42} wall {wall:7.1f} s  cpu {cpu:7.1f} s")


if __name__ == "__main__":
    main()
