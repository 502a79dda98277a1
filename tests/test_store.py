"""The store's canonical JSON (what a record's hash covers) and the compiled-version cache."""

import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from api import catalog
from api.store import canonical

from .conftest import VILLAGE_TEXT

# what results and stored inputs are made of: text, small integers, booleans, nulls
JSON_WITHOUT_FLOATS = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(JSON_WITHOUT_FLOATS)
def test_canonical_is_sorted_compact_json_as_the_json_module_writes_it(data):
    assert canonical(data) == json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def test_canonical_writes_decimals_as_numbers_and_integers_beyond_64_bits():
    assert canonical({"b": Decimal("6.20"), "a": Decimal("3")}) == '{"a":3,"b":6.2}'
    assert canonical({"big": 10**30, "x": [Decimal("0.5")]}) == '{"big":1000000000000000000000000000000,"x":[0.5]}'


def test_a_version_is_compiled_once_and_its_text_read_only_then():
    reads = []

    def text():
        reads.append(1)
        return VILLAGE_TEXT

    key = ("village-branch-stars", 987654, "sha256:test-only")
    first = catalog.compiled(key, text)
    again = catalog.compiled(key, text)
    assert again is first and len(reads) == 1
    assert first.version == 987654 and first.id == "village-branch-stars"


def _new_score(village, actor, unit_id, key=None):
    from api.store import NewScore
    from engine import score

    from .conftest import village_submission

    data = village_submission()["data"]
    return NewScore(
        ruleset=village,
        version=1,
        unit_id=unit_id,
        unit_name=None,
        unit_parent=None,
        period="2025",
        submitted=data,
        result_json=score(village, data).model_dump_json(),
        actor=actor,
        idempotency_key=key,
    )


def _appending_at_once(settings, monkeypatch, village, keys):
    """Append one score per key from as many threads, the first writer held back until
    the others wait: they are written as one group. Returns (outcomes, sessions, writes)."""
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    from api import store
    from api.auth import Actor, Reach
    from api.db import make_engine, make_sessions, migrate

    engine = make_engine(settings.url)
    migrate(engine)
    sessions = make_sessions(engine)
    actor = Actor(1, "写入", (Reach("submitter", None, None),))
    writes = []
    held = threading.Event()
    real = store.append_scores

    def counted(session, scores):
        if not held.is_set():
            held.set()
            time.sleep(0.5)  # the others arrive meanwhile and wait for the next group
        writes.append(len(scores))
        return real(session, scores)

    monkeypatch.setattr(store, "append_scores", counted)

    def append(index):
        if index:
            held.wait()
        with sessions() as session:
            try:
                return store.append_score(session, _new_score(village, actor, f"u{index}", keys[index]))
            except Exception as error:  # noqa: BLE001 - the outcome is what is checked
                return error

    with ThreadPoolExecutor(len(keys)) as pool:
        outcomes = list(pool.map(append, range(len(keys))))
    return outcomes, sessions, writes, engine


def test_scores_appended_at_once_are_written_as_one_group_each_with_its_own_record(settings, monkeypatch, village):
    from api.store import verify_chain

    outcomes, sessions, writes, engine = _appending_at_once(settings, monkeypatch, village, [None] * 8)
    try:
        assert writes == [1, 7]  # the held-back first writer, then everyone who waited, together
        assert sorted(r.seq for r in outcomes) == list(range(1, 9))
        assert sorted(r.unit_id for r in outcomes) == [f"u{n}" for n in range(8)]
        with sessions() as session:
            assert verify_chain(session).intact
    finally:
        engine.dispose()


def test_a_refused_score_in_a_group_fails_alone(settings, monkeypatch, village):
    from sqlalchemy.exc import IntegrityError

    outcomes, sessions, writes, engine = _appending_at_once(settings, monkeypatch, village, [None, "k", "k", None])
    try:
        refused = [o for o in outcomes if isinstance(o, IntegrityError)]
        written = [o for o in outcomes if not isinstance(o, Exception)]
        assert len(refused) == 1 and len(written) == 3  # the second use of key "k" only
        assert writes[:2] == [1, 3]  # the group was tried whole, then each score alone
        assert sorted(r.seq for r in written) == [1, 2, 3]
    finally:
        engine.dispose()
