"""Exact numbers over a whole column: integer numerators over one common denominator.

A column of figures is `Num(num, den)`: unit k's value is exactly num[k] / den. Sums,
products, clamps and comparisons are integer operations on the numerators, in int64
while every result provably fits and in Python ints (object arrays) once it might not,
so no figure is ever a float and none overflows.
"""

from __future__ import annotations

import math
import operator
from decimal import Decimal
from fractions import Fraction
from functools import lru_cache

import numpy as np

from ..decimals import Exact, canonical, exact

LIMIT = 2**62  # an int64 result stays below this; two of them may still be added


class Num:
    """A column of exact numbers: num[k] / den."""

    __slots__ = ("num", "den")

    def __init__(self, num: np.ndarray, den: int = 1):
        self.num = num
        self.den = den

    @classmethod
    def const(cls, value: Exact | int, size: int) -> Num:
        fraction = Fraction(value)
        big = abs(fraction.numerator) > LIMIT
        return cls(np.full(size, fraction.numerator, dtype=object if big else np.int64), fraction.denominator)

    def bound(self) -> int:
        """The largest absolute numerator (0 for an empty column)."""
        if not len(self.num):
            return 0
        return int(max(abs(int(self.num.max())), abs(int(self.num.min()))))

    def __neg__(self) -> Num:
        return Num(-self.num, self.den)


def _wide(array: np.ndarray, wide: bool) -> np.ndarray:
    return array.astype(object) if wide and array.dtype != object else array


def _scale(array: np.ndarray, factor: int, wide: bool) -> np.ndarray:
    array = _wide(array, wide)
    return array if factor == 1 else array * factor


def align(a: Num, b: Num) -> tuple[np.ndarray, np.ndarray, int]:
    """Both numerators over their least common denominator (widened when they might overflow)."""
    den = math.lcm(a.den, b.den)
    fa, fb = den // a.den, den // b.den
    wide = a.num.dtype == object or b.num.dtype == object or max(a.bound() * fa, b.bound() * fb) > LIMIT // 2
    return _scale(a.num, fa, wide), _scale(b.num, fb, wide), den


def add(a: Num, b: Num) -> Num:
    x, y, den = align(a, b)
    return Num(x + y, den)


def sub(a: Num, b: Num) -> Num:
    x, y, den = align(a, b)
    return Num(x - y, den)


def mul(a: Num, b: Num) -> Num:
    wide = a.num.dtype == object or b.num.dtype == object or a.bound() * b.bound() > LIMIT
    return Num(_wide(a.num, wide) * _wide(b.num, wide), a.den * b.den)


def times(a: Num, value: Exact) -> Num:
    """a × a constant (a quotient by a constant is a product with its inverse)."""
    fraction = Fraction(value)
    return mul(a, Num.const(fraction.numerator, len(a.num))) if fraction.denominator == 1 else _over(a, fraction)


def _over(a: Num, fraction: Fraction) -> Num:
    scaled = mul(a, Num.const(fraction.numerator, len(a.num)))
    return Num(scaled.num, scaled.den * fraction.denominator)


def minimum(a: Num, b: Num) -> Num:
    x, y, den = align(a, b)
    return Num(np.minimum(x, y), den)


def maximum(a: Num, b: Num) -> Num:
    x, y, den = align(a, b)
    return Num(np.maximum(x, y), den)


def clamp(a: Num, low: Exact, high: Exact) -> Num:
    size = len(a.num)
    return maximum(Num.const(low, size), minimum(Num.const(high, size), a))


COMPARE = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def compare(op: str, a: Num, b: Num) -> np.ndarray:
    x, y, _ = align(a, b)
    return np.asarray(COMPARE[op](x, y), dtype=bool)


def floor_steps(a: Num, step: Exact) -> Num:
    """floor(a / step), a whole number per unit."""
    fraction = Fraction(step)
    scaled = mul(a, Num.const(fraction.denominator, len(a.num)))
    divisor = a.den * fraction.numerator
    return Num(scaled.num // divisor, 1)


def round_half_up(a: Num, places: int) -> Num:
    """Each figure (never negative) rounded half up to `places` decimals, over 10^places."""
    scaled = mul(a, Num.const(2 * 10**places, len(a.num)))
    return Num((scaled.num + a.den) // (2 * a.den), 10**places)


def absolute(a: Num) -> Num:
    return Num(np.abs(a.num), a.den)


def rounded(a: Num, places: int) -> Num:
    """Each figure rounded half away from zero to `places` decimals (engine.decimals.round_half_up)."""
    magnitude = round_half_up(absolute(a), places)
    return Num(np.where(a.num < 0, -magnitude.num, magnitude.num).astype(magnitude.num.dtype), magnitude.den)


def decimals(a: Num, places: int) -> list[Decimal]:
    """Rounded figures (over 10^places) as engine.decimals.round_half_up writes them: 93.50."""
    return [Decimal(int(n)).scaleb(-places) for n in a.num]


def exacts(a: Num) -> list[Exact]:
    """Each figure as the engine carries it: the Decimal it is when it terminates within
    40 digits, else its Fraction (engine.decimals.exact). A column holds few distinct
    figures: each is converted once."""
    if a.num.dtype == object:
        return [_exact(int(n), a.den) for n in a.num]
    distinct, where = np.unique(a.num, return_inverse=True)
    converted = [_exact(int(n), a.den) for n in distinct]
    return [converted[i] for i in where.tolist()]


def _exact(numerator: int, den: int) -> Exact:
    places = _places(den)
    if places is None or abs(numerator) >= 10**26:  # canonical keeps 28 digits: longer ones take exact's way
        return exact(Fraction(numerator, den))
    return canonical(Decimal(numerator * (10**places // den)).scaleb(-places))


@lru_cache(maxsize=256)
def _places(den: int) -> int | None:
    """The decimal places of 1/den when it terminates, else None."""
    rest = den
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        return None
    places = 0
    while 10**places % den:
        places += 1
    return places
