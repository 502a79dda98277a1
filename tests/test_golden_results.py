"""Results are written byte for byte as they were before they were built without pydantic.

tests/golden/ holds seeded random units of every shipped ruleset with the JSON the code of
the commit in tests/golden/COMMIT wrote for them (see tests/golden_units.py): both the
lean path (`score_lean`) and the validated model (`score`) must write the same bytes."""

import pytest

from engine import score_lean
from tests.golden_units import golden_rulesets, read_golden, score_json, scoring_args

RULESETS = golden_rulesets()


def lean_json(ruleset, unit: dict) -> str:
    return score_lean(ruleset, unit["data"], **scoring_args(unit)).json


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_every_golden_unit_is_written_with_the_same_bytes(name):
    units = read_golden(name)
    assert len(units) >= 25
    for unit in units:
        assert lean_json(RULESETS[name], unit) == unit["json"], unit["unit"]
        assert score_json(RULESETS[name], unit) == unit["json"], unit["unit"]


def test_every_golden_ruleset_has_its_units():
    assert len(RULESETS) == 6 and all(read_golden(name) for name in RULESETS)


def test_the_golden_files_cover_every_extension():
    found = {key for name in RULESETS for unit in read_golden(name) for key in unit if key in ("reference", "filled")}
    written = "".join(unit["json"] for name in RULESETS for unit in read_golden(name))
    assert found == {"reference", "filled"}
    for key in ('"ballots":', '"raised_flags":', '"filled_inputs":', '"reference":', '"status":"disqualified"'):
        assert key in written
