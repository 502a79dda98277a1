"""A ruleset expression evaluated over columns, with the three-valued logic of
engine.expressions: a condition is a `Truth` (where it holds, where it is unknown), a
number an exact `Num` column, and an input "NA" in every unit of the columns is `NA`.
Only the nodes `SUPPORTED` lists are evaluated; engine.columnar.support refuses a
ruleset whose expressions use any other.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from ..expressions import (
    NA,
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

# a column: Num (numbers), a bool array (truths), an object array of text (choices), one
# text, NA (an input "NA" in every unit), or a Truth
Column = Any


class Truth(NamedTuple):
    """A condition for every unit: where it holds, and where it is unknown (it read an "NA")."""

    true: np.ndarray
    unknown: np.ndarray


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
        value = evaluate(node.operand, env, size)
        return NA if value is NA else -number(value)
    if isinstance(node, Arithmetic):
        return _arithmetic(node, env, size)
    return truth3(node, env, size)


def truth3(node: Node, env: dict[str, Column], size: int) -> Truth:
    """Whether `node` holds for each unit, or is unknown (engine.expressions.truth)."""
    if isinstance(node, Not):
        inner = truth3(node.operand, env, size)
        return Truth(~inner.true & ~inner.unknown, inner.unknown)
    if isinstance(node, And | Or):
        items = [truth3(item, env, size) for item in node.items]
        unknown = np.logical_or.reduce([item.unknown for item in items])
        if isinstance(node, And):
            false = np.logical_or.reduce([~item.true & ~item.unknown for item in items])
            true = np.logical_and.reduce([item.true for item in items])
            return Truth(true, unknown & ~false)
        true = np.logical_or.reduce([item.true for item in items])
        return Truth(true, unknown & ~true)
    if isinstance(node, Compare):
        return _compare(node, env, size)
    if isinstance(node, Membership):
        value = evaluate(node.operand, env, size)
        if value is NA:
            return _unknown(size)
        found = np.logical_or.reduce([_equal(value, evaluate(v, env, size)) for v in node.values])
        return _known(~found if node.negated else found)
    value = evaluate(node, env, size)  # a name
    if value is NA:
        return _unknown(size)
    return value if isinstance(value, Truth) else _known(np.asarray(value, dtype=bool))


def truth(node: Node, env: dict[str, Column], size: int) -> np.ndarray:
    """Where `node` holds (unknown does not hold, as engine.expressions.holds)."""
    return truth3(node, env, size).true


def _known(values: np.ndarray) -> Truth:
    return Truth(values, np.zeros(len(values), dtype=bool))


def _unknown(size: int) -> Truth:
    return Truth(np.zeros(size, dtype=bool), np.ones(size, dtype=bool))


def number(value: Column) -> Num:
    """A number column; truths count 1 and 0, as engine.expressions reads them."""
    if isinstance(value, Num):
        return value
    return Num(np.asarray(value, dtype=np.int64), 1)


def _arithmetic(node: Arithmetic, env: dict[str, Column], size: int) -> Num:
    left = evaluate(node.left, env, size)
    right = evaluate(node.right, env, size)
    if left is NA or right is NA:
        return NA
    if node.op == "/":  # only by a nonzero number (engine.columnar.support)
        return times(number(left), 1 / Fraction(node.right.value))
    return {"+": add, "-": sub, "*": mul}[node.op](number(left), number(right))


def _is_na(node: Node) -> bool:
    return isinstance(node, String) and node.value == "NA"


def _compare(node: Compare, env: dict[str, Column], size: int) -> Truth:
    if node.op in ("==", "!=") and (_is_na(node.left) or _is_na(node.right)):
        other = node.right if _is_na(node.left) else node.left
        is_na = evaluate(other, env, size) is NA
        return _known(np.full(size, is_na == (node.op == "=="), dtype=bool))
    left = evaluate(node.left, env, size)
    right = evaluate(node.right, env, size)
    if left is NA or right is NA:
        return _unknown(size)
    # a condition compared (`(a > 1) == b`) is unknown where it is
    unknown = np.logical_or.reduce([v.unknown for v in (left, right) if isinstance(v, Truth)] or [np.zeros(size, bool)])
    left, right = (v.true if isinstance(v, Truth) else v for v in (left, right))
    if _is_text(left) or _is_text(right):
        equal = _equal(left, right)
        held = equal if node.op == "==" else ~equal
    else:
        held = compare(node.op, number(left), number(right))
    return Truth(held & ~unknown, unknown)


def _is_text(value: Column) -> bool:
    return isinstance(value, str) or (isinstance(value, np.ndarray) and value.dtype == object)


def _equal(left: Column, right: Column) -> np.ndarray:
    if _is_text(left) or _is_text(right):
        return np.asarray(left == right, dtype=bool)
    if isinstance(left, Num) or isinstance(right, Num):
        return compare("==", number(left), number(right))
    return np.asarray(left == right, dtype=bool)
