"""Results are written byte for byte as they were before they were built without pydantic.

tests/golden/ holds seeded random units of every shipped ruleset with the JSON the code of
the commit in tests/golden/COMMIT wrote for them (see tests/golden_units.py)."""

import pytest

from tests.golden_units import read_golden, score_json, shipped_rulesets

RULESETS = shipped_rulesets()


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_every_golden_unit_is_written_with_the_same_bytes(name):
    units = read_golden(name)
    assert len(units) >= 25
    for unit in units:
        assert score_json(RULESETS[name], unit) == unit["json"], unit["unit"]
