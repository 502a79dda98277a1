"""A batch upload through the service, end to end: a county of villages (bench/generate.py)
uploaded to `kaoping serve`, waited for until stored, its audit chain verified; the code of
a baseline git ref (today's path) against this tree's, in interleaved rounds, on SQLite
and on PostgreSQL (started by scripts/postgres-test-server when it can be).

    python bench/service_batch.py [--units 25000] [--rounds 2] [--baseline main] [--skip-postgres]

Each run is a fresh service (its own data directory or database) started from one of the
two trees. The phases are read from the batch's status as it moves (polled every 250 ms,
so that the polling costs the service little CPU): reading with admitting and filling
(queued -> running), scoring (running -> storing), storing (storing -> done). CPU time is
the service's and all its children's (the batch's process and its scoring pool), measured
with psutil.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PHASES = ("read", "scoring", "storing", "total")
POLL = 0.25


def one_run(code: Path, csv_path: Path, units_path: Path, database_url: str | None) -> dict:
    """One upload to a service started from the tree `code`: its phases, CPU and checks."""
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() not in (ROOT, ROOT / "bench")]
    sys.path.insert(0, str(code))
    os.environ.setdefault("KAOPING_TEST_POSTGRES", "off")
    import httpx
    import psutil

    from tests.conftest import _reset_postgres
    from tests.server import SERVERS, running_service

    if database_url:
        _reset_postgres(database_url)
    with (
        tempfile.TemporaryDirectory() as data,
        running_service(Path(data), database_url, 1, units=(units_path,)) as (base, tokens),
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        return _upload_and_wait(client, tokens, psutil.Process(SERVERS[base].pid), csv_path)


def _cpu(process) -> float:
    """CPU seconds of the process and every child, live or reaped."""
    total = 0.0
    for each in [process, *process.children(recursive=True)]:
        try:
            times = each.cpu_times()
        except Exception:  # a child that ended meanwhile is counted by its parent
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def _upload_and_wait(client, tokens: dict, server, csv_path: Path) -> dict:
    auditor = {"Authorization": f"Bearer {tokens['auditor']}"}
    cpu_before = _cpu(server)
    began = time.perf_counter()
    with csv_path.open("rb") as handle:
        accepted = client.post(
            "/rulesets/village-branch-stars/batches?period=2025",
            headers={"Authorization": f"Bearer {tokens['submitter']}"},
            files={"file": (csv_path.name, handle, "text/csv")},
        )
    assert accepted.status_code == 202, accepted.text
    batch_id = accepted.json()["id"]
    seen = {"queued": began}
    while True:
        batch = client.get(f"/batches/{batch_id}", headers=auditor).json()
        seen.setdefault(batch["status"], time.perf_counter())
        if batch["status"] in ("done", "failed"):
            break
        time.sleep(POLL)
    cpu = _cpu(server) - cpu_before
    assert batch["status"] == "done", batch.get("failure")
    for status in ("running", "storing"):  # a phase too short to be seen ends when the next begins
        seen.setdefault(status, seen["done"])
    chain = client.get("/audit/verify", headers=auditor).json()
    return {
        "read": seen["running"] - began,
        "scoring": seen["storing"] - seen["running"],
        "storing": seen["done"] - seen["storing"],
        "total": seen["done"] - began,
        "cpu": cpu,
        "stored": batch["stored"],
        "columnar": (batch["summary"] or {}).get("columnar"),
        "intact": chain["intact"],
        "records": chain["records"],
    }


def _run_in_child(code: Path, csv_path: Path, units_path: Path, database_url: str | None) -> dict:
    """one_run in a fresh interpreter, so each tree's modules are its own."""
    args = [sys.executable, __file__, "--one", str(code), "--csv", str(csv_path), "--units-file", str(units_path)]
    if database_url:
        args += ["--database", database_url]
    done = subprocess.run(args, capture_output=True, text=True, cwd=code)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-3000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def baseline_tree(ref: str, folder: Path) -> Path:
    """The code of `ref` (today's path), unpacked under `folder`."""
    tree = folder / "baseline"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    modules = ROOT / "api" / "web" / "node_modules"  # the web pages' packages, not in git
    if modules.exists():
        (tree / "api" / "web" / "node_modules").symlink_to(modules.resolve())
    return tree


def measure(label: str, trees: dict[str, Path], csv_path: Path, units_path: Path, url: str | None, rounds: int):
    runs: dict[str, list[dict]] = {name: [] for name in trees}
    for round_ in range(rounds):
        order = list(trees) if round_ % 2 == 0 else list(reversed(trees))  # interleaved, alternating first
        for name in order:
            runs[name].append(_run_in_child(trees[name], csv_path, units_path, url))
            last = runs[name][-1]
            print(
                f"  {label} round {round_ + 1} {name:8}: {last['total']:7.2f} s wall, {last['cpu']:7.2f} s CPU,"
                f" stored {last['stored']}, chain {'intact' if last['intact'] else 'BROKEN'}",
                flush=True,
            )
    medians = {name: {key: statistics.median(r[key] for r in runs[name]) for key in (*PHASES, "cpu")} for name in runs}
    print(f"{label}: medians of {rounds} round(s)")
    print(f"  {'':10}" + "".join(f"{key:>10}" for key in (*PHASES, "cpu")))
    for name, figures in medians.items():
        print(f"  {name:10}" + "".join(f"{figures[key]:9.2f}s" for key in (*PHASES, "cpu")))
    base, new = medians["baseline"], medians["this"]
    ratios = {key: base[key] / new[key] if new[key] else float("inf") for key in (*PHASES, "cpu")}
    print(f"  {'ratio':10}" + "".join(f"{ratios[key]:9.2f}x" for key in (*PHASES, "cpu")))
    intact = all(r["intact"] for name in runs for r in runs[name])
    print(f"  columnar counts (this tree): {runs['this'][-1]['columnar']}")
    print(f"  audit chain intact after every run: {'yes' if intact else 'NO'}")
    print(f"  target >= 4x end to end (wall): {'met' if ratios['total'] >= 4 else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=25000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--baseline", default="main", help="the git ref whose code is today's path")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--units-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one, args.csv, args.units_file, args.database)))
        return
    sys.path.insert(0, str(ROOT))
    from bench.generate import write_county
    from bench.service import postgres_url

    with tempfile.TemporaryDirectory() as folder:
        csv_path, _, units_path = write_county(Path(folder) / "county", args.units, 120)
        trees = {"baseline": baseline_tree(args.baseline, Path(folder)), "this": ROOT}
        print(f"{args.units} villages, baseline {args.baseline} vs this tree, {args.rounds} round(s)", flush=True)
        measure("SQLite", trees, csv_path, units_path, None, args.rounds)
        if args.skip_postgres:
            return
        url = postgres_url("54391")
        if url is None:
            return
        measure("PostgreSQL", trees, csv_path, units_path, url, args.rounds)


if __name__ == "__main__":
    main()
