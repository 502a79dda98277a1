"""A ruleset expression evaluated over columns, for units none of whose read values is "NA".

With no "NA" among the values read, the three-valued logic of engine.expressions is
two-valued, so a condition is a boolean column and a number an exact `Num` column.
Only the nodes `SUPPORTED` lists are evaluated; engine.columnar.support refuses a
ruleset whose expressions use any other.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import numpy as np

from ..expressions import (
    And,
    Arithmetic,
    Boolean,
    Compare,
    Membership,
    Name,
    Negate,
    Node,
    Not,
    Number,
    Or,
    String,
)
from .numbers import Num, add, compare, mul, sub, times

SUPPORTED = (And, Arithmetic, Boolean, Compare, Membership, Name, Negate, Not, Number, Or, String)

# a column: Num (numbers), a bool array (truths), an object array of text (choices), or one text
Column = Any


def evaluate(node: Node, env: dict[str, Column], size: int) -> Column:
    """The value of `node` for every unit, from the columns of `env`."""
    if isinstance(node, Number):
        return Num.const(node.value, size)
    if isinstance(node, String):
        return node.value
    if isinstance(node, Boolean):
        return np.full(size, node.value, dtype=bool)
    if isinstance(node, Name):
        return env[node.id]
    if isinstance(node, Negate):
        return -number(evaluate(node.operand, env, size))
    if isinstance(node, Not):
        return ~truth(node.operand, env, size)
    if isinstance(node, And):
        return np.logical_and.reduce([truth(item, env, size) for item in node.items])
    if isinstance(node, Or):
        return np.logical_or.reduce([truth(item, env, size) for item in node.items])
    if isinstance(node, Arithmetic):
        return _arithmetic(node, env, size)
    if isinstance(node, Compare):
        return _compare(node, env, size)
    if isinstance(node, Membership):
        value = evaluate(node.operand, env, size)
        found = np.logical_or.reduce([_equal(value, evaluate(v, env, size)) for v in node.values])
        return ~found if node.negated else found
    raise TypeError(f"not evaluated over columns: {type(node).__name__}")


def truth(node: Node, env: dict[str, Column], size: int) -> np.ndarray:
    return np.asarray(evaluate(node, env, size), dtype=bool)


def number(value: Column) -> Num:
    """A number column; truths count 1 and 0, as engine.expressions reads them."""
    if isinstance(value, Num):
        return value
    return Num(np.asarray(value, dtype=np.int64), 1)


def _arithmetic(node: Arithmetic, env: dict[str, Column], size: int) -> Num:
    left = number(evaluate(node.left, env, size))
    if node.op == "/":  # only by a nonzero number (engine.columnar.support)
        return times(left, 1 / Fraction(node.right.value))
    right = number(evaluate(node.right, env, size))
    return {"+": add, "-": sub, "*": mul}[node.op](left, right)


def _is_na(node: Node) -> bool:
    return isinstance(node, String) and node.value == "NA"


def _compare(node: Compare, env: dict[str, Column], size: int) -> np.ndarray:
    if node.op in ("==", "!=") and (_is_na(node.left) or _is_na(node.right)):
        # no value read is "NA" here
        return np.full(size, node.op == "!=", dtype=bool)
    left = evaluate(node.left, env, size)
    right = evaluate(node.right, env, size)
    if _is_text(left) or _is_text(right):
        equal = _equal(left, right)
        return equal if node.op == "==" else ~equal
    return compare(node.op, number(left), number(right))


def _is_text(value: Column) -> bool:
    return isinstance(value, str) or (isinstance(value, np.ndarray) and value.dtype == object)


def _equal(left: Column, right: Column) -> np.ndarray:
    if _is_text(left) or _is_text(right):
        return np.asarray(left == right, dtype=bool)
    if isinstance(left, Num) or isinstance(right, Num):
        return compare("==", number(left), number(right))
    return np.asarray(left == right, dtype=bool)
