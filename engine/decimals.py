"""The one place that says how numbers are computed and rounded.

Every sum, weight and cap is exact decimal arithmetic in a fixed context, so a score
never depends on the machine, the thread's decimal settings or binary floats; the
only rounding that changes a score is half up, once, at the end.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, DivisionByZero, Overflow
from functools import lru_cache

# 40 digits keeps every quotient far beyond any precision a ruleset may ask for.
ARITHMETIC = Context(prec=40, rounding=ROUND_HALF_EVEN, traps=[DivisionByZero, Overflow])

ZERO = Decimal(0)


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round half away from zero to `places` decimals: 89.995 -> 90.00."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=ARITHMETIC)


def canonical(value: Decimal) -> Decimal:
    """One form per number (1.10 -> 1.1, 1E+2 -> 100), so the same value gives the same
    result whether it was written 1.10 in YAML or read back as 1.1 from storage."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def json_number(value: Decimal) -> int | float:
    """A decimal as a JSON number; exact for the at most 15 significant digits inputs may have."""
    return int(value) if value == value.to_integral_value() else float(value)


def to_decimal(value: int | float | str | Decimal) -> Decimal:
    """Exact decimal of a number as written (floats via their shortest repr)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


@lru_cache(maxsize=4096)
def plain(value: Decimal) -> str:
    """A decimal written without exponent or trailing zeros, for people (memoized:
    explanations print the same few points values for every unit)."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    text = format(value.normalize(), "f")
    return text
