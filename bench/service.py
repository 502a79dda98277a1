"""Service latency and throughput: `kaoping serve` on loopback, POST /rulesets/{id}/scores
for the village ruleset with 1 and 8 concurrent clients, on SQLite and on PostgreSQL
(started by scripts/postgres-test-server when it can be).

    python bench/service.py [--requests 1000] [--workers N] [--skip-postgres]

The service runs one worker process per core unless --workers says otherwise.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("KAOPING_TEST_POSTGRES", "off")  # the tests' helpers: this script starts its own server
from tests.conftest import _reset_postgres, village_submission  # noqa: E402
from tests.server import running_service  # noqa: E402


def postgres_url(port: str | None = None) -> str | None:
    """The URL of the tests' PostgreSQL server (on KAOPING_PG_PORT, else `port`), started if
    need be; None, and said so, when it cannot be."""
    env = {**os.environ}
    if port:
        env.setdefault("KAOPING_PG_PORT", port)
    done = subprocess.run([str(ROOT / "scripts" / "postgres-test-server")], capture_output=True, text=True, env=env)
    if done.returncode != 0:
        print("PostgreSQL: not available (scripts/postgres-test-server could not start it)")
        return None
    return done.stdout.strip().splitlines()[-1]


def units_file(folder: Path, runs: dict[str, int]) -> Path:
    """A units file with the villages each run scores (a unit has one score a period, so
    every run scores its own), under 城关镇 of the example tree."""
    path = folder / "bench-units.csv"
    rows = [f"{prefix}-{n},{prefix}{n}村,村,cgz" for prefix, count in runs.items() for n in range(count)]
    path.write_text("编码,名称,类型,上级编码\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def drive(base: str, token: str, clients: int, requests: int, prefix: str) -> tuple[list[float], float]:
    """Latencies (ms) of `requests` score posts spread over `clients` threads, and the wall time.

    Each client is a kept-alive http.client connection: the clients share the machine's
    cores with the service, and a lean client takes less of them (httpx costs about
    1.2 ms of CPU a request here, http.client 0.3 ms)."""
    bodies = []
    for n in range(requests):
        body = village_submission(collective_income=round(2 + (n % 90) / 10, 1))
        body["unit"] = {"id": f"{prefix}-{n}"}
        bodies.append(json.dumps(body, ensure_ascii=False).encode())
    per_client = [bodies[c::clients] for c in range(clients)]
    address = urlsplit(base)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def run(share: list[bytes]) -> list[float]:
        latencies = []
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
        try:
            for body in share:
                began = time.perf_counter()
                connection.request("POST", "/rulesets/village-branch-stars/scores", body=body, headers=headers)
                response = connection.getresponse()
                text = response.read()
                latencies.append((time.perf_counter() - began) * 1000)
                assert response.status == 201, text
        finally:
            connection.close()
        return latencies

    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(run, per_client))
    return [ms for part in results for ms in part], time.perf_counter() - began


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(label: str, database_url: str | None, requests: int, workers: int) -> None:
    runs = {"warm": 40, "c1": requests, "c8": requests}
    with tempfile.TemporaryDirectory() as data:
        units = units_file(Path(data), runs)
        with running_service(Path(data), database_url, workers, units=(units,)) as (base, tokens):
            _drive_all(label, base, tokens["submitter"], requests, workers)


def _drive_all(label: str, base: str, token: str, requests: int, workers: int) -> None:
    drive(base, token, 2, 40, "warm")  # warm up: compile the ruleset in the workers
    print(f"{label} ({workers} worker{'s' if workers > 1 else ''}):")
    for clients in (1, 8):
        latencies, wall = drive(base, token, clients, requests, f"c{clients}")
        p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
        verdict = ""
        if clients == 8 and label == "SQLite":
            verdict = f"   target p99 < 50 ms: {'met' if p99 < 50 else 'NOT met'}"
        print(
            f"  {clients} client(s): p50 {p50:6.1f} ms   p99 {p99:6.1f} ms"
            f"   {len(latencies) / wall:7.1f} req/s{verdict}"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    measure("SQLite", None, args.requests, args.workers)
    if args.skip_postgres:
        return
    url = postgres_url()
    if url is None:
        return
    _reset_postgres(url)
    measure("PostgreSQL", url, args.requests, max(args.workers, 2))


if __name__ == "__main__":
    main()
