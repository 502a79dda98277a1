"""Checking a record page's indicator table by hand, from the figures it shows: each
subtotal is the sum of the points above it, the base the sum of the dimensions, the
total the base with the adjustments, rounded once (docs/figures.md)."""

from __future__ import annotations

from decimal import Decimal


def figure(points: str) -> tuple[Decimal, Decimal]:
    """A shown figure and how far it may be from the exact one (half a unit of its last
    place when it is marked ≈)."""
    if points.startswith("≈"):
        value = Decimal(points[1:])
        return value, Decimal(5).scaleb(value.as_tuple().exponent - 1)
    return Decimal(points), Decimal(0)


def adds_up(rows: list[tuple[str, str]]) -> tuple[Decimal, str]:
    """Check every sum of the table's (kind, points) rows; the figure before the
    rounding and the total shown."""
    parts, counted, adjustments = [], [], []
    running = slack = Decimal(0)

    def near(expected: Decimal, points: str, allowed: Decimal) -> None:
        value, own = figure(points)
        assert abs(expected - value) <= allowed + own, (expected, points)

    for kind, points in rows:
        if kind == "na":
            continue
        value, own = figure(points)
        if kind in ("indicator", "item"):
            parts.append((value, own))
        elif kind in ("subtotal", "group"):
            near(sum(v for v, _ in parts), points, sum(o for _, o in parts))
            (counted if kind == "subtotal" else adjustments).append((value, own))
            parts = []
        elif kind == "counted":
            counted[-1] = (value, own)  # rescaled for a not-applicable indicator
        elif kind == "base":
            near(sum(v for v, _ in counted), points, sum(o for _, o in counted))
            running, slack = value, own
        elif kind == "sum":
            near(running + sum(v for v, _ in adjustments), points, slack + sum(o for _, o in adjustments))
            running, slack = value, own
        elif kind == "total":
            assert abs(Decimal(points) - running) <= Decimal("0.005") + slack
            return running, points
    raise AssertionError("the table has no total row")
