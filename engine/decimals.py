"""The one place that says how numbers are computed and rounded.

Every sum, weight and cap is exact decimal arithmetic in a fixed context, so a score
never depends on the machine, the thread's decimal settings or binary floats; the
only rounding that changes a score is half up, once, at the end.
"""

from __future__ import annotations

import math
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
)
from fractions import Fraction
from functools import lru_cache

from .messages import say

# 40 digits keeps every quotient far beyond any precision a ruleset may ask for.
ARITHMETIC = Context(prec=40, rounding=ROUND_HALF_EVEN, traps=[DivisionByZero, Overflow])

# The same digits, but any result that would need rounding raises Inexact: a figure is
# either carried exactly as a decimal, or (rarely) as the fraction it is.
EXACT = Context(prec=40, rounding=ROUND_HALF_EVEN, traps=[Inexact, DivisionByZero, Overflow, InvalidOperation])

ZERO = Decimal(0)

# A figure of a score: a Decimal when it terminates within 40 digits (nearly always), else
# the Fraction it exactly is (10.4 × 15 / 13 = 104/9 is carried as 104/9, never cut).
Exact = Decimal | Fraction

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
    return text if len(text) <= limit else say("text.clipped", start=text[: limit - 12], count=len(text))


def engine_text(value: Decimal) -> str:
    """A number as the rules engine reads it: positional notation, with a point when it
    is not whole. The engine's parser stops at an exponent that has no point before it
    (`1e-06`) and then matches nothing at all."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(ARITHMETIC), "f")


def round_half_up(value: Exact, places: int) -> Decimal:
    """Round half away from zero to `places` decimals: 89.995 -> 90.00; a fraction is
    rounded from its exact value, so 1/3 -> 0.33 and no cut digit can tip it."""
    if isinstance(value, Fraction):
        scaled = abs(value) * 10**places
        whole = math.floor(scaled + Fraction(1, 2))
        return Decimal(whole if value >= 0 else -whole).scaleb(-places)
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP, context=ARITHMETIC)


# ---------------------------------------------------------------- exact figures


def exact(value: Fraction) -> Exact:
    """A fraction as the Decimal it is when it terminates within 40 digits, else itself."""
    denominator = value.denominator
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    if denominator != 1:
        return value
    try:
        return canonical(EXACT.divide(Decimal(value.numerator), Decimal(value.denominator)))
    except Inexact:
        return value


def quotient(dividend: Exact, divisor: Exact) -> Exact:
    """dividend / divisor, exactly: a Decimal when it terminates, else a Fraction."""
    if type(dividend) is Decimal and type(divisor) is Decimal:
        try:
            return EXACT.divide(dividend, divisor)
        except Inexact:
            pass
    return exact(Fraction(dividend) / Fraction(divisor))


def product(left: Exact, right: Exact) -> Exact:
    """left × right, exactly."""
    if type(left) is Decimal and type(right) is Decimal:
        try:
            return EXACT.multiply(left, right)
        except Inexact:
            pass
    return exact(Fraction(left) * Fraction(right))


def total(values) -> Exact:
    """The exact sum of figures (decimals stay decimals while they can)."""
    values = list(values)
    try:  # the common case, decimals whose sum needs no rounding, in one loop
        add = EXACT.add
        result: Exact = ZERO
        for value in values:
            result = add(result, value)
        return result
    except (Inexact, TypeError):
        pass
    result = ZERO
    for value in values:
        if type(result) is Decimal and type(value) is Decimal:
            try:
                result = EXACT.add(result, value)
                continue
            except Inexact:
                pass
        result = Fraction(result) + Fraction(value)
    return exact(result) if isinstance(result, Fraction) else result


def difference(left: Exact, right: Exact) -> Exact:
    """left - right, exactly."""
    if type(left) is Decimal and type(right) is Decimal:
        try:
            return EXACT.subtract(left, right)
        except Inexact:
            pass
    return exact(Fraction(left) - Fraction(right))


def approx(value: Exact) -> Decimal:
    """A figure as a 40-digit decimal, for the rules engine (which compares doubles) and
    for statistics; a decimal figure is returned as it is."""
    if isinstance(value, Fraction):
        return ARITHMETIC.divide(Decimal(value.numerator), Decimal(value.denominator))
    return value


def exact_text(value: Exact) -> str:
    """A figure in JSON: the decimal in one positional form ("2.5", "12", never "12.10",
    "7.0" or "1E+1"), or "p/q" in lowest terms for a fraction that does not terminate."""
    if type(value) is Decimal:
        return plain(value)
    return f"{value.numerator}/{value.denominator}"


def parse_exact(text: str) -> Exact:
    """A figure read back from its JSON text."""
    if "/" in text:
        return exact(Fraction(text))
    return Decimal(text)


# ---------------------------------------------------------------- figures for people

APPROX = "≈"


def shown(value: Exact, precision: int) -> str:
    """The one display rule for a figure a person reads (explanations, reports, pages).

    A figure with at most precision + 2 decimals is shown exactly ("2.625" at precision
    2); any other is rounded half up to precision + 2 decimals and marked: "≈11.5556".
    So every sum a person redoes from shown parts is exact, or within half a unit of
    the last shown place for each part marked ≈ (docs/figures.md)."""
    places = precision + 2
    if type(value) is Decimal:
        text = plain(value)
        point = text.find(".")
        if point < 0 or len(text) - point - 1 <= places:
            return text
    return APPROX + plain(round_half_up(value, places))


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
        return str(value.quantize(Decimal(1), context=ARITHMETIC) + ZERO)
    return format(value.normalize(ARITHMETIC), "f")
