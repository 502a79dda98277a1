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
