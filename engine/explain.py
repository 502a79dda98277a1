"""A result as text a person reads: the reason chain from data to grade, in Chinese.

Indicator points → dimension subtotals → bonus and deduction with caps → total →
vetoes → grade → outputs. Every figure is shown by the one display rule
(`engine.decimals.shown`), and every sum is written out from the parts shown above it,
so a clerk can redo each one by hand; the total's one rounding is its own line.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .decimals import Exact, exact_text, plain, round_half_up, shown, total
from .messages import say
from .result import BallotResult, Result, WhatItTakes
from .wording import Wording

EFFECTS = {"disqualify": "取消评定资格", "lowest": "定为最低等次", "cap": "等次封顶"}
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Provenance:
    """Where an explained result comes from, when it is a stored record."""

    record_id: str
    period: str | None
    actor: str | None
    created_at: str | None
    sources: tuple[str, ...] = ()  # where each input value came from, one line each


SHOWN_CANNOT_HELP = 8


def _what_it_takes(title: str, taken: WhatItTakes) -> list[str]:
    """The input changes that would reach a grade, fewest first, and the inputs that cannot help."""
    lines = []
    if taken.note:
        lines.append(f"    要达到{title}: {taken.note}")
    if taken.routes:
        lines.append(f"    要达到{title} (任选一种, 改变的输入越少越靠前):")
    for number, route in enumerate(taken.routes, start=1):
        changes = "; ".join(f"{c.title} {c.input} {c.current} → {c.proposed}" for c in route.changes)
        count = f"改 {len(route.changes)} 项: " if len(route.changes) > 1 else ""
        lines.append(f"      {number}. {count}{changes} (总分 {route.total})")
    if taken.cannot_help:
        shown = ", ".join(taken.cannot_help[:SHOWN_CANNOT_HELP])
        more = f" 等共 {len(taken.cannot_help)} 项" if len(taken.cannot_help) > SHOWN_CANNOT_HELP else ""
        lines.append(f"    无助于达到{title}的输入 (已得满分或无法再提高): {shown}{more}")
    return lines


def written_sum(parts: list[str]) -> str:
    """Shown parts as a sum a person can redo: "4 + 2.5 - 2"."""
    if not parts:
        return "0"
    text = parts[0]
    for part in parts[1:]:
        text += f" - {part[1:]}" if part.startswith("-") else f" + {part}"
    return text


def dimension_sum(result: Result, dim) -> str:
    """How a dimension's contribution is made from its indicators' points shown above it:
    "4 + 2.5 = 6.5; 缺项 …, 按缺项折算: … → 计入 6.5"."""
    precision = result.precision
    parts = [shown(i.points, precision) for i in result.indicators if i.dimension == dim.id and i.points is not None]
    points = shown(dim.points, precision)
    text = f"得分 {parts[0]}" if len(parts) == 1 else f"{written_sum(parts)} = {points}"
    if dim.na_indicators:
        titles = {i.id: i.title for i in result.indicators}
        missing = "、".join(titles.get(i, i) for i in dim.na_indicators)
        text += (
            f"; 缺项 {missing}, 按缺项折算: {points} × {plain(dim.full_points)}"
            f" / {plain(dim.applicable_full_points)} = {shown(dim.rescaled, precision)}"
        )
    if dim.weight is not None:
        rescaled, weight = shown(dim.rescaled, precision), plain(dim.weight)
        text += (
            f"; 权重 {weight}: {rescaled} × {weight} / {plain(dim.full_points)} = {shown(dim.contribution, precision)}"
        )
    return text + f" → 计入 {shown(dim.contribution, precision)}"


def base_sum(result: Result) -> str:
    parts = [shown(d.contribution, result.precision) for d in result.dimensions]
    return f"{written_sum(parts)} = {shown(result.base, result.precision)}"


def group_sum(group, precision: int) -> str:
    """An adjustment group from its applied items, with its cap: "(封顶 5): 1 + 2 = 3 → 计入 3"."""
    cap = f"封顶 {plain(group.cap)}" if group.cap is not None else "不封顶"
    applied = [shown(item.points, precision) for item in group.items if item.applied]
    counted = shown(group.applied, precision)
    capped = f", 超过封顶, 计入 {counted}" if group.capped else f" → 计入 {counted}"
    return f"({cap}): {written_sum(applied)} = {shown(group.raw, precision)}{capped}"


def total_lines(result: Result) -> list[str]:
    """The base and the adjustments summed, the floor at 0 when it applies, and the one rounding."""
    precision, lines = result.precision, []
    summed = total([result.base, *(g.applied for g in result.adjustments)])
    if result.adjustments:
        parts = [shown(result.base, precision)] + [shown(g.applied, precision) for g in result.adjustments]
        names = "、".join(g.title for g in result.adjustments)
        lines.append(f"基础分合计与{names}之和: {written_sum(parts)} = {_exact(summed, precision)}")
    if summed != result.total_exact:
        lines.append(f"{_exact(summed, precision)} 低于 0, 总分计 0")
    lines.append(rounding(result))
    return lines


def rounding(result: Result) -> str:
    """The total's one rounding: "88.325 → 四舍五入保留 2 位 = 88.33"."""
    precision = result.precision
    return f"{_exact(result.total_exact, precision)} → 四舍五入保留 {precision} 位 = {rounded_total(result)}"


def rounded_total(result: Result) -> str:
    """The total as the explanation heads it: to the ruleset's places ("90.00")."""
    return str(round_half_up(result.total, result.precision))


def veto_reason(veto, wording: Wording | None) -> str:
    """Why a veto applies: its condition in titles, the values it read, its effect."""
    effect = EFFECTS[veto.effect] + (f" (最高 {veto.cap})" if veto.cap else "")
    decisive = " ← 起决定作用" if veto.decisive else ""
    values = ", ".join(f"{wording.title(k) if wording else k} = {v}" for k, v in veto.rule.values.items())
    condition = wording.text(veto.rule.condition) if wording is not None else veto.rule.condition
    return f"{condition} 成立 ({values}) → {effect}{decisive}"


def not_reached_reasons(step, precision: int, wording: Wording | None) -> list[str]:
    """What a higher grade lacked: points, requirements, vetoes, a quota."""
    worded = wording.text if wording is not None else (lambda text: text)
    reasons = []
    if step.points_missing is not None:
        reasons.append(f"总分未达 {plain(step.min)}, 差 {shown(step.points_missing, precision)} 分")
    reasons.extend(f"前置条件不满足: {worded(text)}" for text in step.failed_requires)
    reasons.extend(f"被否决 {veto}" for veto in step.vetoed_by)
    if step.quota:
        reasons.append(step.quota)
    return reasons


class _Text:
    """Lines, and numbered sections without gaps."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.sections = 0

    def add(self, line: str) -> None:
        self.lines.append(line)

    def section(self, title: str) -> None:
        self.lines.append("")
        self.lines.append(f"{NUMERALS[self.sections]}、{title}")
        self.sections += 1


def explain_text(result: Result, provenance: Provenance | None = None, wording: Wording | None = None) -> str:
    """The explanation of a result; `provenance` heads it when it is a stored record,
    `wording` (the ruleset's) names the inputs in conditions by their titles."""
    precision = result.precision

    def fig(value: Exact) -> str:
        return shown(value, precision)

    out = _Text()
    add = out.add
    rs = result.ruleset
    version = f"版本 {rs.version}" if rs.version is not None else "未入库版本"
    add(f"{rs.title} ({rs.id}, {version}, 内容哈希 {rs.content_hash})")
    if provenance is not None:
        add(
            f"记录 {provenance.record_id}  期间 {provenance.period or '—'}  "
            f"提交人 {provenance.actor or '—'}  提交时间 {provenance.created_at or '—'}"
        )
    if result.unit is not None:
        unit = result.unit
        add(f"单位: {unit.name or ''} ({unit.id or '-'})" + (f"  上级: {unit.parent}" if unit.parent else ""))
    for filled in result.filled_inputs or ():
        name = wording.title(filled.input) if wording is not None else filled.input
        value = result.input.get(filled.input)
        source = filled.source or say("detail.previous_grade", period=filled.period, record=filled.record)
        add(f"自动填入: {name} = {value}, {source}")
    if provenance is not None and provenance.sources:
        add("输入来源:")
        for line in provenance.sources:
            add(line)
    if result.reference is not None:
        add(f"参照批次: {result.reference.batch} (相对评价指标与同批次单位比较, 名次、最优值与均值见各指标)")
    grade = result.grade.title if result.grade else "无 (取消评定资格)"
    add(f"总分 {rounded_total(result)}    等次 {grade}")
    add(f"数字: 至多 {precision + 2} 位小数的照原样列出, 其余四舍五入到 {precision + 2} 位并标 ≈; 总分只在最后舍入一次")

    if result.ballots:
        out.section("民主测评")
        for ballot in result.ballots:
            for line in ballot_lines(ballot, precision):
                add(f"  {line}")

    out.section("指标得分")
    for dim in result.dimensions:
        add(f"  {dim.title} [{dim.id}]")
        for ind in (i for i in result.indicators if i.dimension == dim.id):
            points = "不适用" if ind.points is None else f"{fig(ind.points)} / {plain(ind.full_points)}"
            add(f"    {ind.title} [{ind.id}]  {points}")
            add(f"      {ind.detail}")

    out.section("维度小计")
    for dim in result.dimensions:
        add(f"  {dim.title}: {dimension_sum(result, dim)}")
    add(f"  基础分合计: {base_sum(result)}")

    if result.adjustments:
        out.section("加分与扣分")
        for group in result.adjustments:
            add(f"  {group.title} {group_sum(group, precision)}")
            for item in (item for item in group.items if item.applied):
                add(f"    {item.title}: {fig(item.points)}  {item.detail}")

    out.section("总分")
    for line in total_lines(result):
        add(f"  {line}")

    out.section("一票否决")
    if not result.vetoes:
        add("  无")
    for veto in result.vetoes:
        add(f"  {veto.title} [{veto.id}]: {veto_reason(veto, wording)}")

    out.section("等次")
    if result.vetoes:
        add(f"  不计否决时应得: {result.grade_without_vetoes.title}")
    for step in result.grades_not_reached:
        add(f"  {step.title}: 未评定 — {'; '.join(not_reached_reasons(step, precision, wording)) or '—'}")
        if step.what_it_takes is not None:
            for line in _what_it_takes(step.title, step.what_it_takes):
                add(line)
    add(f"  评定结果: {grade}")
    if result.quota is not None:
        add(f"  名额控制: {result.quota.reason}")

    if result.outputs:
        out.section("计算结果")
        for output in result.outputs:
            if output.type != "number":
                add(f"  {output.title}: {_answer(output.answer)}")
                continue
            if output.exact is None:
                add(f"  {output.title}: —")
                continue
            value = round_half_up(output.exact, precision)
            add(f"  {output.title}: {_exact(output.exact, precision)} → 四舍五入保留 {precision} 位 = {value}")

    if result.raised_flags is not None:
        out.section("提示事项")
        if not result.raised_flags:
            add("  无")
        for flag in result.raised_flags:
            add(f"  [{say(f'severity.{flag.severity}')}] {flag.title} [{flag.id}]: {flag_reason(flag, wording)}")
            if flag.advice:
                add(f"    建议: {flag.advice}")
    return "\n".join(out.lines) + "\n"


def ballot_lines(ballot: BallotResult, precision: int) -> list[str]:
    """A ballot's counts and rates per group, and its weighted satisfaction written out;
    values and weights exactly as declared ("1/3", never ≈0.3333), so the sum can be redone."""

    def fig(value: Exact) -> str:
        return shown(value, precision)

    named = ballot.choices
    worth = ", ".join(f"{named[choice]} = {exact_text(value)}" for choice, value in ballot.values.items())
    lines = [f"{ballot.title} [{ballot.id}]: 共 {ballot.ballots} 票; 每票分值 {worth}"]
    parts = []
    for group in ballot.groups:
        head = f"  {group.title} [{group.id}] 权重 {exact_text(group.weight)}: 共 {group.ballots} 票"
        if group.rates is None or group.satisfaction is None or group.counted_weight is None:
            lines.append(f"{head}, 无票, 不计入; 其余评议组按权重比例折算")
            continue
        counts = ", ".join(f"{named[c]} {k} 票 (占 {fig(group.rates[c])})" for c, k in group.counts.items())
        sums = " + ".join(f"{k} × {exact_text(ballot.values[c])}" for c, k in group.counts.items())
        lines.append(f"{head}; {counts}; 满意度 ({sums}) / {group.ballots} = {fig(group.satisfaction)}")
        parts.append(f"{exact_text(group.counted_weight)} × {fig(group.satisfaction)}")
    if any(group.counted_weight != group.weight for group in ballot.groups):
        kept = [g for g in ballot.groups if g.counted_weight is not None]
        counted = ", ".join(f"{g.title} {exact_text(g.counted_weight)}" for g in kept)
        lines.append(f"  折算后权重 (权重 / 有票评议组权重之和): {counted}")
    lines.append(f"  加权满意度: {' + '.join(parts)} = {fig(ballot.satisfaction)}")
    shares = ", ".join(f"{named[c]} {k} 票 (占 {fig(ballot.rates[c])})" for c, k in ballot.counts.items())
    lines.append(f"  全部选票: {shares}")
    return lines


def flag_reason(flag, wording: Wording | None) -> str:
    """Why a flag was raised: its condition in titles and the values it read."""
    values = ", ".join(f"{wording.title(k) if wording else k} = {v}" for k, v in flag.values.items())
    condition = wording.text(flag.condition) if wording is not None else flag.condition
    return f"{condition} 成立 ({values})"


def _answer(value: str | bool | None) -> str:
    """A text or boolean output as a person reads it."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def _exact(value: Exact, precision: int) -> str:
    """A figure about to be rounded once: in full when it terminates (its rounding can
    be checked digit by digit), else by the display rule and as the fraction it is."""
    if isinstance(value, Fraction):
        return f"{shown(value, precision)} (精确值 {value.numerator}/{value.denominator})"
    return plain(value)
