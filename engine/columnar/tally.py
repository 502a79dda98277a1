"""Ballots counted over columns: engine.ballots.tally's exact arithmetic for every unit at
once, each figure a `Num` column with where it is "NA" (a group left out by
`empty_groups: reweight`) and which units cannot be counted (the per-unit path refuses them).

Units are grouped by which groups are empty: within a pattern each counted group's weight
(its share over the counted groups' shares) is one constant.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np

from ..ballots import count_input
from ..model import Ballot, Ruleset
from .numbers import LIMIT, Num, add, mul, times
from .quotients import quotient


@dataclass
class Tallied:
    """Every ballot figure by name as a column over all units, where each is "NA", and
    the units whose ballots cannot be counted."""

    columns: dict[str, Num]
    na: dict[str, np.ndarray]
    refused: np.ndarray

    def of(self, name: str, members: list[int]) -> Num:
        """Figure `name` of the units `members`."""
        column = self.columns[name]
        return Num(column.num[members], column.den)

    def value(self, name: str, k: int) -> Fraction:
        """Figure `name` of unit `k` (not "NA" there)."""
        column = self.columns[name]
        return Fraction(int(column.num[k]), column.den)


def tally_columns(model: Ruleset, values: list[dict[str, Any]]) -> Tallied:
    """The figures of every ballot of `model` for units `values` (validated)."""
    tallied = Tallied({}, {}, np.zeros(len(values), dtype=bool))
    for ballot in model.ballots:
        _tally(ballot, values, tallied)
    return tallied


def _counts(ballot: Ballot, group: str, choice: str, values: list[dict[str, Any]]) -> Num:
    found = [int(unit[count_input(ballot, group, choice)]) for unit in values]
    wide = any(n > LIMIT for n in found)
    return Num(np.array(found, dtype=object if wide else np.int64), 1)


def _tally(ballot: Ballot, values: list[dict[str, Any]], tallied: Tallied) -> None:
    size = len(values)
    groups, choices = ballot.groups, ballot.choices
    counts = {(g.id, c.id): _counts(ballot, g.id, c.id, values) for g in groups for c in choices}
    zero = Num.const(0, size)
    cast = {g.id: _sum([counts[g.id, c.id] for c in choices], zero) for g in groups}
    empty = np.array([np.asarray(cast[g.id].num == 0, dtype=bool) for g in groups]).reshape(len(groups), size)
    refused = empty.any(axis=0) if ballot.empty_groups == "refuse" else empty.all(axis=0)
    # each pattern of empty groups: the counted groups' weights (engine.ballots.tally)
    code = np.zeros(size, dtype=np.int64)
    for g in range(len(groups)):
        code |= empty[g].astype(np.int64) << g
    patterns, where = np.unique(code, return_inverse=True)
    weights = []  # per pattern: each group's weight, or None when no counted group weighs
    for pattern in patterns.tolist():
        counted = [not pattern >> i & 1 for i in range(len(groups))]
        of_counted = sum((g.share for g, c in zip(groups, counted, strict=True) if c), Fraction(0))
        shares = (
            [g.share / of_counted if c else 0 for g, c in zip(groups, counted, strict=True)] if of_counted else None
        )
        weights.append(shares)
    refused |= np.array([w is None for w in weights], dtype=bool)[where.reshape(-1)]
    tallied.refused |= refused
    worth = {c.id: c.worth for c in choices}
    satisfaction = zero
    everyone = _sum(list(cast.values()), zero)
    for i, group in enumerate(groups):
        prefix = f"{ballot.id}.group.{group.id}"
        n = cast[group.id]
        own = quotient(_sum([times(counts[group.id, c.id], worth[c.id]) for c in choices], zero), n)
        satisfaction = add(satisfaction, mul(_per_pattern([w and w[i] for w in weights], where), own))
        _put(tallied, f"{prefix}.ballots", n, None)
        _put(tallied, f"{prefix}.satisfaction", own, empty[i])
        for choice in choices:
            _put(tallied, f"{prefix}.rate.{choice.id}", quotient(counts[group.id, choice.id], n), empty[i])
    _put(tallied, f"{ballot.id}.ballots", everyone, None)
    _put(tallied, f"{ballot.id}.satisfaction", satisfaction, None)
    for choice in choices:
        total = _sum([counts[g.id, choice.id] for g in groups], zero)
        _put(tallied, f"{ballot.id}.count.{choice.id}", total, None)
        _put(tallied, f"{ballot.id}.rate.{choice.id}", quotient(total, everyone), None)


def _sum(columns: list[Num], zero: Num) -> Num:
    result = zero
    for column in columns:
        result = add(result, column)
    return result


def _per_pattern(values: list[Fraction | int | None], where: np.ndarray) -> Num:
    """A column of one constant per pattern of empty groups (None: a refused pattern, 0)."""
    fractions = [Fraction(v or 0) for v in values]
    den = math.lcm(1, *(f.denominator for f in fractions))
    table = [f.numerator * (den // f.denominator) for f in fractions]
    wide = any(abs(n) > LIMIT for n in table)
    return Num(np.array(table, dtype=object if wide else np.int64)[where.reshape(-1)], den)


def _put(tallied: Tallied, name: str, column: Num, na: np.ndarray | None) -> None:
    tallied.columns[name] = column
    tallied.na[name] = np.zeros(len(column.num), dtype=bool) if na is None else na
