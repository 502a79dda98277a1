"""Concurrent requests give exactly what sequential ones give, and the chain stays whole,
with one process on SQLite and with several worker processes on one PostgreSQL."""

import random
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from engine import load_ruleset, score

from .conftest import POSTGRES_URL, ROOT, _reset_postgres, extra_units_csv, village_submission
from .server import running_service

VILLAGE = load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml")


def submissions(count: int) -> list[dict]:
    rng = random.Random(11)
    bodies = []
    for n in range(count):
        body = village_submission(
            collective_income=round(rng.uniform(0, 15), 2),
            party_lectures=rng.randint(0, 6),
            team_avg_age=round(rng.uniform(35, 55), 1),
            village_bully_cases=int(rng.random() < 0.1),
            assistance_rating=rng.choice(["好", "较好", "一般", "差"]),
            petition_cases=rng.randint(0, 4),
            migrant_members_contact_pct=rng.choice(["NA", 60, 85.5, 100]),
            overdue_rectifications=0,  # given: the service fills nothing, so results are the engine's
        )
        body["unit"] = {"id": f"v{n:04d}", "name": f"村{n}", "parent": f"镇{n % 7}"}
        bodies.append(body)
    return bodies


def hammer(base: str, tokens: dict, bodies: list[dict], threads: int) -> None:
    expected = {b["unit"]["id"]: score(VILLAGE, b["data"], unit=b["unit"]).model_dump(mode="json") for b in bodies}
    headers = {"Authorization": f"Bearer {tokens['submitter']}"}

    def send(body):
        with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
            response = client.post("/rulesets/village-branch-stars/scores", json=body)
            assert response.status_code == 201, response.text
            return response.json()

    with ThreadPoolExecutor(threads) as pool:
        records = list(pool.map(send, bodies))
    for record in records:
        result = dict(record["result"])
        assert result == {**expected[record["unit"]["id"]], "ruleset": result["ruleset"]}
    seqs = [r["seq"] for r in records]
    assert len(set(seqs)) == len(seqs)  # none twice; between them the events of the items they opened
    auditor = {"Authorization": f"Bearer {tokens['auditor']}"}
    chain = httpx.get(base + "/audit/verify", headers=auditor, timeout=60).json()
    assert chain["records"] == len(bodies) and chain["intact"] is True and chain["first_broken_seq"] is None
    items = httpx.get(base + "/rectification", headers=auditor, timeout=60).json()["items"]
    petitions = sorted(i["unit"] for i in items if i["item"] == "fix_petition")  # each once, with its record
    assert petitions == sorted(b["unit"]["id"] for b in bodies if b["data"]["petition_cases"] > 0)


@pytest.mark.parametrize("workers", [1, 2])
def test_many_threads_on_sqlite_match_sequential_results(tmp_path, workers):
    with running_service(tmp_path, workers=workers, units=(extra_units_csv(tmp_path / "u.csv"),)) as (base, tokens):
        hammer(base, tokens, submissions(160), threads=12)


if POSTGRES_URL:

    def test_several_workers_over_one_postgresql(tmp_path):
        _reset_postgres(POSTGRES_URL)
        units = (extra_units_csv(tmp_path / "u.csv"),)
        with running_service(tmp_path, database_url=POSTGRES_URL, workers=3, units=units) as (base, tokens):
            hammer(base, tokens, submissions(200), threads=16)
