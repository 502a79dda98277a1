"""The columns of a batch's validated inputs: numbers as exact `Num`, truths as booleans,
choices and texts as object arrays."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import numpy as np

from ..decimals import ARITHMETIC
from ..model import Ruleset
from .evaluate import Column
from .numbers import LIMIT, Num


def number_column(values: list[Decimal]) -> Num:
    """Decimals as integers over 10^places, places the most any of them has."""
    places = max((max(0, -v.as_tuple().exponent) for v in values), default=0)
    whole = [int(v.scaleb(places, context=ARITHMETIC)) for v in values]
    wide = any(abs(n) > LIMIT for n in whole)
    return Num(np.array(whole, dtype=object if wide else np.int64), 10**places)


def input_columns(model: Ruleset, values: list[dict[str, Any]], names) -> dict[str, Column]:
    """The columns of inputs `names` (none of them "NA" in any unit)."""
    columns: dict[str, Column] = {}
    for name in names:
        spec = model.inputs[name]
        column = [unit[name] for unit in values]
        if spec.numeric:
            columns[name] = number_column(column)
        elif spec.type == "boolean":
            columns[name] = np.array(column, dtype=bool)
        else:
            columns[name] = np.array(column, dtype=object)
    return columns
