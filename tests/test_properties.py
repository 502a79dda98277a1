"""Properties that must hold for every input, checked with hypothesis."""

from decimal import Decimal

from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from engine import RulesetError, score
from engine.inputs import validate_input
from engine.matcher import DirectMatcher, DurableMatcher

from .conftest import build_from, ruleset_dict

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
decimals = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def village_inputs(draw, village):
    """Valid random submissions for the shipped village ruleset."""
    data = {}
    for name, spec in village.model.inputs.items():
        if spec.type == "boolean":
            data[name] = draw(st.booleans())
        elif spec.type == "choice":
            data[name] = draw(st.sampled_from(spec.choices))
        elif spec.type == "text":
            continue
        else:
            low, high = spec.min, min(spec.max, Decimal(60))
            if spec.type == "integer":
                data[name] = draw(st.integers(int(low), int(high)))
            else:
                data[name] = draw(st.decimals(min_value=low, max_value=high, places=2))
        if spec.na_allowed and draw(st.integers(0, 4)) == 0:
            data[name] = "NA"
    data["years_without_new_member"] = 0
    data["has_activity_site"] = True
    return data


@SETTINGS
@given(data=st.data())
def test_total_never_below_zero_and_no_group_beyond_its_cap(village, data):
    result = score(village, data.draw(village_inputs(village)))
    assert result.total >= 0
    for group, spec in zip(result.adjustments, village.model.adjustments, strict=True):
        if spec.cap >= 0:
            assert group.applied <= spec.cap
        else:
            assert group.applied >= spec.cap


@SETTINGS
@given(data=st.data())
def test_same_submission_gives_the_identical_result(village, data):
    submission = data.draw(village_inputs(village))
    first = score(village, submission).model_dump_json()
    score(village, data.draw(village_inputs(village)))  # another unit in between
    assert score(village, submission).model_dump_json() == first


@st.composite
def band_ruleset(draw):
    thresholds = sorted(draw(st.lists(decimals, min_size=1, max_size=5, unique=True)), reverse=True)
    points = sorted(
        draw(st.lists(st.integers(0, 10), min_size=len(thresholds), max_size=len(thresholds))),
        reverse=True,
    )
    ops = draw(st.lists(st.sampled_from([">=", ">"]), min_size=len(thresholds), max_size=len(thresholds)))
    bands = [{"when": f"x {op} {t}", "points": p} for op, t, p in zip(ops, thresholds, points, strict=True)]
    if draw(st.booleans()):
        bands.append({"else": 0})
    data = ruleset_dict()
    data["dimensions"][0]["indicators"][0]["score"] = {"bands": bands}
    return data


@settings(max_examples=60, deadline=None)
@given(spec=band_ruleset(), low=decimals, high=decimals)
def test_raising_an_input_never_lowers_a_higher_is_better_band(spec, low, high):
    rs = build_from(spec)
    low, high = min(low, high), max(low, high)
    assert score(rs, {"x": low, "flag": False}).total <= score(rs, {"x": high, "flag": False}).total


# ---------------------------------------------------------------- durable_rules against direct evaluation

RANDOM_INPUTS = {
    "a": {"type": "number", "title": "a", "min": -50, "max": 50, "na_allowed": True},
    "b": {"type": "integer", "title": "b", "min": 0, "max": 5},
    "c": {"type": "choice", "title": "c", "choices": ["好", "较好", "差"], "na_allowed": True},
    "f": {"type": "boolean", "title": "f", "na_allowed": True},
}


def atoms():
    number = st.sampled_from(["-3", "0", "1.5", "2", "4"])
    op = st.sampled_from(["==", "!=", "<", "<=", ">", ">="])
    return st.one_of(
        st.builds(lambda o, n: f"a {o} {n}", op, number),
        st.builds(lambda o, n: f"{n} {o} b", op, number),
        st.builds(lambda o: f"a {o} b", op),
        st.builds(lambda v: f"c == '{v}'", st.sampled_from(["好", "较好", "差"])),
        st.builds(
            lambda vs, neg: f"c {'not in' if neg else 'in'} {vs}",
            st.lists(st.sampled_from(["好", "较好", "差"]), min_size=1, max_size=3),
            st.booleans(),
        ),
        st.sampled_from(["f", "not f", "a == 'NA'", "c != 'NA'", "f == 'NA'", "true", "false"]),
        st.builds(lambda o, n: f"a * 2 - b {o} {n}", op, number),
        st.builds(lambda n: f"(a if f else b) > {n}", number),
        st.builds(lambda n: f"1 <= b < {n}", number),
        st.builds(lambda n: f"b != 0 and a / b > {n}", number),
    )


conditions = st.recursive(
    atoms(),
    lambda inner: st.one_of(
        st.builds(lambda x, y: f"({x}) and ({y})", inner, inner),
        st.builds(lambda x, y: f"({x}) or ({y})", inner, inner),
        st.builds(lambda x: f"not ({x})", inner),
        st.builds(lambda x, y, z: f"({y}) if ({x}) else ({z})", inner, inner, inner),
    ),
    max_leaves=6,
)

values = st.fixed_dictionaries(
    {
        "a": st.one_of(st.just("NA"), st.decimals(min_value=-5, max_value=5, places=1)),
        "b": st.integers(0, 5),
        "c": st.sampled_from(["NA", "好", "较好", "差"]),
        "f": st.sampled_from(["NA", True, False]),
    }
)


@settings(max_examples=250, deadline=None)
@given(
    texts=st.lists(conditions, min_size=1, max_size=4),
    units=st.lists(values, min_size=1, max_size=4),
)
def test_durable_rules_firings_equal_direct_evaluation(texts, units):
    data = ruleset_dict(inputs=RANDOM_INPUTS)
    data["dimensions"][0]["indicators"] = [
        {
            "id": "i",
            "title": "i",
            "points": 10,
            "score": {"bands": [{"when": text, "points": 10} for text in texts]},
        },
    ]
    data["vetoes"] = [{"id": f"v{n}", "title": "v", "when": text, "effect": "lowest"} for n, text in enumerate(texts)]
    data["grades"] = [
        {"id": "g", "title": "g", "min": 1, "requires": texts},
        {"id": "h", "title": "h"},
    ]
    try:
        rs = build_from(data)
    except RulesetError as refused:  # a random condition too long for one engine rule
        assert all(p.path == "(engine limits)" for p in refused.problems), refused
        reject()
    for unit in units:
        env = validate_input(rs.model, unit)
        assert DurableMatcher().fire(rs.compiled, 1, env) == DirectMatcher().fire(rs.compiled, 1, env), unit
        scored = {**env, "total": Decimal(5), "main": Decimal(5), "i": Decimal(5)}
        assert DurableMatcher().fire(rs.compiled, 2, scored) == DirectMatcher().fire(rs.compiled, 2, scored)
