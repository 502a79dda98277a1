"""Run `kaoping serve` in a child process on a free loopback port, for tests and benchmarks."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
SERVERS: dict[str, subprocess.Popen] = {}  # base URL -> the running `kaoping serve`


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cli(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return done.stdout


def worker_pids(base: str) -> set[int]:
    """The process ids of a running service's workers (a restarted worker has a new one)."""
    children = psutil.Process(SERVERS[base].pid).children(recursive=False)
    return {child.pid for child in children if "resource_tracker" not in " ".join(child.cmdline())}


@contextmanager
def running_service(
    data_dir: Path, database_url: str | None = None, workers: int = 1, load: bool = True, units: tuple[Path, ...] = ()
):
    """Yields (base_url, {role: token}) over the example tree of units (and `units`);
    the tokens are whole-tree ones. The server is stopped afterwards."""
    env = {**os.environ, "KAOPING_DATA_DIR": str(data_dir), "KAOPING_LOG_LEVEL": "WARNING"}
    env.pop("KAOPING_DATABASE_URL", None)
    if database_url:
        env["KAOPING_DATABASE_URL"] = database_url
    for path in (ROOT / "examples" / "units.csv", *units):
        cli(env, "units", "import", str(path))
    tokens = {
        role: cli(env, "token", "create", "--role", role, "--name", f"{role}-server").strip().splitlines()[-1]
        for role in ("admin", "submitter", "auditor", "editor")
    }
    port = free_port()
    args = [sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--workers", str(workers)]
    if load:
        args += ["--load", str(ROOT / "rulesets")]
    server = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with contextlib.suppress(httpx.HTTPError):  # not listening yet
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {server.stderr.read().decode()}")
            time.sleep(0.2)
        SERVERS[base] = server
        yield base, tokens
    finally:
        SERVERS.pop(base, None)
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
