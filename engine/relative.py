"""Indicators scored relative to peers: the reference values a batch gives each unit,
and the points they give (docs/relative-scoring.md).

Scoring stays per unit: a first pass reads each unit's own value of every relative
indicator; this module turns the batch's values into each unit's `Reference` (its rank
of how many, the best value and which unit had it, the mean); the unit is then scored
once, by the same path as any other, with its reference. So a single unit's result can
be recomputed exactly from the reference it records.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .decimals import ZERO, Exact, difference, product, quotient, total
from .errors import InputError, UndefinedValue
from .expressions import NA, UNKNOWN, evaluate
from .inputs import validate_input
from .model import Indicator, Relative, Ruleset
from .result import IndicatorReference, Reference


@dataclass(frozen=True)
class Own:
    """One unit's part in a batch: who it is, its value of each relative indicator it
    has a known value of, and whether it is disqualified (vetoes read inputs only, so
    this is known before it is scored)."""

    unit: str | None
    values: dict[str, Exact] = field(default_factory=dict)
    disqualified: bool = False


def own_values(model: Ruleset, values: Mapping, unit_id: str | None = None) -> Own:
    """A unit's own values, from its validated values: an indicator whose value is "NA"
    or undefined (a division by zero) is left out."""
    found = {}
    for indicator in model.relative_indicators():
        value = _value_of(indicator, values)
        if value is not None:
            found[indicator.id] = value
    disqualified = any(veto.effect == "disqualify" and _holds(veto.when, values) for veto in model.vetoes)
    return Own(unit_id, found, disqualified)


def _holds(expression, values: Mapping) -> bool | None:
    """True, False, or None when unknown (it read an "NA") or undefined."""
    try:
        value = evaluate(expression.root, values)
    except UndefinedValue:
        return None
    return value if isinstance(value, bool) else None


def _value_of(indicator: Indicator, values: Mapping) -> Exact | None:
    try:
        value = evaluate(indicator.score.relative.of.root, values)
    except UndefinedValue:
        return None
    if value is NA or value is UNKNOWN:
        return None
    return Decimal(int(value)) if isinstance(value, bool) else value


def own_values_of_data(model: Ruleset, data: dict, unit_id: str | None) -> Own | None:
    """A submission's own values, or None when it is refused (it takes no part): its
    data invalid, or a consistency rule broken."""
    try:
        values = validate_input(model, data)
    except InputError:
        return None
    if any(_holds(rule.must, values) is False for rule in model.consistency):
        return None
    return own_values(model, values, unit_id)


def batch_own_values(model: Ruleset, rows) -> dict[int, Own]:
    """The own values of a batch's rows (engine.pool.UnitRow) in row order (the first unit
    with the best value is the first in the file); refused rows left out."""
    found = {row.row: own_values_of_data(model, row.data, row.unit.id) for row in sorted(rows, key=lambda r: r.row)}
    return {row: own for row, own in found.items() if own is not None}


def takes_part(relative: Relative, own: Own) -> bool:
    """Whether a unit is one of the peers others are compared with."""
    return relative.disqualified == "include" or not own.disqualified


def references(model: Ruleset, batch: str, units: Mapping[Hashable, Own]) -> dict[Hashable, Reference]:
    """Every unit's reference among `units`. The peers of an indicator are the units
    with a known value that take part; a unit that does not take part (disqualified,
    where the ruleset leaves them out) is placed among the peers without moving them."""
    found: dict[Hashable, dict[str, IndicatorReference]] = {key: {} for key in units}
    for indicator in model.relative_indicators():
        relative = indicator.score.relative
        known = [(key, own) for key, own in units.items() if indicator.id in own.values]
        taking_part = [(own.unit, own.values[indicator.id]) for _, own in known if takes_part(relative, own)]
        peers = Standings(relative, taking_part)
        for key, own in known:
            found[key][indicator.id] = peers.of(own.values[indicator.id], own.unit, takes_part(relative, own))
    return {key: Reference(batch=batch, indicators=indicators) for key, indicators in found.items()}


class Standings:
    """The peers' values of one indicator, ordered once: any value's place among them."""

    def __init__(self, relative: Relative, peers: list[tuple[str | None, Exact]]):
        self.higher = relative.higher_is_better
        self.dense = relative.ties == "dense"
        self.ordered = sorted(value for _, value in peers)
        self.distinct = sorted(set(self.ordered))
        self.sum = total(self.ordered)
        self.best = (self.ordered[-1] if self.higher else self.ordered[0]) if peers else None
        self.best_unit = next((unit for unit, value in peers if value == self.best), None)
        self.best_count = self.ordered.count(self.best) if peers else 0

    def _better(self, values: list[Exact], value: Exact) -> int:
        """How many of `values` are strictly better than `value`."""
        return len(values) - bisect_right(values, value) if self.higher else bisect_left(values, value)

    def of(self, value: Exact, unit: str | None, member: bool) -> IndicatorReference:
        """The reference of a value: one of the peers' own (`member`), or an outsider's
        placed among them as if it joined them."""
        rank = 1 + self._better(self.distinct if self.dense else self.ordered, value)
        count, amount = len(self.ordered), self.sum
        best, best_unit, best_count = self.best, self.best_unit, self.best_count
        if not member:
            count, amount = count + 1, total((amount, value))
            if best is None or (value > best if self.higher else value < best):
                best, best_unit, best_count = value, unit, 1
            elif value == best:
                best_count += 1
        return IndicatorReference(
            value=value,
            count=count,
            rank=rank,
            best=best,
            best_unit=best_unit,
            best_count=best_count,
            mean=quotient(amount, Decimal(count)),
        )


def place_among(model: Ruleset, batch: str, peers: Mapping[Hashable, Own], own: Own) -> Reference:
    """One unit's reference among a reference batch: it takes the place of its own row
    there (same unit id), if any, and joins the others."""
    others = {key: peer for key, peer in peers.items() if own.unit is None or peer.unit != own.unit}
    me = object()
    return references(model, batch, {**others, me: own})[me]


def relative_points(relative: Relative, full: Exact, value: Exact, reference: IndicatorReference) -> Exact:
    """The points of a value against its reference, exact, between 0 and full points."""
    if relative.method == "rank":
        lowered = difference(full, product(relative.step, Decimal(reference.rank - 1)))
        return max(relative.floor or ZERO, lowered, ZERO)
    if relative.method == "best":
        best = reference.best
        if best <= 0:
            return full if value == best else ZERO
        if relative.higher_is_better:
            return max(ZERO, min(full, quotient(product(full, value), best)))
        return max(ZERO, min(full, quotient(product(full, best), value)))  # value >= best > 0
    deviation = difference(value, reference.mean) if relative.higher_is_better else difference(reference.mean, value)
    return max(ZERO, min(full, total((relative.at_mean, product(relative.per, deviation)))))
