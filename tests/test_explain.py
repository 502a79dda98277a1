"""The text explanation: every sum is redone from the figures shown above it."""

import json
import re
from decimal import Decimal
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from engine import InputError, load_ruleset, score
from engine.decimals import round_half_up
from engine.explain import Provenance, explain_text

from .test_properties import SETTINGS, village_inputs

ROOT = Path(__file__).resolve().parent.parent
COUNTY = load_ruleset(ROOT / "rulesets" / "city-county-poverty-appraisal.yaml")
FIGURE = r"≈?-?\d+(?:\.\d+)?"
SUM = re.compile(rf"^  (?P<label>[^:]+): (?P<parts>{FIGURE}(?: [+-] {FIGURE})*) = (?P<sum>{FIGURE})")
HEADER = re.compile(rf"^    .+ \[(?P<id>[\w.-]+)\]  (?P<points>{FIGURE}) / ")
COUNTED = re.compile(rf"计入 (?P<figure>{FIGURE})")
ROUNDING = re.compile(
    rf"^  (?P<exact>{FIGURE})(?: \(精确值 [\d/]+\))? → 四舍五入保留 (?P<places>\d) 位 = (?P<total>\d+\.?\d*)$"
)


def _value(figure: str) -> Decimal:
    """A shown figure's value: "-≈1.3333" is -1.3333."""
    return Decimal(figure.replace("≈", ""))


def _terms(parts: str) -> list[str]:
    """The signed figures of a shown sum: "4 + 2.5 - ≈1.3333" -> ["4", "2.5", "-≈1.3333"]."""
    tokens = parts.split(" ")
    return [tokens[0]] + [("-" if sign == "-" else "") + f for sign, f in zip(tokens[1::2], tokens[2::2], strict=True)]


def check_sums(text: str, precision: int) -> dict[str, list[str]]:
    """Assert every sum line adds up from its shown parts (exactly, or within half a unit
    of the last shown place for each ≈ figure); return the shown sums' parts by label."""
    unit = Decimal(1).scaleb(-(precision + 2)) / 2
    sums = {}
    for line in text.splitlines():
        found = SUM.match(line)
        if not found:
            continue
        terms = _terms(found["parts"])
        rounded = sum("≈" in term for term in terms) + ("≈" in found["sum"])
        added = sum((_value(term) for term in terms), Decimal(0))
        assert abs(added - _value(found["sum"])) <= rounded * unit, line
        sums[found["label"]] = [*terms, found["sum"]]
    return sums


def check_explanation(result) -> None:
    text = explain_text(result)
    precision = result.precision
    assert text.endswith("\n") and not text.endswith("\n\n")
    sums = check_sums(text, precision)
    lines = text.splitlines()
    headers = [HEADER.match(line) for line in lines]
    shown_points = {m["id"]: m["points"] for m in headers if m}
    for dim in result.dimensions:
        applicable = [i for i in result.indicators if i.dimension == dim.id and i.points is not None]
        if len(applicable) > 1:
            assert sums[dim.title][:-1] == [shown_points[i.id] for i in applicable]
    counted = [COUNTED.search(line)["figure"] for line in lines if line.startswith("  ") and "→ 计入" in line]
    dimension_figures = counted[: len(result.dimensions)]
    assert sums["基础分合计"][:-1] == dimension_figures
    rounding = [ROUNDING.match(line) for line in lines]
    (final,) = [m for m in rounding if m]
    assert int(final["places"]) == precision
    assert Decimal(final["total"]) == result.total
    if result.adjustments:
        label = next(label for label in sums if label.startswith("基础分合计与"))
        assert sums[label][0] == sums["基础分合计"][-1]
        if result.total_exact > 0:
            assert sums[label][-1] == final["exact"]
    if not final["exact"].startswith("≈"):
        assert round_half_up(Decimal(final["exact"]), precision) == result.total


@SETTINGS
@given(data=st.data())
def test_every_sum_in_a_village_explanation_adds_up(village, data):
    check_explanation(score(village, data.draw(village_inputs(village))))


@st.composite
def county_inputs(draw):
    """Random figures for the shipped county ruleset, on its example's shape."""
    example = json.loads((ROOT / "examples" / "county-example.json").read_text(encoding="utf-8"))["data"]
    data = dict(example)
    for name, spec in COUNTY.model.inputs.items():
        if spec.type in ("number", "integer") and name in data and data[name] != "NA":
            high = min(spec.max if spec.max is not None else Decimal(100), Decimal(100))
            low = spec.min if spec.min is not None else Decimal(0)
            places = 0 if spec.type == "integer" else 3
            value = draw(st.decimals(min_value=low, max_value=high, places=places))
            data[name] = int(value) if spec.type == "integer" else value
    return data


@SETTINGS
@given(data=st.data())
def test_every_sum_in_a_weighted_explanation_adds_up(data):
    try:
        result = score(COUNTY, data.draw(county_inputs()))
    except InputError:
        return  # a consistency rule refused the drawn figures
    check_explanation(result)


def test_hongqi_explanation_shows_exact_parts_and_the_one_rounding(village):
    example = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))
    result = score(village, example["data"], unit=example["unit"])
    text = explain_text(result, wording=village.compiled.wording)
    assert "    班子成员培训 [team_training]  2.625 / 3\n" in text
    assert "  基础分合计: 18.9 + 13.925 + 12 + 15.5 + 14.4 + 14.6 = 89.325\n" in text
    assert "  基础分合计与加分项、扣分项之和: 89.325 + 1 - 2 = 88.325\n" in text
    assert "  88.325 → 四舍五入保留 2 位 = 88.33\n" in text
    assert "缺项 流动党员管理" in text  # indicators by title, not id
    assert "党员大会召开次数 = 4" in text and "branch_assemblies" not in text  # inputs by title
    numbered = [line.split("、")[0] for line in text.splitlines() if re.match(r"^[一二三四五六七八九十]、", line)]
    assert numbered == list("一二三四五六七")
    assert text.endswith("评定结果: 四星\n\n七、提示事项\n  无\n")  # the ruleset declares flags; none raised


def test_a_fraction_total_is_marked_and_given_exactly():
    example = json.loads((ROOT / "examples" / "county-example.json").read_text(encoding="utf-8"))
    text = explain_text(score(COUNTY, example["data"]))
    assert "按缺项折算: 79.51 × 100 / 92 = ≈86.4239" in text
    assert "  ≈87.8619 (精确值 2020823/23000) → 四舍五入保留 2 位 = 87.86\n" in text


def test_sections_are_numbered_without_gaps_when_a_ruleset_has_no_adjustments(village):
    rs = load_ruleset(
        "kaoping: 1\nid: t\ntitle: 测试\ninputs: {x: {type: number, title: 数量}}\n"
        "dimensions: [{id: d, title: 维度, indicators: [{id: i, title: 指标, points: 10,"
        " score: {linear: {of: x, zero_at: 0, full_at: 3}}}]}]\n"
        "grades: [{id: ok, title: 合格, min: 1}, {id: low, title: 不合格}]\n"
    )
    text = explain_text(score(rs, {"x": 1}))
    numbered = [line.split("、")[0] for line in text.splitlines() if re.match(r"^[一二三四五六七八九十]、", line)]
    assert numbered == list("一二三四五")  # no 加分与扣分 section, and no gap for it
    assert "指标 [i]  ≈3.3333 / 10" in text
    assert "  ≈3.3333 (精确值 10/3) → 四舍五入保留 2 位 = 3.33\n" in text


def test_a_record_explanation_has_its_provenance_in_the_header(village):
    example = json.loads((ROOT / "examples" / "village-hongqi.json").read_text(encoding="utf-8"))
    result = score(village, example["data"], unit=example["unit"])
    provenance = Provenance("sc_1", "2025", "城关镇 张三", "2026-01-05T09:30:00.000000Z")
    head = explain_text(result, provenance).splitlines()[:2]
    assert head[0].startswith("村党组织星级评定 (village-branch-stars, 未入库版本, 内容哈希 sha256:")
    assert head[1] == "记录 sc_1  期间 2025  提交人 城关镇 张三  提交时间 2026-01-05T09:30:00.000000Z"
