"""Each hazard of durable_rules 2.0.28 and the design that keeps it away.

Crashing hazards (segfault, SIGFPE, a hang) are exercised in a child process, so a
regression fails the test instead of killing the test run.
"""

import json
import subprocess
import sys
import threading
from decimal import Decimal

import pytest

from engine import runtime, score
from engine.compiler import MAX_FIELDS_PER_FACT, MAX_MATCHES_PER_FACT, SENTINEL, engine_json
from engine.matcher import DirectMatcher, DurableMatcher

from .conftest import ROOT, build_from, ruleset_dict


def run_child(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_no_background_timer_thread_ever_starts(village):
    before = set(threading.enumerate())
    score(village, village.model.tests[0].input)
    assert set(threading.enumerate()) == before
    assert "durable.engine" not in sys.modules  # the Host (and its timer) is never imported


def test_threads_get_exactly_the_sequential_results(village):
    cases = [c.input for c in village.model.tests if not c.expect.errors]
    expected = [score(village, data).model_dump() for data in cases]
    outcomes: dict[int, list] = {}

    def worker(n: int) -> None:
        outcomes[n] = [score(village, cases[(n + i) % len(cases)]).model_dump() for i in range(60)]

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n, results in outcomes.items():
        for i, result in enumerate(results):
            assert result == expected[(n + i) % len(cases)]


def test_every_session_fires_and_is_deleted_memory_stays_flat(village):
    # 1,025 live sessions would fail with MemoryError; with deletion thousands are fine
    data = village.model.tests[0].input
    code = f"""
import resource, json
from engine import load_ruleset, score
rs = load_ruleset('rulesets/village-branch-stars.yaml')
data = json.loads({json.dumps(json.dumps(data, default=float, ensure_ascii=False))})
for _ in range(300):
    score(rs, data)
start = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for _ in range(3000):
    score(rs, data)
print(start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""
    done = run_child(code)
    assert done.returncode == 0, done.stderr
    start, end = map(int, done.stdout.split())
    assert end < start * 1.1


def test_sessions_are_deleted_even_when_reading_firings_fails(monkeypatch):
    definition = {SENTINEL: {"all": [{"m": {"$gte": {"_k": 0}}}]}}
    calls = []
    real_delete = runtime._engine.delete_state
    monkeypatch.setattr(runtime._engine, "delete_state", lambda h, sid: (calls.append(sid), real_delete(h, sid)))
    monkeypatch.setattr(runtime, "_rule_of", lambda message: (_ for _ in ()).throw(RuntimeError("boom")))
    with pytest.raises(RuntimeError):
        runtime.match("kp-test-failing", definition, [{"id": "0", "_k": 0}])
    assert len(calls) == 1  # the exception propagated (not swallowed) and the session was deleted


def test_more_than_64_matches_on_one_fact_is_refused_without_a_crash():
    # The compiler keeps every fact under the limit; drive the runtime past it directly.
    code = """
from engine import runtime
definition = {'seen': {'all': [{'m': {'$gte': {'_k': 0}}}]}}
definition.update({f'r{i}': {'all': [{'m': {'$gte': {'x': i}}}]} for i in range(70)})
try:
    runtime.match('kp-too-many', definition, [{'id': '0', '_k': 0, 'x': 100}])
except runtime.EngineFailure as error:
    print('refused', 'error code: 303' in str(error))
"""
    done = run_child(code)
    assert done.returncode == 0, done.stderr  # no segfault: a session where nothing fired is not deleted
    assert done.stdout.strip() == "refused True"


def test_a_unit_is_split_so_no_fact_reaches_the_engine_limits():
    data = ruleset_dict()
    data["inputs"] = {f"v{n}": {"type": "integer", "title": f"v{n}", "min": 0, "max": 10} for n in range(300)}
    data["dimensions"][0]["indicators"] = [
        {
            "id": f"i{n}",
            "title": f"i{n}",
            "points": 4,
            "score": {"bands": [{"when": f"v{n} >= {t}", "points": 4 - b} for b, t in enumerate((8, 5, 2))]},
        }
        for n in range(300)
    ]
    rs = build_from(data)
    plans = rs.compiled.facts
    assert len(plans) > 1
    assert all(plan.matches <= MAX_MATCHES_PER_FACT for plan in plans)
    assert all(len(plan.fields) <= MAX_FIELDS_PER_FACT for plan in plans)
    values = {f"v{n}": 10 for n in range(300)}
    result = score(rs, values)  # 900 band rules firing: far beyond 64 on one fact
    assert result.total == 1200


def test_facts_sent_to_the_engine_hold_only_plain_json_values(village, monkeypatch):
    sent = []
    real = runtime._engine.assert_facts
    monkeypatch.setattr(runtime._engine, "assert_facts", lambda h, text: (sent.append(text), real(h, text))[1])
    case = village.model.tests[6]  # has an "NA" input
    score(village, case.input)
    for text in sent:
        for fact in json.loads(text):
            for key, value in fact.items():
                assert value is not None
                assert isinstance(value, int | float | str)
                if isinstance(value, str) and key not in ("sid", "id"):
                    assert key == "four_two_compliance" or key.startswith("assistance")  # choices only
    assert all("migrant_members_contact_pct" not in json.loads(t)[0] for t in sent)  # NA left out


def test_numeric_strings_decimal_nan_and_huge_numbers_never_reach_the_engine():
    rs = build_from(ruleset_dict())
    for bad in ("9", float("nan"), float("inf"), Decimal("1e20"), 10**30):
        with pytest.raises(Exception) as caught:
            score(rs, {"x": bad, "flag": False})
        assert caught.type.__name__ == "InputError"


def test_no_integer_division_by_zero_in_the_engine():
    # arithmetic never runs in the engine: a formula dividing by zero is refused in Python
    data = ruleset_dict()
    data["dimensions"][0]["indicators"][0]["score"] = {"check": "10 / x > 1"}
    rs = build_from(data)
    assert all("$div" not in engine_json(rule) for rule in rs.compiled.definition.values())
    with pytest.raises(Exception) as caught:
        score(rs, {"x": 0, "flag": False})
    assert caught.type.__name__ == "InputError"


def test_a_ruleset_is_registered_once_and_old_ones_are_deleted():
    data = ruleset_dict()
    first = build_from(data)
    again = build_from(data)
    assert first.compiled.engine_name == again.compiled.engine_name
    score(first, {"x": 1, "flag": False})
    score(again, {"x": 1, "flag": False})  # same name: no "already registered"
    for n in range(runtime.MAX_LIVE_RULESETS + 5):
        variant = build_from(
            {
                **data,
                "grades": [
                    {"id": "good", "title": "好", "min": n + 1},
                    {"id": "ok", "title": "一般"},
                ],
            }
        )
        score(variant, {"x": 1, "flag": False})
    assert runtime.live_rulesets() <= runtime.MAX_LIVE_RULESETS


def test_chinese_values_and_rule_names_work(village):
    result = score(village, {**village.model.tests[0].input, "assistance_rating": "差"})
    assert [v.id for v in result.vetoes] == ["poor_assistance"]


def test_durable_and_direct_matchers_agree_on_the_village(village):
    for case in village.model.tests:
        if case.expect.errors:
            continue
        durable = score(village, case.input, matcher=DurableMatcher()).model_dump()
        direct = score(village, case.input, matcher=DirectMatcher()).model_dump()
        assert durable == direct
