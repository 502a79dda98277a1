"""How quickly the hostile rulesets of tests/hostile are refused: `kaoping check`'s loading,
in this process, each case the median of 5 rounds (CPU time beside wall time); and how
quickly a submission flooded with 100,000 unknown keys is refused (it took 8.7 s once).

    python bench/hostile.py
"""

from __future__ import annotations

import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from engine import RulesetError, load_ruleset  # noqa: E402
from tests.hostile.test_rulesets import CASES  # noqa: E402

ROUNDS = 5


def main() -> None:
    texts = {name: make() for name, make, *_ in CASES}
    walls: dict[str, list[float]] = {name: [] for name in texts}
    cpus: dict[str, list[float]] = {name: [] for name in texts}
    for _ in range(ROUNDS):  # interleaved: every case once a round
        for name, text in texts.items():
            wall, cpu = time.perf_counter(), time.process_time()
            with contextlib.suppress(RulesetError):
                load_ruleset(text)
            walls[name].append(time.perf_counter() - wall)
            cpus[name].append(time.process_time() - cpu)
    print(f"{'case':40} {'bytes':>9} {'wall ms':>9} {'cpu ms':>9}")
    for name, text in texts.items():
        wall, cpu = statistics.median(walls[name]) * 1000, statistics.median(cpus[name]) * 1000
        print(f"{name:40} {len(text):>9} {wall:>9.1f} {cpu:>9.1f}")
    worst = max(texts, key=lambda n: statistics.median(walls[n]))
    print(f"worst: {worst}, {statistics.median(walls[worst]) * 1000:.0f} ms (target: under 1,000 ms)")
    flood()


def flood() -> None:
    """A village submission with 100,000 keys no input has, POSTed to the service (in this
    process, on SQLite) and refused with a brief answer."""
    import logging

    from api.app import create_app
    from api.settings import Settings
    from tests.conftest import VILLAGE_TEXT, Service, village_submission

    body = village_submission()
    body["data"].update({f"k{n}": n for n in range(100_000)})
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Settings(data_dir=Path(folder)))
        logging.getLogger("kaoping.access").setLevel(logging.WARNING)  # not a line per request
        service = Service(app, Path(folder))
        service.add_ruleset(VILLAGE_TEXT)
        walls, cpus, sizes = [], [], set()
        for _ in range(ROUNDS):
            wall, cpu = time.perf_counter(), time.process_time()
            answer = service.call("POST", "/rulesets/village-branch-stars/scores", "submitter", json=body)
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            assert answer.status_code == 422, answer.text
            sizes.add(len(answer.content))
        app.state.batches.stop()
        app.state.engine.dispose()
    wall, cpu = statistics.median(walls) * 1000, statistics.median(cpus) * 1000
    print(f"100,000 unknown keys POSTed: {wall:.0f} ms wall, {cpu:.0f} ms CPU, answers of {max(sizes):,} bytes")
    print("  (target: under 5,000 ms and 40,000 bytes; it once took 8.7 s and answered 13.7 MB)")


if __name__ == "__main__":
    main()
