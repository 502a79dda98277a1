"""A synthetic appraisal of the size the benchmarks use: 50 indicators with 4 bands
each (5 dimensions of 10), 5 vetoes and 5 grades, and random submissions for it."""

from __future__ import annotations

import random
from decimal import Decimal

INDICATORS = 50
VETOES = 5
THRESHOLDS = ((80, 2), (60, 1.5), (40, 1), (20, 0.5))


def ruleset_dict() -> dict:
    inputs = {f"x{i}": {"type": "integer", "title": f"指标{i}原始值", "min": 0, "max": 100} for i in range(INDICATORS)}
    inputs.update({f"y{v}": {"type": "integer", "title": f"否决事项{v}", "min": 0, "max": 10} for v in range(VETOES)})
    dimensions = []
    for d in range(INDICATORS // 10):
        indicators = []
        for i in range(d * 10, d * 10 + 10):
            bands = [{"when": f"x{i} >= {t}", "points": p} for t, p in THRESHOLDS] + [{"else": 0}]
            indicators.append({"id": f"i{i}", "title": f"指标{i}", "points": 2, "score": {"bands": bands}})
        dimensions.append({"id": f"d{d}", "title": f"维度{d}", "indicators": indicators})
    effects = ["lowest", {"cap": "g3"}, {"cap": "g2"}, "disqualify", {"cap": "g4"}]
    vetoes = [{"id": f"v{v}", "title": f"否决{v}", "when": f"y{v} > 0", "effect": effects[v]} for v in range(VETOES)]
    grades = [{"id": f"g{g}", "title": f"{5 - g}星", "min": 90 - 10 * g} for g in range(4)] + [
        {"id": "g4", "title": "1星"}
    ]
    return {
        "kaoping": 1,
        "id": "synthetic-50",
        "title": "合成基准(50指标)",
        "inputs": inputs,
        "dimensions": dimensions,
        "vetoes": vetoes,
        "grades": grades,
    }


def submissions(count: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    units = []
    for _ in range(count):
        unit = {f"x{i}": rng.randint(0, 100) for i in range(INDICATORS)}
        unit.update({f"y{v}": 1 if rng.random() < 0.03 else 0 for v in range(VETOES)})
        units.append(unit)
    return units


def unit_rows(units: list[dict]) -> list:
    """The submissions as a batch file's rows (row 1 is the header), in 120 townships."""
    from engine.pool import UnitRow
    from engine.result import UnitRef

    return [UnitRow(n + 2, UnitRef(id=f"u{n:06d}", parent=f"t{n % 120:03d}"), unit) for n, unit in enumerate(units)]


def _plain_total(unit: dict, thresholds, zero):
    total = zero
    for i in range(INDICATORS):
        value = unit[f"x{i}"]
        for threshold, points in thresholds:
            if value >= threshold:
                total += points
                break
    grade = next((f"g{g}" for g in range(4) if total >= 90 - 10 * g), "g4")
    if unit["y3"]:
        return total, None
    if unit["y0"]:
        return total, "g4"
    caps = [c for v, c in ((1, 3), (2, 2), (4, 4)) if unit[f"y{v}"]]
    if caps:
        grade = f"g{max(max(caps), int(grade[1:]))}"
    return total, grade


def plain_python_total(unit: dict) -> tuple[float, str | None]:
    """The lower bound: the same band tables in a bare loop, with no explanation."""
    return _plain_total(unit, THRESHOLDS, 0.0)


DECIMAL_THRESHOLDS = tuple((threshold, Decimal(str(points))) for threshold, points in THRESHOLDS)


def plain_decimal_total(unit: dict) -> tuple[Decimal, str | None]:
    """The same lower bound in exact decimals, as the engine computes."""
    return _plain_total(unit, DECIMAL_THRESHOLDS, Decimal(0))
