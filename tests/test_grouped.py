"""Units matched together in one engine session get exactly the results they get one by
one: the same dicts, the same refusals in the same words."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine import InputError, load_ruleset, runtime, score_part
from engine.grouped import score_parts
from engine.runtime import EngineFailure
from tests.golden_units import random_units, scoring_args, shipped_rulesets, with_context

RULESETS = shipped_rulesets()


def one_by_one(ruleset, units):
    found = []
    for data, options in units:
        try:
            found.append(score_part(ruleset, data, **options))
        except InputError as error:
            found.append(error)
    return found


def same(grouped, alone) -> None:
    assert len(grouped) == len(alone)
    for mine, theirs in zip(grouped, alone, strict=True):
        if isinstance(theirs, InputError):
            assert isinstance(mine, InputError)
            assert mine.problems == theirs.problems
        else:
            assert mine == theirs


@pytest.mark.parametrize("name", sorted(RULESETS))
@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_a_group_scores_each_unit_as_it_is_scored_alone(name, seed):
    ruleset, rng = RULESETS[name], random.Random(seed)
    units = with_context(rng, ruleset, random_units(rng, ruleset, 7), f"grouped-{name}")
    asked = [(unit["data"], scoring_args(unit)) for unit in units]
    same(score_parts(ruleset, asked), one_by_one(ruleset, asked))


DIVIDING = """
kaoping: 1
id: dividing
title: 按比例
inputs:
  done: {type: integer, title: 完成数, min: 0}
  planned: {type: integer, title: 计划数, min: 0}
dimensions:
  - id: d
    title: 完成情况
    indicators:
      - id: rate
        title: 完成率
        points: 10
        score:
          bands:
            - {when: "done / planned >= 0.8", points: 10}
            - {else: 0}
grades:
  - {id: ok, title: 合格}
"""


def test_a_unit_refused_in_matching_leaves_the_others_of_its_group_scored():
    ruleset = load_ruleset(DIVIDING)
    asked = [({"done": 9, "planned": 10}, {}), ({"done": 1, "planned": 0}, {}), ({"done": 2, "planned": 10}, {})]
    grouped = score_parts(ruleset, asked)
    assert isinstance(grouped[1], InputError) and not isinstance(grouped[0], InputError)
    assert [grouped[0]["total"], grouped[2]["total"]] == [10, 0]
    same(grouped, one_by_one(ruleset, asked))


def test_a_shared_session_the_engine_refuses_is_matched_unit_by_unit(village, monkeypatch):
    from tests.conftest import village_submission

    asked = [(village_submission()["data"], {"unit": {"id": f"v{n}", "name": f"{n}村"}}) for n in range(3)]
    alone = one_by_one(village, asked)
    shared = []

    def refused(name, definition, facts):
        shared.append(len(facts))
        raise EngineFailure("the engine refused the unit's facts: error code: 303")

    monkeypatch.setattr(runtime, "match_each", refused)
    same(score_parts(village, asked), alone)
    assert shared and shared[0] > 1  # the group was tried as one session first


def test_a_firing_is_told_to_its_fact_by_the_id_the_engine_writes_first_or_else_by_json():
    assert runtime._fact_id("r", '{"r":{"m":{"id":"12.3","_k":0,"sid":"1-2"}}}') == "12.3"
    assert runtime._fact_id("r", '{"r":{"m":{"_k":0,"id":"7.1","sid":"1-2"}}}') == "7.1"


def test_scoring_rows_leaves_nothing_for_the_cyclic_collector_and_restores_it(village):
    import gc

    from engine.pool import UnitRow, score_rows
    from engine.result import UnitRef
    from tests.conftest import village_submission

    good = village_submission()["data"]
    rows = [UnitRow(n, UnitRef(id=f"v{n}"), good if n % 2 else {**good, "bogus": 1}) for n in range(6)]
    score_rows(village, rows[:2])  # anything made once per process made before counting
    gc.collect()
    outcomes = score_rows(village, rows)
    assert gc.isenabled()
    assert [isinstance(o, list) for o in outcomes] == [True, False] * 3  # refused, scored, ...
    del outcomes
    assert gc.collect() == 0  # no cycle left behind: pausing the collector frees the same
