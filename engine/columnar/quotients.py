"""A column divided by a column, exactly: each unit's quotient over one common denominator.

A divisor that is not one constant differs from unit to unit, so the quotients share the
least common multiple of the divisors' numerators as their denominator; each distinct
divisor is worked out once.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from .numbers import LIMIT, Num


def quotient(a: Num, b: Num) -> Num:
    """a / b for every unit whose divisor is not 0 (a 0 divisor is read as 1: the caller
    leaves that unit to the per-unit path, which says what it makes of it)."""
    distinct, where = np.unique(b.num, return_inverse=True)
    divisors = [Fraction(int(n) or 1, b.den) for n in distinct.tolist()]
    common = math.lcm(1, *(abs(d.numerator) for d in divisors))
    # a.num/a.den ÷ p/q = a.num × q × (common/p) / (a.den × common)
    factors = [d.denominator * (common // d.numerator) for d in divisors]
    largest = max((abs(f) for f in factors), default=0)
    wide = a.num.dtype == object or a.bound() * largest > LIMIT
    table = np.array(factors, dtype=object if wide else np.int64)
    numerators = a.num.astype(object) if wide and a.num.dtype != object else a.num
    return Num(numerators * table[where.reshape(-1)], a.den * common)
