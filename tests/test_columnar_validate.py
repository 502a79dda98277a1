"""The columnar batch's memoized validation gives each row validate_input's verdict: the
same values (same types, same digits) or a refusal, whatever the row holds."""

import random
from decimal import Decimal

import pytest

from engine.columnar.validate import Validator
from engine.errors import InputError
from engine.inputs import validate_input
from engine.pool import UnitRow
from engine.result import UnitRef
from tests.golden_units import random_units, shipped_rulesets

RULESETS = shipped_rulesets()
# values that equal one another yet may be judged apart, and values of every kind
ODD = (5, 5.0, -0.0, 0.0, Decimal("5"), Decimal("5.0"), Decimal("-0"), Decimal("5.000000000000000000000000000001"))
ODD += (True, False, "NA", "5", "", None, [1], {"a": 1}, float("nan"), Decimal("NaN"), 10**30, Decimal("1E+40"))


def verdicts(model, rows):
    found = {}
    for row in rows:
        try:
            found[row.row] = validate_input(model, row.data)
        except InputError:
            found[row.row] = None
    return found


def typed(values):
    return None if values is None else {name: (type(v), str(v)) for name, v in values.items()}


@pytest.mark.parametrize("name", sorted(RULESETS))
def test_the_memo_gives_every_row_the_verdict_of_validate_input(name):
    ruleset = RULESETS[name]
    rng = random.Random(5)
    datas = [unit["data"] for unit in random_units(rng, ruleset, 60)]
    names = list(ruleset.model.inputs)
    for data in list(datas[:40]):
        odd = dict(data)
        for input_name in rng.sample(names, min(3, len(names))):
            odd[input_name] = rng.choice(ODD)
        if rng.random() < 0.2:
            odd.pop(rng.choice(names))
        if rng.random() < 0.1:
            odd["not_an_input"] = 1
        datas.append(odd)
    datas.append("not a dict")
    rows = [UnitRow(n + 2, UnitRef(id=f"u{n}"), data) for n, data in enumerate(datas)]
    valid, refused = Validator(ruleset.model).split(rows)
    expected = verdicts(ruleset.model, rows)
    assert {row.row for row in refused} == {row for row, values in expected.items() if values is None}
    assert len(refused) > 5 and len(valid) > 40
    for row, values in valid:
        assert typed(values) == typed(expected[row.row])
        assert list(values) == list(expected[row.row])
