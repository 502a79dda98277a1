"""The lean path writes exactly what the validated pydantic path writes, and keeps nothing
the cyclic collector would scan."""

import gc
import random
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import InputError, Result, score, score_lean
from engine.lean import result_json
from tests.golden_units import random_units, read_golden, scoring_args, shipped_rulesets, with_context

RULESETS = shipped_rulesets()


def scored_both(ruleset, unit):
    """(the lean result, the pydantic result) of one unit of a golden-style batch."""
    args = scoring_args(unit)
    return score_lean(ruleset, unit["data"], **args), score(ruleset, unit["data"], **args)


@pytest.mark.parametrize("name", sorted(RULESETS))
@settings(max_examples=15, deadline=None)
@given(rng=st.randoms(use_true_random=False))
def test_the_lean_json_is_what_the_validated_model_writes(name, rng):
    ruleset = RULESETS[name]
    units = with_context(rng, ruleset, random_units(rng, ruleset, 3), f"property-{name}")
    for unit in units:
        try:
            full = scored_both(ruleset, unit)[1]
        except InputError:  # a relative unit its batch leaves unscorable is refused alike
            with pytest.raises(InputError):
                scored_both(ruleset, unit)
            continue
        lean = scored_both(ruleset, unit)[0]
        assert lean.json == full.model_dump_json()
        assert lean.json == Result.model_validate_json(lean.json).model_dump_json()
        assert lean.result == Result.model_validate_json(full.model_dump_json())
        assert (lean.status, lean.total, lean.unit) == (full.status, full.total, full.unit and full.unit.id)
        assert lean.grade == (full.grade.id if full.grade else None)


def test_a_kept_lean_result_holds_nothing_the_collector_tracks(village):
    from tests.conftest import village_submission

    lean = score_lean(village, village_submission()["data"], unit={"id": "v1", "name": "红旗村"})
    held = [getattr(lean, name) for name in lean.__slots__]
    assert held[0].startswith('{"ruleset":')
    assert not any(gc.is_tracked(value) for value in held)
    assert isinstance(lean.total, Decimal) and lean.unit == "v1"


def test_a_figure_is_written_in_its_one_text_form_and_nothing_else_is_accepted():
    from fractions import Fraction

    assert result_json({"a": Decimal("12.50"), "b": Fraction(104, 9), "c": 3}) == '{"a":"12.5","b":"104/9","c":3}'
    with pytest.raises(TypeError):
        result_json({"a": object()})


def test_the_golden_generator_is_seeded():
    ruleset = RULESETS["village-cadre-pay"]
    assert random_units(random.Random(3), ruleset, 4) == random_units(random.Random(3), ruleset, 4)


def test_a_bands_reason_and_title_are_the_strings_made_when_the_ruleset_was_compiled():
    from engine import score_part

    ruleset = RULESETS["synthetic-50"]
    units = [read_golden("synthetic-50")[n]["data"] for n in range(2)]
    plans = ruleset.compiled.texts.bands["i0"]
    for data in units:
        part = score_part(ruleset, data)["indicators"][0]
        fixed = plans[part["band"]].part
        assert part["detail"] is fixed["detail"] and part["title"] is fixed["title"]
        assert part["values"] == {"x0": data["x0"]}
