"""Bad submissions are refused whole, every problem named with its code."""

from decimal import Decimal

import pytest

from engine import InputError, score
from engine.expressions import NA
from engine.inputs import validate_input

from .conftest import build


@pytest.fixture(scope="module")
def typed():
    return build(
        inputs={
            "x": {"type": "number", "title": "X", "min": 0, "max": 100},
            "n": {"type": "integer", "title": "N", "min": 0},
            "flag": {"type": "boolean", "title": "F"},
            "rating": {"type": "choice", "title": "R", "choices": ["好", "差"]},
            "note": {"type": "text", "title": "备注", "required": False},
            "opt": {"type": "number", "title": "O", "required": False, "default": 3},
            "rate": {"type": "number", "title": "率", "na_allowed": True},
        }
    )


GOOD = {"x": 50, "n": 2, "flag": True, "rating": "好", "rate": 0.5}


def codes(model, data):
    with pytest.raises(InputError) as caught:
        validate_input(model, data)
    return {(p.field, p.code) for p in caught.value.problems}


def test_every_problem_is_listed_at_once(typed):
    bad = {"x": "12", "n": 3.5, "flag": "yes", "rating": "中", "rate": "NA", "extra": 1}
    found = codes(typed.model, {**bad, "x": "12"})
    assert found == {
        ("x", "invalid_type"),
        ("n", "invalid_type"),
        ("flag", "invalid_type"),
        ("rating", "not_a_choice"),
        ("extra", "unknown_input"),
    }


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("x", 101, "out_of_range"),
        ("x", -1, "out_of_range"),
        ("x", float("nan"), "invalid_type"),
        ("x", float("inf"), "invalid_type"),
        ("x", True, "invalid_type"),
        ("x", "NA", "na_not_allowed"),
        ("n", Decimal("2.5"), "invalid_type"),
        ("flag", 1, "invalid_type"),
        ("rating", 1, "invalid_type"),
        ("x", Decimal("12.3456789012345678"), "invalid_type"),
    ],
)
def test_each_kind_of_bad_value(typed, field, value, code):
    assert codes(typed.model, {**GOOD, field: value}) == {(field, code)}


def test_missing_required_input(typed):
    data = dict(GOOD)
    del data["rating"]
    assert codes(typed.model, data) == {("rating", "missing")}


def test_problem_says_expected_and_got(typed):
    with pytest.raises(InputError) as caught:
        validate_input(typed.model, {**GOOD, "x": 101})
    [problem] = caught.value.problems
    assert problem.expected == "0 到 100 之间的数"
    assert problem.message == "X (x): 应为 0 到 100 之间的数, 实际为 101"
    assert problem.got == "101"


def test_normalization(typed):
    values = validate_input(typed.model, {**GOOD, "x": 0.1, "rate": "NA"})
    assert values["x"] == Decimal("0.1")
    assert values["n"] == Decimal(2)
    assert values["opt"] == Decimal(3)
    assert values["note"] is NA
    assert values["rate"] is NA


def test_scoring_refuses_a_non_mapping(typed):
    with pytest.raises(InputError):
        score(typed, ["not", "a", "mapping"])
