"""Ballots (述职评议, 民主测评): loading, the counted figures, the veto at one third, the
explanation and result, check warnings, and the same inputs through batch files and the service."""

import csv
import io
import json
from decimal import Decimal
from fractions import Fraction
from html import unescape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from engine import InputError, RulesetError, load_ruleset, score
from engine.batch import run_batch
from engine.checks import check_ruleset
from engine.diff import diff_rulesets
from engine.explain import explain_text
from engine.indicator_table import TableError, read_table, workbook_of
from engine.matcher import DirectMatcher, DurableMatcher
from engine.reach import what_it_takes
from engine.tabular import read_units

from .conftest import ROOT, build

TOWNSHIP = ROOT / "rulesets" / "township-secretary-review.yaml"
TOWNSHIP_RULESET = load_ruleset(TOWNSHIP)
EXAMPLE = json.loads((ROOT / "examples" / "township-secretary-zhangjiazhen.json").read_text(encoding="utf-8"))
# a unit the test service knows (its units file is the shipped examples/units.csv)
SERVICE_UNIT = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))["unit"]

CHOICES = [
    {"id": "yes", "title": "满意", "value": 1},
    {"id": "partly", "title": "基本满意", "value": 0.5},
    {"id": "no", "title": "不满意", "value": 0},
]
GROUPS = [
    {"id": "leaders", "title": "县级领导", "weight": "1/3"},
    {"id": "masses", "title": "党员群众代表", "weight": "2/3"},
]


def ballot(**changes) -> dict:
    return {"id": "review", "title": "民主测评", "choices": CHOICES, "groups": GROUPS, **changes}


def reviewed(*ballots, **changes):
    """The test ruleset with one indicator on the satisfaction and a veto on one third 不满意."""
    indicator = {
        "id": "sat",
        "title": "满意度",
        "points": 10,
        "score": {"formula": "review.satisfaction * 10"},
    }
    third = {"id": "third", "title": "不满意达三分之一", "when": "review.rate.no >= 1/3", "effect": "lowest"}
    changes.setdefault("vetoes", [third])
    return build(
        ballots=list(ballots) or [ballot()],
        dimensions=[{"id": "main", "title": "主维度", "indicators": [indicator]}],
        **changes,
    )


def counts(leaders=(6, 3, 0), masses=(10, 4, 1)) -> dict:
    data = {"x": 50, "flag": True}
    for group, votes in (("leaders", leaders), ("masses", masses)):
        for choice, n in zip(("yes", "partly", "no"), votes, strict=True):
            data[f"review__{group}__{choice}"] = n
    return data


def problems(*ballots, **changes):
    with pytest.raises(RulesetError) as caught:
        reviewed(*ballots, **changes)
    return [(p.path, p.message) for p in caught.value.problems]


# ---------------------------------------------------------------- loading


def test_counts_become_ordinary_integer_inputs_with_chinese_titles():
    model = reviewed().model
    spec = model.inputs["review__masses__no"]
    assert spec.type == "integer" and spec.min == 0 and spec.required
    assert spec.title == "民主测评·党员群众代表·不满意票数"
    assert [name for name in model.inputs if name.startswith("review__")][:3] == [
        "review__leaders__yes",
        "review__leaders__partly",
        "review__leaders__no",
    ]


def test_weights_must_sum_to_one():
    [(path, message)] = problems(ballot(groups=[dict(GROUPS[0], weight=0.3), dict(GROUPS[1], weight=0.6)]))
    assert path == "ballots[0]" and "之和应恰为 1" in message and "实际为 0.9" in message


def test_negative_weight_repeated_ids_and_bad_numbers_are_refused_with_paths():
    [(path, message)] = problems(ballot(groups=[dict(GROUPS[0], weight=-1), dict(GROUPS[1], weight=2)]))
    assert path == "ballots[0]" and "leaders" in message and "负数" in message
    [(path, message)] = problems(ballot(choices=[CHOICES[0], dict(CHOICES[1], id="yes")]))
    assert path == "ballots[0]" and "yes" in message and "两次" in message
    found = problems(ballot(choices=[dict(CHOICES[0], value="很高"), CHOICES[2]]))
    assert found[0][0] == "ballots[0].choices[0].value" and "很高" in found[0][1]


def test_ids_that_expressions_cannot_name_or_that_clash_are_refused():
    found = problems(ballot(choices=[dict(CHOICES[0], id="pass"), CHOICES[2]]))
    assert ("ballots[0].choices[0].id", found[0][1]) == found[0] and "关键字" in found[0][1]
    taken = {
        "x": {"type": "number", "title": "X"},
        "flag": {"type": "boolean", "title": "标志"},
        "review__masses__no": {"type": "integer", "title": "重复"},
    }
    [(path, message)] = problems(inputs=taken)
    assert path == "inputs.review__masses__no" and "ballots[0]" in message
    [(path, message)] = problems(ballot(), ballot())
    assert path == "ballots[1]" and "ballots[0]" in message


def test_an_undeclared_figure_is_refused_with_its_column():
    with pytest.raises(RulesetError) as caught:
        reviewed(vetoes=[{"id": "v", "title": "否决", "when": "flag and review.rate.none > 0", "effect": "lowest"}])
    [problem] = caught.value.problems
    assert problem.path == "vetoes[0].when" and problem.column == 10 and "review.rate.none 未声明" in problem.message


# ---------------------------------------------------------------- counting


def test_hand_computed_rates_and_weighted_satisfaction():
    result = score(reviewed(), {"data": counts()}["data"])
    [figures] = result.ballots
    leaders, masses = figures.groups
    # leaders: (6 × 1 + 3 × 0.5) / 9 = 5/6; masses: (10 + 2) / 15 = 4/5
    assert leaders.satisfaction == Fraction(5, 6) and masses.satisfaction == Decimal("0.8")
    assert leaders.rates == {"yes": Fraction(2, 3), "partly": Fraction(1, 3), "no": Decimal(0)}
    # 1/3 × 5/6 + 2/3 × 4/5 = 5/18 + 8/15 = 73/90
    assert figures.satisfaction == Fraction(73, 90)
    assert figures.ballots == 24 and figures.counts == {"yes": 16, "partly": 7, "no": 1}
    assert figures.rates["no"] == Fraction(1, 24)
    assert result.indicator("sat").points == Fraction(73, 9)
    assert "review.satisfaction" not in result.input and result.input["review__masses__no"] == 1


def test_the_veto_holds_at_exactly_one_third_and_not_one_ballot_below():
    at_third = score(reviewed(), counts(leaders=(3, 3, 3), masses=(5, 5, 5)))  # 8 of 24
    assert [v.id for v in at_third.vetoes] == ["third"]
    assert at_third.vetoes[0].rule.values == {"review.rate.no": "1/3"}
    below = score(reviewed(), counts(leaders=(4, 3, 2), masses=(5, 5, 5)))  # 7 of 24
    assert below.vetoes == []


def test_a_group_without_ballots_is_refused_unless_the_ballot_reweights():
    with pytest.raises(InputError) as caught:
        score(reviewed(), counts(leaders=(0, 0, 0)))
    [problem] = caught.value.problems
    assert problem.code == "no_ballots" and problem.field == "review__leaders__yes"
    assert "县级领导" in problem.message and "票数合计为 0" in problem.message
    result = score(reviewed(ballot(empty_groups="reweight")), counts(leaders=(0, 0, 0)))
    leaders, masses = result.ballots[0].groups
    assert leaders.counted_weight is None and leaders.rates is None and masses.counted_weight == 1
    assert result.ballots[0].satisfaction == Decimal("0.8")
    with pytest.raises(InputError):
        score(reviewed(ballot(empty_groups="reweight")), counts(leaders=(0, 0, 0), masses=(0, 0, 0)))


def test_reweighting_refuses_when_only_weightless_groups_voted():
    weightless = [dict(GROUPS[0], weight=0), dict(GROUPS[1], weight=1)]
    with pytest.raises(InputError) as caught:
        score(reviewed(ballot(groups=weightless, empty_groups="reweight")), counts(masses=(0, 0, 0)))
    assert (
        caught.value.problems[0].field == "review__leaders__yes" and "权重合计为 0" in caught.value.problems[0].message
    )


def test_group_figures_of_a_reweighting_ballot_may_be_not_applicable():
    indicator = {
        "id": "sat",
        "title": "群众满意",
        "points": 10,
        "score": {"formula": "review.group.leaders.rate.yes * 10"},
    }
    loaded = build(
        ballots=[ballot(empty_groups="reweight")], dimensions=[{"id": "main", "title": "主", "indicators": [indicator]}]
    )
    with pytest.raises(InputError) as caught:  # the only indicator is not applicable
        score(loaded, counts(leaders=(0, 0, 0)))
    assert caught.value.problems[0].code == "all_na"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 40), st.integers(0, 40), st.integers(0, 40)), min_size=3, max_size=3),
    st.permutations(range(3)),
    st.lists(st.sampled_from(["0.9", "0.5", "0.25", "0.1"]), min_size=3, max_size=3),
)
def test_satisfaction_stays_between_the_choice_values_and_group_order_changes_nothing(votes, order, values):
    choices = [dict(c, value=Decimal(v)) for c, v in zip(CHOICES, values, strict=True)]
    groups = [
        {"id": "a", "title": "甲", "weight": "1/2"},
        {"id": "b", "title": "乙", "weight": "1/3"},
        {"id": "c", "title": "丙", "weight": "1/6"},
    ]
    data = {"x": 50, "flag": False}
    for group, cast in zip(groups, votes, strict=True):
        for choice, n in zip(("yes", "partly", "no"), cast, strict=True):
            data[f"review__{group['id']}__{choice}"] = n
    first = score(reviewed(ballot(choices=choices, groups=groups)), data).ballots[0]
    shuffled = score(reviewed(ballot(choices=choices, groups=[groups[i] for i in order])), data).ballots[0]
    worth = [Decimal(v) for v in values]
    assert min(worth) <= first.satisfaction <= max(worth)
    assert shuffled.satisfaction == first.satisfaction and shuffled.rates == first.rates


# ---------------------------------------------------------------- explanation, result JSON, checks


def test_explanation_lists_each_group_and_how_the_satisfaction_was_computed():
    loaded = load_ruleset(TOWNSHIP)
    text = explain_text(score(loaded, EXAMPLE["data"]), wording=loaded.compiled.wording)
    assert "一、民主测评" in text
    assert "县级领导 [county] 权重 0.2: 共 10 票; 满意 8 票 (占 0.8)" in text
    assert "满意度 (8 × 1 + 2 × 0.6 + 0 × 0) / 10 = 0.92" in text
    assert "加权满意度: 0.2 × 0.92 + 0.2 × 0.87 + 0.3 × 0.9 + 0.3 × 0.87 = 0.889" in text
    assert "线性: 民主测评加权满意度 = 0.889" in text


def test_a_veto_on_ballots_names_the_share_that_tripped():
    loaded = load_ruleset(TOWNSHIP)
    vetoed = loaded.model.tests[1].input
    text = explain_text(score(loaded, vetoed), wording=loaded.compiled.wording)
    assert "民主测评不满意票占比 >= 1/3 成立 (民主测评不满意票占比 = 1/3) → 定为最低等次" in text


def test_result_json_carries_the_ballots_and_results_without_them_stay_as_they_were(village):
    data = json.loads(score(load_ruleset(TOWNSHIP), EXAMPLE["data"]).model_dump_json())
    assert data["ballots"][0]["satisfaction"] == "0.889"
    assert data["ballots"][0]["groups"][2]["rates"]["basic"] == "1/6"
    plain = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))
    assert "ballots" not in score(village, plain["data"]).model_dump_json()


def test_check_warns_of_values_outside_zero_to_one_weightless_groups_and_unused_ballots():
    odd = ballot(
        choices=[dict(CHOICES[0], value=2), CHOICES[2]],
        groups=[dict(GROUPS[0], weight=0), dict(GROUPS[1], weight=1)],
    )
    loaded = reviewed(odd, ballot(id="other"))
    warnings = check_ruleset(loaded.model, len(loaded.compiled.conditions)).warnings
    assert any(w.startswith("ballots[0].choices[0].value:") and "不在 0 到 1 之间" in w for w in warnings)
    assert any(w.startswith("ballots[0].groups[0].weight:") and "权重为 0" in w for w in warnings)
    assert [w for w in warnings if "没有任何" in w] == ["ballots[1]: " + warnings[-1].split(": ", 1)[1]]
    assert len(warnings) == 3


# ---------------------------------------------------------------- batch files and the service


def test_a_batch_csv_with_ballot_columns(tmp_path):
    loaded = load_ruleset(TOWNSHIP)
    data = EXAMPLE["data"]
    keys = list(data)
    path = tmp_path / "secretaries.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["单位编码", "单位名称", "上级"] + [loaded.model.inputs[k].title for k in keys])
        for n, unsatisfied in enumerate((2, 60, "很多")):
            row = dict(data, review__masses__unsatisfied=unsatisfied)
            writer.writerow(
                [f"s{n}", f"书记{n}", "城关县"]
                + ["是" if v is True else "否" if v is False else v for v in row.values()]
            )
    rows, errors = read_units(loaded.model, path)
    report = run_batch(loaded, rows, workers=1, read_errors=errors)
    by_unit = {unit.scored.unit.id: unit.scored.result for unit in report.units}
    assert str(by_unit["s0"].total) == "82.65"
    assert [v.id for v in by_unit["s1"].vetoes] == ["third_unsatisfied"]  # 62 of 158
    assert [e.field for e in report.errors] == ["review__masses__unsatisfied"]


def test_the_service_scores_a_unit_with_ballots_and_verifies_it(service):
    text = TOWNSHIP.read_text(encoding="utf-8")
    assert service.add_ruleset(text).status_code == 201
    submission = dict(EXAMPLE, unit=SERVICE_UNIT)
    response = service.call("POST", "/rulesets/township-secretary-review/scores", "submitter", json=submission)
    assert response.status_code == 201, response.text
    record = response.json()
    assert record["total"] == "82.65" and record["grade"] == "fine"
    assert record["result"]["ballots"][0]["satisfaction"] == "0.889"
    form = unescape(service.call("GET", "/ui/rulesets/township-secretary-review/submit", "submitter").text)
    counts_part = form.split("<legend>民主测评</legend>")[1].split("</fieldset>")[0]
    assert "民主测评·党员群众代表·不满意票数" in counts_part and 'name="review__masses__unsatisfied"' in counts_part
    page = unescape(service.call("GET", f"/ui/scores/{record['id']}", "auditor").text)
    assert "<h2>民主测评</h2>" in page
    assert "加权满意度: 0.2 × 0.92 + 0.2 × 0.87 + 0.3 × 0.9 + 0.3 × 0.87 = 0.889" in page
    verified = service.call("POST", f"/scores/{record['id']}/verify", "auditor")
    assert verified.status_code == 200 and verified.json()["identical"] is True, verified.text
    data = dict(EXAMPLE["data"], review__county__satisfied=0, review__county__basic=0)
    empty = dict(submission, period="2024", data=data)
    refused = service.call("POST", "/rulesets/township-secretary-review/scores", "submitter", json=empty)
    assert refused.status_code == 422
    assert [e["code"] for e in refused.json()["errors"]] == ["no_ballots"]


# ---------------------------------------------------------------- the indicator table


def _table(loaded) -> bytes:
    buffer = io.BytesIO()
    workbook_of(loaded.model).save(buffer)
    return buffer.getvalue()


def test_the_indicator_table_carries_ballots_with_fractions_and_reweighting():
    original = reviewed(ballot(empty_groups="reweight", description="现场测评"))
    content = _table(original)
    book = load_workbook(io.BytesIO(content))
    assert "review__masses__no" not in [row[0] for row in book["输入"].iter_rows(values_only=True)]
    rows = list(book["民主测评"].iter_rows(values_only=True))
    assert rows[1] == ("review", "民主测评", "现场测评", "按权重折算", "选项", "yes", "满意", 1)
    assert rows[4][4:] == ("评议组", "leaders", "县级领导", "1/3")
    _, back = read_table(content)
    dump = {"mode": "json", "by_alias": True}
    assert back.model.model_dump(**dump) == original.model.model_dump(**dump)


def test_a_table_whose_group_weights_do_not_sum_to_one_is_refused_at_its_row():
    book = load_workbook(io.BytesIO(_table(reviewed())))
    book["民主测评"]["H6"] = "1/2"
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(TableError) as caught:
        read_table(buffer.getvalue())
    [problem] = caught.value.problems
    assert "「民主测评」表第 2 行" in problem and "之和应恰为 1" in problem and "5/6" in problem


def test_a_new_version_that_reweighs_the_groups_is_listed_in_the_diff():
    before = reviewed().model
    after = reviewed(ballot(groups=[dict(GROUPS[0], weight="1/2"), dict(GROUPS[1], weight="1/2")])).model
    [change] = diff_rulesets(before, after).changes
    assert (change.element, change.id, change.change) == ("ballot", "review", "changed")
    assert "1/3" in change.details[0] and "1/2" in change.details[0]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 30), st.integers(0, 30)), min_size=4, max_size=4))
def test_the_engine_and_direct_evaluation_agree_on_the_shipped_ruleset_and_the_veto_is_one_third(votes):
    loaded = TOWNSHIP_RULESET
    data = dict(EXAMPLE["data"])
    for group, cast in zip(("county", "township", "secretaries", "masses"), votes, strict=True):
        for choice, n in zip(("satisfied", "basic", "unsatisfied"), cast, strict=True):
            data[f"review__{group}__{choice}"] = n
    durable = score(loaded, data, matcher=DurableMatcher())
    assert durable.model_dump_json() == score(loaded, data, matcher=DirectMatcher()).model_dump_json()
    unsatisfied, cast = sum(v[2] for v in votes), sum(sum(v) for v in votes)
    assert ("third_unsatisfied" in [v.id for v in durable.vetoes]) == (3 * unsatisfied >= cast)


def test_the_explanation_of_a_reweighted_ballot_says_which_group_was_left_out():
    loaded = reviewed(ballot(empty_groups="reweight"))
    text = explain_text(score(loaded, counts(leaders=(0, 0, 0))), wording=loaded.compiled.wording)
    assert "县级领导 [leaders] 权重 1/3: 共 0 票, 无票, 不计入; 其余评议组按权重比例折算" in text
    assert "折算后权重 (权重 / 有票评议组权重之和): 党员群众代表 1" in text
    assert "加权满意度: 1 × 0.8 = 0.8" in text
    both = explain_text(score(loaded, counts()), wording=loaded.compiled.wording)
    assert "加权满意度: 1/3 × ≈0.8333 + 2/3 × 0.8 = ≈0.8111" in both and "折算后权重" not in both


def test_ballots_that_would_generate_too_many_count_inputs_are_refused_before_validation():
    groups = [{"id": f"g{n}", "title": "组", "weight": 0} for n in range(201)]
    [(path, message)] = problems(ballot(groups=groups))
    assert path == "ballots" and "需 603 个票数输入项" in message and "上限 400" in message


def test_what_it_takes_does_not_change_the_raters_ballots():
    data = EXAMPLE["data"]
    advised = what_it_takes(TOWNSHIP_RULESET, data, score(TOWNSHIP_RULESET, data))
    [good] = [s for s in advised.grades_not_reached if s.id == "good"]
    changed = {c.input for route in good.what_it_takes.routes for c in route.changes}
    assert not any(name.startswith("review__") for name in changed)
    assert good.what_it_takes.note == "在各输入的范围内改变可改变的输入也无法达到 (民主测评的票数不作改变)"
