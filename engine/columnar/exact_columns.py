"""Columns of figures worked out per unit (ballot figures, relative points): exact numbers,
Decimal or Fraction, over the least common multiple of their denominators."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import numpy as np

from .numbers import LIMIT, Num


def exact_columns(values: list[dict[str, Any]], names) -> dict[str, Num]:
    """The columns of figures `names` (a number in every unit)."""
    columns = {}
    for name in names:
        fractions = [Fraction(unit[name]) for unit in values]
        den = math.lcm(1, *{f.denominator for f in fractions})
        numerators = [f.numerator * (den // f.denominator) for f in fractions]
        wide = any(abs(n) > LIMIT for n in numerators)
        columns[name] = Num(np.array(numerators, dtype=object if wide else np.int64), den)
    return columns
