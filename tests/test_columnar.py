"""The columnar path computes exactly the figures the per-unit durable_rules path does:
for every shipped ruleset it supports and for random small rulesets, on random units."""

import contextlib
import json
import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from engine import InputError, RulesetError, load_ruleset, score_part
from engine.ballots import count_ballots
from engine.columnar import score_columns
from engine.columnar.check import differing
from engine.columnar.numbers import LIMIT, Num, add, exacts, mul
from engine.columnar.outputs import reads_grade
from engine.columnar.tally import tally_columns
from engine.expressions import NA, Node
from engine.inputs import validate_input
from engine.lean import result_json
from engine.pool import UnitRow
from engine.relative import batch_own_values, references
from engine.result import Reference, UnitRef
from engine.scored import ScoredUnit
from tests.golden_units import random_units, shipped_rulesets

RULESETS = shipped_rulesets()
SHIPPED = sorted(RULESETS)


def per_unit(ruleset, data, reference=None) -> tuple[ScoredUnit, tuple]:
    """A unit as the per-unit path scores it, and its indicators' points."""
    part = score_part(ruleset, data, reference=reference)
    return ScoredUnit.of_part(ruleset.model, part, result_json(part)), tuple(i["points"] for i in part["indicators"])


def batch_references(ruleset, datas: list[dict]) -> list[Reference] | None:
    """Each unit's place among `datas` as a batch, for relative indicators (engine.batch.RelativeBatch)."""
    if not ruleset.model.relative_indicators():
        return None
    rows = [UnitRow(row=k, unit=UnitRef(id=f"u{k}"), data=data) for k, data in enumerate(datas)]
    found = references(ruleset.model, "批次", batch_own_values(ruleset.model, rows))
    return [found.get(k, Reference(batch="批次", indicators={})) for k in range(len(datas))]


def assert_same_figures(ruleset, datas: list[dict]) -> tuple[int, int]:
    """Every unit the columnar path scores has the per-unit figures; the ones it leaves
    are scored per unit. (columnar, left) counts."""
    refs = batch_references(ruleset, datas)
    figures, left = score_columns(ruleset, [validate_input(ruleset.model, data) for data in datas], refs)
    assert sorted([*figures, *left]) == list(range(len(datas)))
    for index, found in figures.items():
        unit, points = per_unit(ruleset, datas[index], refs[index] if refs else None)
        assert differing(found, unit) is None, (index, differing(found, unit))
        assert found.indicators == points
    for index in left:  # the per-unit path scores what was left to it, or refuses it saying why
        with contextlib.suppress(InputError):
            per_unit(ruleset, datas[index], refs[index] if refs else None)
    return len(figures), len(left)


def test_the_columnar_path_evaluates_every_kind_of_expression_node():
    # a new kind of node needs engine.columnar.evaluate to evaluate it before it ships
    assert {kind.__name__ for kind in Node.__subclasses__()} == {
        "And",
        "Arithmetic",
        "Boolean",
        "Call",
        "Compare",
        "Conditional",
        "Membership",
        "Name",
        "Negate",
        "Not",
        "Number",
        "Or",
        "String",
    }


def test_relative_indicators_are_scored_columnar_against_each_units_reference():
    ruleset = RULESETS["county-relative-appraisal"]
    datas = [unit["data"] for unit in random_units(random.Random(8), ruleset, 40)]
    columnar, _ = assert_same_figures(ruleset, datas)
    assert columnar > 30
    values = [validate_input(ruleset.model, data) for data in datas]
    assert score_columns(ruleset, values) == ({}, list(range(40)))  # no reference: the per-unit path refuses them


def _one_indicator(score: dict, **more) -> object:
    """A ruleset of one indicator scored by `score`, over x (-3 to 9) and y (-2 to 5), with
    `more` (outputs, flags)."""
    ruleset = {
        "kaoping": 1,
        "id": "t",
        "title": "测试",
        "inputs": {
            "x": {"type": "integer", "title": "数", "min": -3, "max": 9},
            "y": {"type": "number", "title": "数二", "min": -2, "max": 5},
        },
        "dimensions": [
            {"id": "d", "title": "维度", "indicators": [{"id": "i", "title": "指标", "points": 10, "score": score}]}
        ],
        "grades": [{"id": "g", "title": "等次", "min": 3}, {"id": "h", "title": "等次二"}],
        **more,
    }
    return load_ruleset(json.dumps(ruleset, ensure_ascii=False))


def _xy_units(count: int) -> list[dict]:
    rng = random.Random(1)
    return [{"x": rng.randint(-3, 9), "y": rng.randint(-200, 500) / 100} for _ in range(count)] + [{"x": 0, "y": 0}]


def test_division_by_an_input_is_columnar_and_a_unit_dividing_by_zero_goes_per_unit():
    ruleset = _one_indicator({"formula": "x / y + 1 / (x - 1) if y > 0 else x / (x + 4) / (y < 3)"})
    datas = _xy_units(80)
    figures, left = score_columns(ruleset, [validate_input(ruleset.model, d) for d in datas])
    zero = {k for k, d in enumerate(datas) if d["y"] == 0 or d["x"] == 1 or d["y"] >= 3}
    assert set(left) == zero and zero  # every unit with a 0 divisor somewhere, and only those
    assert_same_figures(ruleset, datas)
    with pytest.raises(InputError, match="除以零"):
        per_unit(ruleset, {"x": 1, "y": 2})  # 1 / (x - 1) is reached: the per-unit path refuses it


def test_outputs_are_columnar_a_flag_reads_them_and_an_output_dividing_by_zero_goes_per_unit():
    outputs = {
        "share": {"title": "占比", "formula": "total / y"},
        "good": {"title": "达标", "type": "boolean", "formula": "grade == 'g' and share > 2"},
    }
    flags = [{"id": "f", "title": "提示", "when": "good or share < -1"}]
    ruleset = _one_indicator({"formula": "x + y"}, outputs=outputs, flags=flags)
    datas = _xy_units(80)
    figures, left = score_columns(ruleset, [validate_input(ruleset.model, d) for d in datas])
    assert set(left) == {k for k, d in enumerate(datas) if d["y"] == 0}
    assert {f.raised for f in figures.values()} == {(), ("f",)}
    assert_same_figures(ruleset, datas)
    with pytest.raises(InputError, match="除以零"):
        per_unit(ruleset, {"x": 1, "y": 0})


def _ballot_ruleset(empty_groups: str) -> object:
    ruleset = {
        "kaoping": 1,
        "id": "t",
        "title": "测试",
        "inputs": {"x": {"type": "integer", "title": "数", "min": 0, "max": 9}},
        "ballots": [
            {
                "id": "b",
                "title": "测评",
                "choices": [{"id": "yes", "title": "满意", "value": 1}, {"id": "no", "title": "不满意", "value": 0}],
                "groups": [{"id": "p", "title": "群众", "weight": 0.7}, {"id": "q", "title": "干部", "weight": 0.3}],
                "empty_groups": empty_groups,
            }
        ],
        "dimensions": [
            {
                "id": "d",
                "title": "维度",
                "indicators": [
                    {
                        "id": "i",
                        "title": "满意度",
                        "points": 10,
                        "score": {"linear": {"of": "b.satisfaction", "zero_at": 0.5, "full_at": 1}},
                    },
                    {"id": "j", "title": "干部", "points": 5, "score": {"formula": "b.group.q.rate.yes * 5 + x / 9"}},
                ],
            }
        ],
        "vetoes": [{"id": "v", "title": "否决", "when": "b.rate.no >= 1/3", "effect": "lowest"}],
        "grades": [{"id": "g", "title": "等次", "min": 8}, {"id": "h", "title": "等次二"}],
    }
    return load_ruleset(json.dumps(ruleset, ensure_ascii=False))


@pytest.mark.parametrize("empty_groups", ["refuse", "reweight"])
def test_ballots_are_counted_per_unit_and_scored_columnar(empty_groups):
    ruleset = _ballot_ruleset(empty_groups)
    rng = random.Random(4)
    datas = [
        {"x": rng.randint(0, 9), **{f"b__{g}__{c}": rng.choice([0, 0, 1, 2, 7]) for g in "pq" for c in ("yes", "no")}}
        for _ in range(80)
    ]
    figures, left = score_columns(ruleset, [validate_input(ruleset.model, d) for d in datas])
    cast = [{g: d[f"b__{g}__yes"] + d[f"b__{g}__no"] for g in "pq"} for d in datas]
    empty = {k for k, c in enumerate(cast) if 0 in c.values()}
    if empty_groups == "refuse":
        assert set(left) == empty  # a group without ballots: the per-unit path refuses the unit
    else:  # an empty group q: indicator j is not applicable; both empty: refused
        assert set(left) == {k for k, c in enumerate(cast) if set(c.values()) == {0}}
        assert any(figures[k].indicators[1] is None for k in empty - set(left))
    assert_same_figures(ruleset, datas)


@pytest.mark.parametrize("empty_groups", ["refuse", "reweight"])
def test_ballots_counted_over_columns_have_every_figure_engine_ballots_counts(empty_groups):
    ruleset = _ballot_ruleset(empty_groups)
    rng = random.Random(6)
    names = [f"b__{g}__{c}" for g in "pq" for c in ("yes", "no")]
    datas = [{"x": 1, **{n: rng.choice([0, 1, 3, 10**14 - 1]) for n in names}} for _ in range(4)]  # int64 overflows
    datas += [{"x": 1, **{n: rng.choice([0, 0, 2, 5]) for n in names}} for _ in range(60)]
    values = [validate_input(ruleset.model, d) for d in datas]
    tallied = tally_columns(ruleset.model, values)
    for k, unit in enumerate(values):
        try:
            _, figures = count_ballots(ruleset.model, unit)
        except InputError:
            assert tallied.refused[k]
            continue
        assert not tallied.refused[k] and figures.keys() == tallied.columns.keys()
        for name, expected in figures.items():
            assert tallied.na[name][k] == (expected is NA)
            assert expected is NA or tallied.value(name, k) == expected, (k, name)
    assert tallied.refused.any() and not tallied.refused.all()


def test_a_weighted_dimension_of_no_points_never_reaches_the_columnar_path():
    dimension = {"id": "d", "title": "维度", "weight": 100, "indicators": [{"id": "i", "title": "指标", "points": 0}]}
    dimension["indicators"][0]["score"] = {"check": "x > 1"}
    ruleset = {
        "kaoping": 1,
        "id": "t",
        "title": "测试",
        "inputs": {"x": {"type": "integer", "title": "数", "min": 0, "max": 9}},
        "dimensions": [dimension],
        "grades": [{"id": "g", "title": "等次"}],
    }
    with pytest.raises(RulesetError, match="维度中各指标的满分之和须大于 0"):
        load_ruleset(json.dumps(ruleset, ensure_ascii=False))


def test_round_to_places_that_are_not_whole_leaves_every_unit_to_the_per_unit_path():
    ruleset = _one_indicator({"check": "round(x, 1.5) > 0 or y > 1"})
    datas = _xy_units(10)
    assert score_columns(ruleset, [validate_input(ruleset.model, d) for d in datas]) == ({}, list(range(11)))
    assert_same_figures(ruleset, datas)


@pytest.mark.parametrize("name", SHIPPED)
@settings(max_examples=8, deadline=None)
@given(seed=st.integers(0, 2**32))
def test_shipped_units_scored_columnar_have_the_per_unit_figures(name, seed):
    ruleset = RULESETS[name]
    assert_same_figures(ruleset, [unit["data"] for unit in random_units(random.Random(seed), ruleset, 12)])


def test_units_with_na_inputs_are_scored_columnar_and_disqualified_ones_whose_flags_read_the_grade_are_not():
    ruleset = RULESETS["village-branch-stars"]
    datas = [unit["data"] for unit in random_units(random.Random(3), ruleset, 60)]
    figures, left = score_columns(ruleset, [validate_input(ruleset.model, d) for d in datas])
    assert_same_figures(ruleset, datas)
    na = {
        k for k, d in enumerate(datas) if "NA" in (d.get("migrant_members_contact_pct"), d.get("pv_station_operating"))
    }
    assert na & set(figures) and all(figures[k].indicators.count(None) for k in na & set(figures))
    assert left and all(datas[k]["falsified_data"] for k in left)  # the flag adjust_team reads the grade


def test_a_broken_consistency_rule_leaves_the_unit_to_the_per_unit_path():
    ruleset = RULESETS["village-branch-stars"]
    data = dict(random_units(random.Random(5), ruleset, 1)[0]["data"], has_activity_site=False, site_area=120)
    assert score_columns(ruleset, [validate_input(ruleset.model, data)]) == ({}, [0])


def test_columns_widen_to_python_integers_before_int64_would_overflow():
    big = Num.const(10**12 + 1, 2)
    product = mul(big, big)
    assert LIMIT < (10**12 + 1) ** 2 and product.num.dtype == object
    assert exacts(add(product, Num.const(1, 2))) == [Decimal((10**12 + 1) ** 2 + 1)] * 2


# ---------------------------------------------------------------- random small rulesets

OPS = (">=", ">", "<", "<=", "==", "!=")
POINTS = st.sampled_from([0, 0.5, 1, 1.5, 2, 3, 4, 7.25, 10])


@st.composite
def small_ruleset(draw) -> dict:
    """A ruleset of bands, checks, linear, deduct, award, formula and relative indicators, fixed
    weights or weights by class, capped adjustments, vetoes and grades with mins and
    requirements, outputs (one reading the grade) and a flag reading them, a ballot, over a few
    inputs; expressions with conditionals, min, max, abs, round, division by an input and
    arithmetic on a condition."""
    inputs = {}
    for n in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["integer", "number", "boolean", "choice"]))
        if kind in ("integer", "number"):
            low = draw(st.integers(-20, 20))
            inputs[f"x{n}"] = {"type": kind, "title": f"数值{n}", "min": low, "max": low + draw(st.integers(1, 60))}
        elif kind == "boolean":
            inputs[f"x{n}"] = {"type": kind, "title": f"是否{n}"}
        else:
            inputs[f"x{n}"] = {"type": kind, "title": f"选项{n}", "choices": ["甲", "乙", "丙"]}
        if draw(st.integers(0, 3)) == 0:
            inputs[f"x{n}"]["na_allowed"] = True
    numeric = [n for n, s in inputs.items() if s["type"] in ("integer", "number")]

    def condition() -> str:
        name = draw(st.sampled_from(sorted(inputs)))
        spec = inputs[name]
        if spec.get("na_allowed") and draw(st.integers(0, 3)) == 0:
            return f"{name} {draw(st.sampled_from(['==', '!=']))} 'NA'"
        if spec["type"] == "boolean":
            return draw(st.sampled_from([name, f"not {name}"]))
        if spec["type"] == "choice":
            return f"{name} {draw(st.sampled_from(['==', '!=']))} '{draw(st.sampled_from(spec['choices']))}'"
        literal = draw(st.integers(spec["min"], spec["max"])) + draw(st.sampled_from([0, 0.5]))
        return f"{term(name)} {draw(st.sampled_from(OPS))} {literal}"

    def term(name: str) -> str:
        other = draw(st.sampled_from(numeric))
        return draw(
            st.sampled_from(
                [
                    name,
                    f"{name} * 2 - 1",
                    f"{name} / 4",
                    f"abs({name} - 3)",
                    f"min({name}, {other}, 5)",
                    f"max({name} / 3, {other})",
                    f"round({name} / 3, {draw(st.integers(0, 2))})",
                    f"round(-{name} / 8, 1)",
                    f"({name} * 2 if {other} > 1 else -{name})",
                    f"({name} > 2) * 3 + {other}",
                    f"{name} / {other}",
                ]
            )
        )

    def conditions() -> str:
        parts = [condition() for _ in range(draw(st.integers(1, 2)))]
        return f" {draw(st.sampled_from(['and', 'or']))} ".join(parts)

    def indicator(i: int) -> dict:
        methods = ["bands", "check"] + (["linear", "deduct", "award", "formula", "relative"] if numeric else [])
        method = draw(st.sampled_from(methods))
        points = draw(POINTS.filter(bool))
        if method == "bands":
            count = draw(st.integers(1, 3))
            bands = [{"when": conditions(), "points": min(points, draw(POINTS))} for _ in range(count)]
            if draw(st.booleans()):
                bands.append({"else": min(points, draw(POINTS))})
            score = {"bands": bands}
        elif method == "check":
            score = {"check": conditions()}
        elif method == "relative":
            relative = {
                "of": term(draw(st.sampled_from(numeric))),
                "method": draw(st.sampled_from(["rank", "best", "mean"])),
            }
            relative["direction"] = draw(st.sampled_from(["higher", "lower"]))
            if relative["method"] == "rank":
                relative.update(
                    step=draw(st.sampled_from([0.5, 1, 3])), ties=draw(st.sampled_from(["shared", "dense"]))
                )
            elif relative["method"] == "mean":
                relative.update(at_mean=points / 2, per=draw(st.sampled_from([0.5, 2])))
            score = {"relative": relative}
        elif method == "formula":
            score = {"formula": term(draw(st.sampled_from(numeric)))}
        elif method == "linear":
            name = draw(st.sampled_from(numeric))
            zero_at = draw(st.integers(-20, 40))
            score = {"linear": {"of": name, "zero_at": zero_at, "full_at": zero_at + draw(st.sampled_from([-7, 3, 9]))}}
        else:
            count = {"of": draw(st.sampled_from(numeric)), "points": draw(POINTS.filter(bool))}
            side = draw(st.sampled_from([None, "below", "above"]))
            if side:
                count[side] = draw(st.integers(-10, 30))
            if draw(st.booleans()):
                count["step"] = draw(st.sampled_from([1, 2.5, 3]))
            score = {method: count}
        return {"id": f"i{i}", "title": f"指标{i}", "points": points, "score": score}

    weighted = draw(st.sampled_from([None, "fixed", "class"]))
    if weighted == "class":
        inputs["cls"] = {"type": "choice", "title": "类别", "choices": ["一类", "二类"]}
    dimensions = []
    for d in range(draw(st.integers(1, 3))):
        indicators = [indicator(d * 10 + i) for i in range(draw(st.integers(1, 3)))]
        dimension = {"id": f"d{d}", "title": f"维度{d}", "indicators": indicators}
        if weighted == "fixed":
            dimension["weight"] = draw(st.sampled_from([10, 30, 33.3, 50]))
        elif weighted == "class":
            first, second = (draw(st.sampled_from([10, 30, 33.3, 50])) for _ in range(2))
            dimension["weight"] = {"by": "cls", "values": {"一类": first, "二类": second}}
        dimensions.append(dimension)
    adjustments = []
    for g in range(draw(st.integers(0, 2))):
        items = []
        for n in range(draw(st.integers(1, 2))):
            item = {"id": f"a{g}{n}", "title": f"调整{n}", "points": draw(st.sampled_from([-3, -0.5, 1, 2.5]))}
            if numeric and draw(st.booleans()):
                item["per"] = draw(st.sampled_from(numeric))
            else:
                item["when"] = conditions()
            items.append(item)
        group = {"id": f"g{g}", "title": f"调整组{g}", "items": items}
        if draw(st.booleans()):
            group["cap"] = draw(st.sampled_from([-4, -1, 2, 5]))
        adjustments.append(group)
    count = draw(st.integers(2, 4))
    mins = sorted(draw(st.lists(st.integers(0, 40), min_size=count - 1, max_size=count - 1, unique=True)), reverse=True)
    grades = [{"id": f"r{g}", "title": f"等次{g}", "min": m} for g, m in enumerate(mins)] + [
        {"id": f"r{count - 1}", "title": "末等"}
    ]
    if draw(st.booleans()):
        grades[0]["requires"] = [draw(st.sampled_from(["d0 >= 1", "total > 5", "i0 >= 0.5"])), conditions()]
    effects = ["lowest", "disqualify"] + [{"cap": g["id"]} for g in grades]
    vetoes = [
        {"id": f"v{v}", "title": f"否决{v}", "when": conditions(), "effect": draw(st.sampled_from(effects))}
        for v in range(draw(st.integers(0, 2)))
    ]
    ballots = []
    if draw(st.integers(0, 3)) == 0:  # a ballot, its figures read by an indicator
        choices = [{"id": "yes", "title": "满意", "value": 1}, {"id": "mid", "title": "基本满意", "value": 0.6}]
        groups = [{"id": "p", "title": "群众", "weight": 0.7}, {"id": "q", "title": "干部", "weight": 0.3}]
        empty_groups = draw(st.sampled_from(["refuse", "reweight"]))
        ballots.append({"id": "b", "title": "测评", "choices": choices, "groups": groups, "empty_groups": empty_groups})
        figure = draw(st.sampled_from(["b.satisfaction", "b.rate.mid", "b.group.q.rate.yes", "b.group.p.satisfaction"]))
        score = draw(st.sampled_from([{"formula": f"{figure} * 3"}, {"check": f"{figure} >= 0.8"}]))
        dimensions[0]["indicators"].append({"id": "ib", "title": "测评指标", "points": 3, "score": score})
    outputs, flags = {}, []
    if numeric and draw(st.booleans()):
        outputs["o0"] = {"title": "产出", "formula": f"{term(draw(st.sampled_from(numeric)))} + total"}
        outputs["o1"] = {"title": "达标", "type": "boolean", "formula": f"grade == 'r0' or o0 > {draw(POINTS)}"}
        flags.append(
            {"id": "f0", "title": "提示", "when": draw(st.sampled_from(["o1", "o0 < 2", f"o1 and {conditions()}"]))}
        )
    return {
        "kaoping": 1,
        "id": "random-small",
        "title": "随机规则",
        "precision": draw(st.integers(0, 3)),
        "inputs": inputs,
        "dimensions": dimensions,
        "adjustments": adjustments,
        "vetoes": vetoes,
        "grades": grades,
        "outputs": outputs,
        "flags": flags,
        "ballots": ballots,
    }


@st.composite
def small_batch(draw):
    try:
        ruleset = load_ruleset(json.dumps(draw(small_ruleset()), ensure_ascii=False))
    except RulesetError:  # e.g. a band no unit reaches: the format refuses it
        reject()
    datas = []
    for _ in range(draw(st.integers(1, 8))):
        data = {}
        for name, spec in ruleset.model.inputs.items():
            if spec.na_allowed and draw(st.integers(0, 2)) == 0:
                data[name] = "NA"
            elif spec.type == "boolean":
                data[name] = draw(st.booleans())
            elif spec.type == "choice":
                data[name] = draw(st.sampled_from(spec.choices))
            elif spec.type == "integer":  # a ballot's count has no max
                data[name] = draw(st.integers(int(spec.min), 3 if spec.max is None else int(spec.max)))
            else:
                hundredths = draw(st.integers(int(spec.min) * 100, int(spec.max) * 100))
                data[name] = float(Decimal(hundredths) / 100)
        datas.append(data)
    return ruleset, datas


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(batch=small_batch())
def test_random_rulesets_scored_columnar_have_the_per_unit_figures(batch):
    ruleset, datas = batch
    refs = batch_references(ruleset, datas)
    _, left = score_columns(ruleset, [validate_input(ruleset.model, data) for data in datas], refs)
    assert_same_figures(ruleset, datas)
    zero = any(v == 0 and not isinstance(v, bool) for data in datas for v in data.values())  # perhaps a divisor
    if not zero and not any("NA" in data.values() for data in datas):
        # no refusal, no 0 divisor, no dimension all "NA": all columnar but a disqualified
        # unit whose outputs or flags read its grade ("NA")
        reference = refs or [None] * len(datas)
        assert all(
            reads_grade(ruleset.model) and per_unit(ruleset, datas[k], reference[k])[0].grade is None for k in left
        )
