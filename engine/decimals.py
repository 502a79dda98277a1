"""The one place that says how numbers are computed and rounded.

Every sum, weight and cap is exact decimal arithmetic in a fixed context, so a score
never depends on the machine, the thread's decimal settings or binary floats; the
only rounding that changes a score is half up, once, at the end.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, DivisionByZero, Overflow
from functools import lru_cache

from .messages import say

# 40 digits keeps every quotient far beyond any precision a ruleset may ask for.
ARITHMETIC = Context(prec=40, rounding=ROUND_HALF_EVEN, traps=[DivisionByZero, Overflow])

ZERO = Decimal(0)

# The numbers a ruleset or a submission may hold: every one of them is a distinct double
# in the same order (15 significant digits round-trip through a double), so the rules
# engine, which compares doubles, gives the decimal answer; and each is written for the
# engine in plain positional notation, the only form its JSON parser reads correctly.
MAX_DIGITS = 15  # significant digits, counted as written (before any rounding)
MAX_MAGNITUDE = Decimal(10) ** 15  # absolute values stay below 10^15
MAX_PLACES = 15  # digits after the point


def number_problem(value: Decimal) -> str | None:
    """Why a number cannot be carried exactly (in the reader's language), or None when it can.

    Read from the digits as written, so no context rounding hides a 30-digit value
    and no huge exponent is ever expanded."""
    if not value.is_finite():
        return say("number.not_finite")
    _sign, digits, exponent = value.as_tuple()
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    significant = len(digits) - trailing
    if significant == 0:  # zero, however written
        return None
    if value.adjusted() >= 15:
        return say("number.too_large")
    if significant > MAX_DIGITS:
        return say("number.digits", digits=significant, limit=MAX_DIGITS)
    if exponent + trailing < -MAX_PLACES:
        return say("number.places", places=-(exponent + trailing), limit=MAX_PLACES)
    return None


def clipped(value: Decimal | str, limit: int = 40) -> str:
    """A value as it was given, shortened for a message when it is very long."""
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 12]}…(共 {len(text)} 个字符)"


def engine_text(value: Decimal) -> str:
    """A number as the rules engine reads it: positional notation, with a point when it
    is not whole. The engine's parser stops at an exponent that has no point before it
    (`1e-06`) and then matches nothing at all."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(ARITHMETIC), "f")


def round_half_up(value: Decimal, places: int) -> Decimal:
    """Round half away from zero to `places` decimals: 89.995 -> 90.00."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=ARITHMETIC)


def canonical(value: Decimal) -> Decimal:
    """One form per number (1.10 -> 1.1, 1E+2 -> 100), so the same value gives the same
    result whether it was written 1.10 in YAML or read back as 1.1 from storage."""
    if not value:
        return ZERO  # no negative zero
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize(ARITHMETIC)


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
