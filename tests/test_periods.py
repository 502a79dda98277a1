"""Periods of a year, a quarter or a month; a ruleset's declared kind of period; a
yearly input's `from_quarters` declaration refused with its element's path when wrong."""

import pytest

from engine import RulesetError
from engine.checks import period_warnings
from engine.periods import enclosing, parse, quarters

from .conftest import build, ruleset_dict


@pytest.mark.parametrize(
    ("text", "kind", "before"),
    [
        ("2025", "year", "2024"),
        ("2025Q1", "quarter", "2024Q4"),
        ("2025Q3", "quarter", "2025Q2"),
        ("2025-01", "month", "2024-12"),
        ("2025-10", "month", "2025-09"),
    ],
)
def test_a_period_has_a_kind_and_a_period_before(text, kind, before):
    period = parse(text)
    assert period.kind == kind and str(period) == text and str(period.previous) == before


@pytest.mark.parametrize("text", ["2025M03", "2025-13", "2025-3", "2025Q5", "25", "2025-00", ""])
def test_other_texts_are_no_period(text):
    assert parse(text) is None


def test_a_month_lies_in_its_quarter_and_year():
    assert enclosing("2025-08") == ["2025Q3", "2025"]
    assert enclosing("2025Q2") == ["2025"] and enclosing("2025") == []
    assert quarters(2025) == ["2025Q1", "2025Q2", "2025Q3", "2025Q4"]


def test_a_ruleset_declares_its_kind_of_period_or_none():
    assert build().model.period is None
    assert build(period="month").model.period == "month"
    with pytest.raises(RulesetError) as caught:
        build(period="week")
    assert caught.value.problems[0].path == "period"


def _with(spec: dict, **changes):
    inputs = {**ruleset_dict()["inputs"], "total_meetings": spec}
    return build(inputs=inputs, **changes)


def _problems(spec: dict, **changes):
    with pytest.raises(RulesetError) as caught:
        _with(spec, **changes)
    return [(p.path, p.message) for p in caught.value.problems]


QUARTERLY = {"ruleset": "quarterly-work", "combine": "sum"}


def test_a_yearly_input_from_quarters_loads():
    spec = _with({"type": "integer", "title": "会议", "from_quarters": QUARTERLY}, period="year")
    derived = spec.model.inputs["total_meetings"].from_quarters
    assert (derived.ruleset, derived.input) == ("quarterly-work", None)
    assert (derived.combine, derived.missing) == ("sum", "refuse")


@pytest.mark.parametrize(
    ("spec", "changes", "path", "words"),
    [
        ({"type": "integer", "title": "会", "from_quarters": QUARTERLY}, {"period": "quarter"},
         "inputs.total_meetings.from_quarters", "只用于年度规则集"),
        ({"type": "integer", "title": "会", "from_quarters": {**QUARTERLY, "ruleset": "tiny"}}, {},
         "inputs.total_meetings.from_quarters.ruleset", "不能是本规则集"),
        ({"type": "text", "title": "会", "from_quarters": QUARTERLY}, {},
         "inputs.total_meetings.from_quarters.combine", "只用于 number 或 integer"),
        ({"type": "integer", "title": "会", "from_quarters": {**QUARTERLY, "combine": "mean"}}, {},
         "inputs.total_meetings.from_quarters.combine", "平均值未必是整数"),
        ({"type": "choice", "title": "会", "choices": ["good", "ok"], "required": False, "previous": "grade",
          "from_quarters": {**QUARTERLY, "combine": "last"}}, {},
         "inputs.total_meetings.from_quarters", "既取自上期等次"),
        ({"type": "integer", "title": "会", "from_quarters": {**QUARTERLY, "combine": "max"}}, {},
         "inputs.total_meetings.from_quarters.combine", ""),
        ({"type": "integer", "title": "会", "from_quarters": {**QUARTERLY, "missing": "skip"}}, {},
         "inputs.total_meetings.from_quarters.missing", ""),
    ],
)  # fmt: skip
def test_a_wrong_from_quarters_is_refused_with_its_path(spec, changes, path, words):
    found = _problems(spec, **changes)
    assert any(p == path and words in m for p, m in found), found


def test_check_warns_of_a_partial_sum_and_an_undeclared_year():
    partial = {"type": "integer", "title": "会议", "from_quarters": {**QUARTERLY, "missing": "partial"}}
    warnings = period_warnings(_with(partial).model)
    assert any(w.startswith("inputs.total_meetings.from_quarters: ") and "合计会偏低" in w for w in warnings)
    assert any("未声明 period: year" in w for w in warnings)
    declared = _with({"type": "integer", "title": "会议", "from_quarters": QUARTERLY}, period="year")
    assert period_warnings(declared.model) == []


def test_the_indicator_table_keeps_the_kind_of_period_and_refuses_inputs_from_quarters():
    from io import BytesIO

    from engine.indicator_table import TableError, read_table, workbook_of

    book = workbook_of(build(period="month").model)
    assert [r for r in book["说明"].iter_rows(values_only=True) if r[0] == "考核周期"] == [("考核周期", "月度")]
    content = BytesIO()
    book.save(content)
    assert read_table(content.getvalue(), "t.xlsx")[1].model.period == "month"
    with pytest.raises(TableError) as caught:
        workbook_of(_with({"type": "integer", "title": "会议", "from_quarters": QUARTERLY}, period="year").model)
    assert "total_meetings" in str(caught.value) and "from_quarters" in str(caught.value)


def test_a_new_kind_of_period_is_among_a_versions_differences():
    from engine.diff import diff_rulesets

    changes = diff_rulesets(build().model, build(period="quarter").model).changes
    assert [(c.element, c.id, c.details) for c in changes] == [("ruleset", "period", ["period: — → quarter"])]


def test_the_example_pair_passes_its_embedded_tests():
    from engine import load_ruleset
    from engine.testing import run_tests

    from .conftest import ROOT

    for name in ("village-quarterly-work", "village-yearly-work"):
        outcomes = run_tests(load_ruleset(ROOT / "examples" / "periods" / f"{name}.yaml"))
        assert outcomes and all(o.passed for o in outcomes), name


@pytest.mark.parametrize(
    ("text", "said"),
    [("2025", "2025年度"), ("2025Q3", "2025年第3季度"), ("2025-03", "2025年3月"), ("第一批", "第一批")],
)
def test_a_period_is_named_in_words_and_other_text_is_shown_as_written(text, said):
    from engine.periods import title

    assert title(text) == said
