"""Every shipped ruleset loads, has at least 10 embedded tests, and passes them all."""

from pathlib import Path

import pytest

from engine import load_ruleset
from engine.checks import check_ruleset
from engine.testing import run_case

from .conftest import SCORING_RULESETS

SHIPPED = SCORING_RULESETS
CASES = [(path, index) for path in SHIPPED for index in range(len(load_ruleset(path).model.tests))]


def test_the_three_rulesets_are_shipped():
    assert {p.stem for p in SHIPPED} >= {
        "village-branch-stars",
        "city-county-poverty-appraisal",
        "village-cadre-pay",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_each_ruleset_has_at_least_ten_tests_and_no_warnings(path: Path):
    loaded = load_ruleset(path)
    assert len(loaded.model.tests) >= 10
    assert check_ruleset(loaded.model, len(loaded.compiled.conditions)).warnings == []


@pytest.mark.parametrize("path, index", CASES, ids=lambda v: v.stem if isinstance(v, Path) else str(v))
def test_embedded_case(path: Path, index: int):
    loaded = load_ruleset(path)
    outcome = run_case(loaded, loaded.model.tests[index])
    assert outcome.passed, [(m.what, m.expected, m.actual) for m in outcome.mismatches]
