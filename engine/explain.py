"""A result as text a person reads: the reason chain from data to grade, in Chinese.

Indicator points → dimension subtotals → bonus and deduction with caps → total →
grade requirements → vetoes → quota. Figures are rounded here for display only.
"""

from __future__ import annotations

from decimal import Decimal

from .decimals import plain, round_half_up
from .result import Result, WhatItTakes

EFFECTS = {"disqualify": "取消评定资格", "lowest": "定为最低等次", "cap": "等次封顶"}


def _shown(value: Decimal | None, places: int = 2) -> str:
    if value is None:
        return "—"
    return plain(round_half_up(value, places))


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


def explain_text(result: Result) -> str:
    lines: list[str] = []
    add = lines.append
    rs = result.ruleset
    version = f"版本 {rs.version}" if rs.version is not None else "未入库版本"
    add(f"{rs.title} ({rs.id}, {version}, {rs.content_hash[:19]})")
    if result.unit is not None:
        unit = result.unit
        add(f"单位: {unit.name or ''} ({unit.id or '-'})" + (f"  上级: {unit.parent}" if unit.parent else ""))
    grade = result.grade.title if result.grade else "无 (取消评定资格)"
    add(f"总分 {result.total}    等次 {grade}")
    add("")
    add("一、指标得分")
    for dim in result.dimensions:
        add(f"  {dim.title} [{dim.id}]")
        for ind in (i for i in result.indicators if i.dimension == dim.id):
            points = "不适用" if ind.points is None else f"{_shown(ind.points)} / {plain(ind.full_points)}"
            add(f"    {ind.title} [{ind.id}]  {points}")
            add(f"      {ind.detail}")
    add("")
    add("二、维度小计")
    for dim in result.dimensions:
        text = f"  {dim.title}: 得分 {_shown(dim.points)}"
        if dim.na_indicators:
            text += (
                f", 缺项 {', '.join(dim.na_indicators)}: {_shown(dim.points)} × {plain(dim.full_points)}"
                f" / {plain(dim.applicable_full_points)} = {_shown(dim.rescaled)}"
            )
        if dim.weight is not None:
            text += (
                f", 权重 {plain(dim.weight)}: {_shown(dim.rescaled)} × {plain(dim.weight)} / {plain(dim.full_points)}"
            )
        add(text + f" → 计入 {_shown(dim.contribution)}")
    add(f"  基础分合计 {_shown(result.base)}")
    if result.adjustments:
        add("")
        add("三、加分与扣分")
        for group in result.adjustments:
            cap = f"封顶 {plain(group.cap)}" if group.cap is not None else "不封顶"
            capped = " (已封顶)" if group.capped else ""
            add(f"  {group.title} ({cap}): 合计 {_shown(group.raw)} → 计入 {_shown(group.applied)}{capped}")
            for item in group.items:
                if item.applied:
                    add(f"    {item.title}: {_shown(item.points)}  {item.detail}")
    add("")
    add(f"四、总分: {_shown(result.total_exact, 6)} → 四舍五入保留 {result.precision} 位 = {result.total}")
    add("")
    add("五、一票否决")
    if not result.vetoes:
        add("  无")
    for veto in result.vetoes:
        effect = EFFECTS[veto.effect] + (f" (最高 {veto.cap})" if veto.cap else "")
        decisive = " ← 起决定作用" if veto.decisive else ""
        add(f"  {veto.title} [{veto.id}]: {veto.rule.condition} 成立 {veto.rule.values} → {effect}{decisive}")
    add("")
    add("六、等次")
    if result.vetoes:
        add(f"  不计否决时应得: {result.grade_without_vetoes.title}")
    for step in result.grades_not_reached:
        reasons = []
        if step.points_missing is not None:
            reasons.append(f"总分未达 {plain(step.min)}, 差 {_shown(step.points_missing)} 分")
        reasons.extend(f"前置条件不满足: {text}" for text in step.failed_requires)
        reasons.extend(f"被否决 {veto}" for veto in step.vetoed_by)
        if step.quota:
            reasons.append(step.quota)
        add(f"  {step.title}: 未评定 — {'; '.join(reasons) or '—'}")
        if step.what_it_takes is not None:
            lines.extend(_what_it_takes(step.title, step.what_it_takes))
    add(f"  评定结果: {grade}")
    if result.quota is not None:
        add(f"  名额控制: {result.quota.reason}")
    if result.outputs:
        add("")
        add("七、计算结果")
        for output in result.outputs:
            add(f"  {output.title}: {'—' if output.value is None else output.value}")
    return "\n".join(lines)
