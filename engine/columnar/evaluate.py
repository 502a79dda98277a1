"""A ruleset expression evaluated over columns, with the three-valued logic of
engine.expressions: a condition is a `Truth` (where it holds, where it is unknown), a
number an exact `Num` column, and an input "NA" in every unit of the columns is `NA`.
Every node of engine.expressions is evaluated. A unit whose value the columns cannot
carry (a conditional whose condition is unknown for it, a number read from an unknown
condition, a quotient by 0) is marked in its `Scope`'s `left`, for the per-unit path to score.
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
    Call,
    Compare,
    Conditional,
    Membership,
    Name,
    Negate,
    Node,
    Not,
    Number,
    Or,
    String,
)
from .numbers import Num, absolute, add, align, compare, maximum, minimum, mul, rounded, sub, times
from .quotients import quotient

# a column: Num (numbers), a bool array (truths), an object array of text (choices), one
# text, NA (an input "NA" in every unit), or a Truth
Column = Any


class Scope(dict):
    """The columns an expression reads, and the units it found it cannot carry (`left`)."""

    def __init__(self, columns: dict[str, Column], left: np.ndarray):
        super().__init__(columns)
        self.left = left

    def leave(self, units: np.ndarray) -> None:
        self.left |= units


class Truth(NamedTuple):
    """A condition for every unit: where it holds, and where it is unknown (it read an "NA")."""

    true: np.ndarray
    unknown: np.ndarray


def evaluate(node: Node, env: Scope, size: int) -> Column:
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
        return NA if value is NA else -number(value, env)
    if isinstance(node, Arithmetic):
        return _arithmetic(node, env, size)
    if isinstance(node, Conditional):
        return _conditional(node, env, size)
    if isinstance(node, Call):
        return _call(node, env, size)
    return truth3(node, env, size)


def truth3(node: Node, env: Scope, size: int) -> Truth:
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
    value = evaluate(node, env, size)  # a name, a conditional or a call
    if value is NA:
        return _unknown(size)
    if isinstance(value, Num):
        return _known(value.num != 0)
    return _as_truth(value)


def truth(node: Node, env: Scope, size: int) -> np.ndarray:
    """Where `node` holds (unknown does not hold, as engine.expressions.holds)."""
    return truth3(node, env, size).true


def _is_truth(value: Column) -> bool:
    return isinstance(value, Truth) or (isinstance(value, np.ndarray) and value.dtype == bool)


def _as_truth(value: Column) -> Truth:
    return value if isinstance(value, Truth) else _known(np.asarray(value, dtype=bool))


def _known(values: np.ndarray) -> Truth:
    return Truth(values, np.zeros(len(values), dtype=bool))


def _unknown(size: int) -> Truth:
    return Truth(np.zeros(size, dtype=bool), np.ones(size, dtype=bool))


def number(value: Column, env: Scope) -> Num:
    """A number column; truths count 1 and 0, as engine.expressions reads them (a unit
    where a condition is unknown reads an unknown number: it is left)."""
    if isinstance(value, Num):
        return value
    if isinstance(value, Truth):
        env.leave(value.unknown)
        value = value.true
    return Num(np.asarray(value, dtype=np.int64), 1)


def _arithmetic(node: Arithmetic, env: Scope, size: int) -> Num:
    left = evaluate(node.left, env, size)
    right = evaluate(node.right, env, size)
    if left is NA or right is NA:
        return NA
    if node.op == "/" and isinstance(node.right, Number) and node.right.value != 0:
        return times(number(left, env), 1 / Fraction(node.right.value))
    if node.op == "/":
        divisor = number(right, env)
        env.leave(np.asarray(divisor.num == 0, dtype=bool))  # the per-unit path refuses it, if it reaches it
        return quotient(number(left, env), divisor)
    return {"+": add, "-": sub, "*": mul}[node.op](number(left, env), number(right, env))


def _conditional(node: Conditional, env: Scope, size: int) -> Column:
    """`a if c else b` for every unit; where c is unknown the value is unknown (left), as
    where the branch taken is "NA"."""
    condition = truth3(node.condition, env, size)
    env.leave(condition.unknown)
    then, otherwise = evaluate(node.then, env, size), evaluate(node.otherwise, env, size)
    if then is NA or otherwise is NA:
        env.leave(condition.true if then is NA else ~condition.true)
        return otherwise if then is NA else then
    if _is_truth(then) and _is_truth(otherwise):
        then, otherwise = _as_truth(then), _as_truth(otherwise)
        pick = condition.true
        return Truth(np.where(pick, then.true, otherwise.true), np.where(pick, then.unknown, otherwise.unknown))
    if _is_text(then) or _is_text(otherwise):
        return np.where(condition.true, np.asarray(then, dtype=object), np.asarray(otherwise, dtype=object))
    x, y, den = align(number(then, env), number(otherwise, env))
    return Num(np.where(condition.true, x, y).astype(x.dtype), den)


def _call(node: Call, env: Scope, size: int) -> Column:
    """min, max, abs and round; round to places that are not whole leaves every unit."""
    args = [evaluate(arg, env, size) for arg in node.args]
    if any(arg is NA for arg in args):
        return NA
    if node.function == "round":
        places = node.args[1].value  # a number (engine.semantics)
        if places != places.to_integral_value():  # the per-unit path refuses the unit that reaches it
            env.leave(np.ones(size, dtype=bool))
            return number(args[0], env)
        return rounded(number(args[0], env), int(places))
    numbers = [number(arg, env) for arg in args]
    if node.function == "abs":
        return absolute(numbers[0])
    result = numbers[0]
    for other in numbers[1:]:
        result = (minimum if node.function == "min" else maximum)(result, other)
    return result


def _is_na(node: Node) -> bool:
    return isinstance(node, String) and node.value == "NA"


def _compare(node: Compare, env: Scope, size: int) -> Truth:
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
        held = compare(node.op, number(left, env), number(right, env))
    return Truth(held & ~unknown, unknown)


def _is_text(value: Column) -> bool:
    return isinstance(value, str) or (isinstance(value, np.ndarray) and value.dtype == object)


def _equal(left: Column, right: Column) -> np.ndarray:
    if _is_text(left) or _is_text(right):
        return np.asarray(left == right, dtype=bool)
    if isinstance(left, Num) or isinstance(right, Num):
        return compare("==", _plain(left), _plain(right))
    return np.asarray(left == right, dtype=bool)


def _plain(value: Column) -> Num:
    """A known number or truth (membership and equality) as a number column."""
    return value if isinstance(value, Num) else Num(np.asarray(value, dtype=np.int64), 1)
