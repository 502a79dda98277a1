"""The columns of a batch's validated inputs: numbers as exact `Num`, truths as booleans,
choices and texts as object arrays."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from operator import itemgetter
from typing import Any

import numpy as np

from ..decimals import ARITHMETIC
from ..model import InputSpec, Ruleset
from .evaluate import Column
from .numbers import LIMIT, Num


def number_column(values: Sequence[Decimal]) -> Num:
    """Decimals as integers over 10^places, places the most any of them has."""
    distinct = dict.fromkeys(values)  # a batch's values repeat: each is converted once
    places = max((max(0, -v.as_tuple().exponent) for v in distinct), default=0)
    for value in distinct:
        distinct[value] = int(value.scaleb(places, context=ARITHMETIC))
    wide = any(abs(n) > LIMIT for n in distinct.values())
    return Num(np.array([distinct[v] for v in values], dtype=object if wide else np.int64), 10**places)


def input_columns(model: Ruleset, values: list[dict[str, Any]], names) -> dict[str, Column]:
    """The columns of inputs `names` (none of them "NA" in any unit)."""
    names = sorted(names)
    if len(names) == 1:
        transposed = [tuple(unit[names[0]] for unit in values)]
    elif names and values:
        transposed = list(zip(*map(itemgetter(*names), values), strict=True))
    else:
        transposed = [() for _ in names]
    columns: dict[str, Column] = {}
    for name, column in zip(names, transposed, strict=True):
        spec = model.inputs[name]
        if spec.type == "integer" and _bounded(spec):  # whole numbers that fit int64, as they are
            columns[name] = Num(np.fromiter(map(int, column), dtype=np.int64, count=len(column)), 1)
        elif spec.numeric:
            columns[name] = number_column(column)
        elif spec.type == "boolean":
            columns[name] = np.array(column, dtype=bool)
        else:
            columns[name] = np.array(column, dtype=object)
    return columns


def _bounded(spec: InputSpec) -> bool:
    return spec.min is not None and spec.max is not None and max(abs(spec.min), abs(spec.max)) <= LIMIT
