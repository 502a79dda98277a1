"""Page times: the server time of a score record's page for the shipped 31-indicator
village ruleset, and of a 25,000-unit batch dashboard's first page, against the API's JSON
answers for the same things measured in the same rounds (targets: under 100 ms and under
300 ms).

    python bench/pages.py [--villages 25000] [--requests 40] [--rounds 5]

`kaoping serve` runs in a child process (one worker) on loopback; each figure is the
median over interleaved rounds of the per-request wall time seen by a kept-alive client
(which adds about 0.3 ms), with the server's CPU time per request beside it.
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
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("KAOPING_TEST_POSTGRES", "off")
from tests.conftest import village_submission  # noqa: E402
from tests.server import SERVERS, running_service  # noqa: E402


class Client:
    """One kept-alive connection with a bearer token."""

    def __init__(self, base: str, token: str):
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port)
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str) -> bytes:
        self.connection.request("GET", path, headers=self.headers)
        answer = self.connection.getresponse()
        body = answer.read()
        if answer.status != 200:
            raise RuntimeError(f"GET {path}: {answer.status} {body[:300]!r}")
        return body


def server_cpu(base: str) -> float:
    """CPU seconds used so far by the service's processes (the parent and its workers)."""
    parent = psutil.Process(SERVERS[base].pid)
    total = 0.0
    for process in [parent, *parent.children(recursive=True)]:
        times = process.cpu_times()
        total += times.user + times.system
    return total


def timed(client: Client, base: str, path: str, count: int) -> tuple[float, float]:
    """(median wall ms, server CPU ms per request) of `count` GETs of `path`."""
    walls = []
    cpu = server_cpu(base)
    for _ in range(count):
        began = time.perf_counter()
        client.get(path)
        walls.append((time.perf_counter() - began) * 1000)
    return statistics.median(walls), (server_cpu(base) - cpu) * 1000 / count


def rounds(client: Client, base: str, paths: dict[str, str], count: int, how_many: int) -> dict[str, tuple]:
    """Each path timed once per round, in turn, so a load swing hits them alike."""
    figures: dict[str, list[tuple[float, float]]] = {name: [] for name in paths}
    for path in paths.values():  # warm: templates compiled, caches filled
        timed(client, base, path, 3)
    for _ in range(how_many):
        for name, path in paths.items():
            figures[name].append(timed(client, base, path, count))
    return {
        name: (statistics.median(w for w, _ in values), statistics.median(c for _, c in values))
        for name, values in figures.items()
    }


def upload(base: str, token: str, csv_path: Path) -> str:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    boundary = "kaopingbench"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{csv_path.name}"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + csv_path.read_bytes()
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={boundary}"}
    connection.request("POST", "/rulesets/village-branch-stars/batches?period=2025", body=body, headers=headers)
    answer = connection.getresponse()
    payload = json.loads(answer.read())
    if answer.status != 202:
        raise RuntimeError(f"upload: {answer.status} {payload}")
    return payload["id"]


def wait_for(client: Client, batch_id: str) -> dict:
    while True:
        status = json.loads(client.get(f"/batches/{batch_id}"))
        if status["status"] in ("done", "failed"):
            return status
        time.sleep(1)


def report(title: str, figures: dict[str, tuple], page: str, baseline: str, target_ms: float) -> None:
    print(f"\n{title}")
    for name, (wall, cpu) in figures.items():
        print(f"  {name:<34} {wall:8.1f} ms wall   {cpu:8.1f} ms server CPU")
    wall = figures[page][0]
    ratio = wall / figures[baseline][0]
    verdict = "met" if wall < target_ms else "NOT met"
    print(f"  page / API JSON: {ratio:.2f}x; target under {target_ms:.0f} ms: {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=25000)
    parser.add_argument("--requests", type=int, default=40, help="requests per path in each round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "county"
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "generate.py"), "--villages", str(args.villages), "-o", str(stem)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        units = stem.with_name("county-units.csv")
        with running_service(Path(folder) / "data", units=(units,)) as (base, tokens):
            auditor = Client(base, tokens["auditor"])
            submitter = Client(base, tokens["submitter"])
            body = json.dumps(village_submission(), ensure_ascii=False).encode()
            submitter.connection.request(
                "POST",
                "/rulesets/village-branch-stars/scores",
                body=body,
                headers={**submitter.headers, "Content-Type": "application/json"},
            )
            record = json.loads(submitter.connection.getresponse().read())["id"]
            score_paths = {
                "score page /ui/scores/{id}": f"/ui/scores/{record}",
                "API GET /scores/{id}": f"/scores/{record}",
            }
            report(
                "a score record (village ruleset, 31 indicators):",
                rounds(auditor, base, score_paths, args.requests, args.rounds),
                "score page /ui/scores/{id}",
                "API GET /scores/{id}",
                100,
            )
            began = time.perf_counter()
            batch = upload(base, tokens["submitter"], stem.with_suffix(".csv"))
            status = wait_for(auditor, batch)
            print(f"\nbatch of {status['rows']} villages: {status['status']} in {time.perf_counter() - began:.1f} s")
            batch_paths = {
                "dashboard /ui/batches/{id}": f"/ui/batches/{batch}",
                "API GET /batches/{id}": f"/batches/{batch}",
            }
            report(
                f"the dashboard's first page ({status['rows']} units):",
                rounds(auditor, base, batch_paths, max(5, args.requests // 4), args.rounds),
                "dashboard /ui/batches/{id}",
                "API GET /batches/{id}",
                300,
            )


if __name__ == "__main__":
    main()
