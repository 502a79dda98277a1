"""A result as text a person reads: the reason chain from data to grade, in Chinese.

Indicator points → dimension subtotals → bonus and deduction with caps → total →
vetoes → grade → outputs. Every figure is shown by the one display rule
(`engine.decimals.shown`), and every sum is written out from the parts shown above it,
so a clerk can redo each one by hand; the total's one rounding is its own line.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .decimals import Exact, plain, round_half_up, shown, total
from .result import Result, WhatItTakes
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


def _sum(parts: list[str]) -> str:
    """Shown parts as a sum a person can redo: "4 + 2.5 - 2"."""
    if not parts:
        return "0"
    text = parts[0]
    for part in parts[1:]:
        text += f" - {part[1:]}" if part.startswith("-") else f" + {part}"
    return text


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

    def worded(text: str) -> str:
        return wording.text(text) if wording is not None else text

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
    grade = result.grade.title if result.grade else "无 (取消评定资格)"
    rounded = round_half_up(result.total, precision)
    add(f"总分 {rounded}    等次 {grade}")
    add(f"数字: 至多 {precision + 2} 位小数的照原样列出, 其余四舍五入到 {precision + 2} 位并标 ≈; 总分只在最后舍入一次")

    titles = {i.id: i.title for i in result.indicators}
    out.section("指标得分")
    for dim in result.dimensions:
        add(f"  {dim.title} [{dim.id}]")
        for ind in (i for i in result.indicators if i.dimension == dim.id):
            points = "不适用" if ind.points is None else f"{fig(ind.points)} / {plain(ind.full_points)}"
            add(f"    {ind.title} [{ind.id}]  {points}")
            add(f"      {ind.detail}")

    out.section("维度小计")
    for dim in result.dimensions:
        parts = [fig(i.points) for i in result.indicators if i.dimension == dim.id and i.points is not None]
        text = f"  {dim.title}: " + (f"得分 {parts[0]}" if len(parts) == 1 else f"{_sum(parts)} = {fig(dim.points)}")
        if dim.na_indicators:
            missing = "、".join(titles.get(i, i) for i in dim.na_indicators)
            text += (
                f"; 缺项 {missing}, 按缺项折算: {fig(dim.points)} × {plain(dim.full_points)}"
                f" / {plain(dim.applicable_full_points)} = {fig(dim.rescaled)}"
            )
        if dim.weight is not None:
            text += f"; 权重 {plain(dim.weight)}: {fig(dim.rescaled)} × {plain(dim.weight)} / {plain(dim.full_points)}"
            text += f" = {fig(dim.contribution)}"
        add(text + f" → 计入 {fig(dim.contribution)}")
    add(f"  基础分合计: {_sum([fig(d.contribution) for d in result.dimensions])} = {fig(result.base)}")

    if result.adjustments:
        out.section("加分与扣分")
        for group in result.adjustments:
            cap = f"封顶 {plain(group.cap)}" if group.cap is not None else "不封顶"
            applied = [item for item in group.items if item.applied]
            capped = f", 超过封顶, 计入 {fig(group.applied)}" if group.capped else f" → 计入 {fig(group.applied)}"
            add(f"  {group.title} ({cap}): {_sum([fig(i.points) for i in applied])} = {fig(group.raw)}{capped}")
            for item in applied:
                add(f"    {item.title}: {fig(item.points)}  {item.detail}")

    out.section("总分")
    summed = total([result.base, *(g.applied for g in result.adjustments)])
    if result.adjustments:
        parts = [fig(result.base)] + [fig(g.applied) for g in result.adjustments]
        names = "、".join(g.title for g in result.adjustments)
        add(f"  基础分合计与{names}之和: {_sum(parts)} = {_exact(summed, precision)}")
    if summed != result.total_exact:
        add(f"  {_exact(summed, precision)} 低于 0, 总分计 0")
    add(f"  {_exact(result.total_exact, precision)} → 四舍五入保留 {precision} 位 = {rounded}")

    out.section("一票否决")
    if not result.vetoes:
        add("  无")
    for veto in result.vetoes:
        effect = EFFECTS[veto.effect] + (f" (最高 {veto.cap})" if veto.cap else "")
        decisive = " ← 起决定作用" if veto.decisive else ""
        values = ", ".join(f"{wording.title(k) if wording else k} = {v}" for k, v in veto.rule.values.items())
        add(f"  {veto.title} [{veto.id}]: {worded(veto.rule.condition)} 成立 ({values}) → {effect}{decisive}")

    out.section("等次")
    if result.vetoes:
        add(f"  不计否决时应得: {result.grade_without_vetoes.title}")
    for step in result.grades_not_reached:
        reasons = []
        if step.points_missing is not None:
            reasons.append(f"总分未达 {plain(step.min)}, 差 {fig(step.points_missing)} 分")
        reasons.extend(f"前置条件不满足: {worded(text)}" for text in step.failed_requires)
        reasons.extend(f"被否决 {veto}" for veto in step.vetoed_by)
        if step.quota:
            reasons.append(step.quota)
        add(f"  {step.title}: 未评定 — {'; '.join(reasons) or '—'}")
        if step.what_it_takes is not None:
            for line in _what_it_takes(step.title, step.what_it_takes):
                add(line)
    add(f"  评定结果: {grade}")
    if result.quota is not None:
        add(f"  名额控制: {result.quota.reason}")

    if result.outputs:
        out.section("计算结果")
        for output in result.outputs:
            if output.exact is None:
                add(f"  {output.title}: —")
                continue
            value = round_half_up(output.exact, precision)
            add(f"  {output.title}: {_exact(output.exact, precision)} → 四舍五入保留 {precision} 位 = {value}")
    return "\n".join(out.lines) + "\n"


def _exact(value: Exact, precision: int) -> str:
    """A figure about to be rounded once: in full when it terminates (its rounding can
    be checked digit by digit), else by the display rule and as the fraction it is."""
    if isinstance(value, Fraction):
        return f"{shown(value, precision)} (精确值 {value.numerator}/{value.denominator})"
    return plain(value)
