"""A bounded fuzz run against the real service (`kaoping serve`, two workers): random and
mutated submissions, raw bodies, and small random rulesets. No answer may be a 5xx, no
connection may drop, and no worker may be restarted."""

import json
import string
from collections import Counter
from decimal import Decimal

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import load_ruleset

from ..conftest import ROOT, village_submission
from ..server import running_service, worker_pids

VILLAGE = load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml")
FUZZ = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck), derandomize=True)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.decimals(allow_nan=False, allow_infinity=False).map(lambda d: d if d.is_finite() else Decimal(0)),
    st.sampled_from(["NA", "是", "否", "好", "差", "", "0x10", "1e-7", "\u0000", "=cmd|' /C calc'!A0"]),
    st.text(max_size=20),
)
json_values = st.recursive(
    json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
)
number_texts = st.sampled_from(
    ["0.000001", "1e-7", "5e-324", "1e999999999", "-0.0", "4.99999999999999999999999999999", "1E+2", "12", "0.5"]
)


def _text(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


@st.composite
def mutated_submissions(draw) -> str:
    """The example village, with some values replaced, dropped or added, written as JSON text
    (numbers in every notation, including ones the json module cannot write)."""
    body = village_submission()
    data = body["data"]
    names = sorted(data)
    for name in draw(st.lists(st.sampled_from(names), max_size=6, unique=True)):
        action = draw(st.sampled_from(["replace", "drop", "number"]))
        if action == "drop":
            del data[name]
        elif action == "replace":
            data[name] = draw(json_values)
        else:
            data[name] = f"@@{draw(number_texts)}@@"
    for key in draw(st.lists(st.text(min_size=1, max_size=8), max_size=3)):
        data[key] = draw(json_values)
    if draw(st.booleans()):
        body[draw(st.sampled_from(["version", "supersedes", "period", "unit", "extra"]))] = draw(json_values)
    text = _text(body)
    return text.replace('"@@', "").replace('@@"', "")


raw_bodies = st.one_of(
    st.binary(max_size=200),
    st.text(max_size=200),
    st.sampled_from(['{"a": 1, "a": 2}', "[" * 5000, '{"data": NaN}', '"\\ud800"', "{}", "null"]),
)

names = st.sampled_from(["x", "y", "flag", "total", "undeclared", "收入", "inсome", "__class__"])
operators = st.sampled_from([">", ">=", "<", "<=", "==", "!="])
literals = st.one_of(number_texts, st.sampled_from(["true", "'好'", "'NA'", "x", "y"]))


@st.composite
def expressions(draw, depth: int = 0) -> str:
    if depth > 2 or draw(st.integers(0, 3)) == 0:
        return f"{draw(names)} {draw(operators)} {draw(literals)}"
    joiner = draw(st.sampled_from([" and ", " or "]))
    parts = draw(st.lists(expressions(depth + 1), min_size=1, max_size=3))
    text = joiner.join(f"({p})" for p in parts)
    return f"not ({text})" if draw(st.booleans()) else text


@st.composite
def small_rulesets(draw) -> str:
    bands = [{"when": draw(expressions()), "points": draw(st.integers(-1, 12))} for _ in range(draw(st.integers(1, 4)))]
    if draw(st.booleans()):
        bands.append({"else": 0})
    ruleset = {
        "kaoping": 1,
        "id": "fuzz-" + draw(st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10)),
        "title": "模糊测试",
        "inputs": {
            "x": {"type": "number", "title": "X", "min": 0, "max": draw(st.sampled_from([1, 100, "1e-7", 10**16]))},
            "y": {"type": draw(st.sampled_from(["number", "integer", "text"])), "title": "Y"},
            "flag": {"type": "boolean", "title": "标志", "na_allowed": draw(st.booleans())},
        },
        "dimensions": [
            {
                "id": "main",
                "title": "主维度",
                "indicators": [{"id": "level", "title": "水平", "points": 10, "score": {"bands": bands}}],
            }
        ],
        "vetoes": [{"id": "bad", "title": "否决", "when": draw(expressions()), "effect": "lowest"}],
        "grades": [{"id": "good", "title": "好", "min": draw(st.integers(0, 12))}, {"id": "ok", "title": "一般"}],
    }
    if draw(st.booleans()):
        ruleset[draw(st.sampled_from(["precision", "quotas", "adjustments", "extra"]))] = draw(json_values)
    return _text(ruleset)


@pytest.mark.slow
def test_fuzzing_the_service_gives_no_5xx_no_dropped_connection_and_no_restart(tmp_path):
    statuses: Counter = Counter()
    with running_service(tmp_path, workers=2) as (base, tokens), httpx.Client(base_url=base, timeout=30) as client:
        workers = worker_pids(base)
        assert len(workers) == 2

        def send(role: str, path: str, body: str | bytes, content_type: str) -> httpx.Response:
            headers = {"Authorization": f"Bearer {tokens[role]}", "Content-Type": content_type}
            answer = client.post(path, content=body.encode() if isinstance(body, str) else body, headers=headers)
            statuses[answer.status_code] += 1
            assert answer.status_code < 500, (answer.status_code, answer.text[:500], body[:500])
            return answer

        @settings(FUZZ, max_examples=500)
        @given(body=mutated_submissions())
        def submissions(body):
            send("submitter", "/rulesets/village-branch-stars/scores", body, "application/json")

        @settings(FUZZ, max_examples=100)
        @given(body=raw_bodies)
        def raw(body):
            send("submitter", "/rulesets/village-branch-stars/scores", body, "application/json")
            send("editor", "/rulesets", body, "application/yaml")

        @settings(FUZZ, max_examples=250)
        @given(text=small_rulesets(), data=st.data())
        def rulesets(text, data):
            created = send("editor", "/rulesets", text, "application/json")
            if created.status_code == 201:
                values = {"x": data.draw(json_scalars), "y": data.draw(json_scalars), "flag": data.draw(json_scalars)}
                body = _text({"unit": {"id": "u1"}, "period": "2025", "data": values})
                send("submitter", f"/rulesets/{created.json()['id']}/scores", body, "application/json")

        submissions()
        raw()
        rulesets()

        assert worker_pids(base) == workers  # no worker died and was replaced
        assert client.get("/healthz").status_code == 200
        assert client.get("/audit/verify", headers={"Authorization": f"Bearer {tokens['auditor']}"}).json()["intact"]
    tried = sum(statuses.values())
    print(f"\nfuzz: {tried} requests, statuses {dict(sorted(statuses.items()))}")
    assert tried >= 800
    assert statuses[201] > 0 and statuses[422] > 0  # both accepted and refused cases were reached
