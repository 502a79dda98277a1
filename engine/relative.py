"""Indicators scored relative to peers: the reference values a batch gives each unit,
and the points they give (docs/relative-scoring.md).

Scoring stays per unit: a first pass reads each unit's own value of every relative
indicator; this module turns the batch's values into each unit's `Reference` (its rank
of how many, the best value and which unit had it, the mean); the unit is then scored
once, by the same path as any other, with its reference. So a single unit's result can
be recomputed exactly from the reference it records.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from decimal import Decimal

from .decimals import ZERO, Exact, difference, product, quotient, total
from .errors import InputError, UndefinedValue
from .expressions import NA, UNKNOWN, evaluate
from .inputs import validate_input
from .model import Indicator, Relative, Ruleset
from .result import IndicatorReference, Reference

# one unit's own values: indicator id -> (unit id, value); an indicator it has no value of is absent
OwnValues = dict[str, tuple[str | None, Exact]]


def own_values(model: Ruleset, values: Mapping, unit_id: str | None = None) -> OwnValues:
    """A unit's values of its relative indicators, from its validated values: an
    indicator whose value is "NA" or undefined (a division by zero) is left out."""
    found: OwnValues = {}
    for indicator in model.relative_indicators():
        value = _value_of(indicator, values)
        if value is not None:
            found[indicator.id] = (unit_id, value)
    return found


def _value_of(indicator: Indicator, values: Mapping) -> Exact | None:
    try:
        value = evaluate(indicator.score.relative.of.root, values)
    except UndefinedValue:
        return None
    if value is NA or value is UNKNOWN:
        return None
    return Decimal(int(value)) if isinstance(value, bool) else value


def own_values_of_data(model: Ruleset, data: dict, unit_id: str | None) -> OwnValues | None:
    """A submission's own values, or None when the submission is refused (it takes no part)."""
    try:
        values = validate_input(model, data)
    except InputError:
        return None
    return own_values(model, values, unit_id)


def batch_own_values(model: Ruleset, rows) -> dict[int, OwnValues]:
    """The own values of a batch's rows (engine.pool.UnitRow) by row; refused rows left out."""
    found = {row.row: own_values_of_data(model, row.data, row.unit.id) for row in rows}
    return {row: own for row, own in found.items() if own is not None}


def references(model: Ruleset, batch: str, units: Mapping[Hashable, OwnValues]) -> dict[Hashable, Reference]:
    """Every unit's reference among `units` (the peers: each with a known value takes part)."""
    found: dict[Hashable, dict[str, IndicatorReference]] = {key: {} for key in units}
    for indicator in model.relative_indicators():
        peers = [(key, own[indicator.id]) for key, own in units.items() if indicator.id in own]
        for key, reference in _indicator_references(indicator.score.relative, peers):
            found[key][indicator.id] = reference
    return {key: Reference(batch=batch, indicators=indicators) for key, indicators in found.items()}


def _indicator_references(relative: Relative, peers: list[tuple[Hashable, tuple[str | None, Exact]]]):
    if not peers:
        return
    values = [value for _, (_, value) in peers]
    sign = 1 if relative.higher_is_better else -1
    best = max(values) if sign == 1 else min(values)
    best_unit = next(unit for _, (unit, value) in peers if value == best)
    count = len(values)
    mean = quotient(total(values), Decimal(count))
    ranks = _ranks(values, sign, relative.ties == "dense")
    best_count = values.count(best)
    for key, (_, value) in peers:
        yield (
            key,
            IndicatorReference(
                value=value,
                count=count,
                rank=ranks[value],
                best=best,
                best_unit=best_unit,
                best_count=best_count,
                mean=mean,
            ),
        )


def _ranks(values: Iterable[Exact], sign: int, dense: bool) -> dict[Exact, int]:
    """Each distinct value's place, best first: shared (1, 2, 2, 4) or dense (1, 2, 2, 3)."""
    counts: dict[Exact, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    places: dict[Exact, int] = {}
    better = 0
    for distinct, value in enumerate(sorted(counts, key=lambda v: -sign * v)):
        places[value] = distinct + 1 if dense else better + 1
        better += counts[value]
    return places


def place_among(
    model: Ruleset, batch: str, peers: Mapping[Hashable, OwnValues], unit_id: str | None, own: OwnValues
) -> Reference:
    """One unit's reference among a reference batch: it takes the place of its own row
    there (same unit id), if any, and joins the others."""
    others = {key: values for key, values in peers.items() if unit_id is None or _unit_of(values) != unit_id}
    me = object()
    everyone = {**others, me: {name: (unit_id, value) for name, (_, value) in own.items()}}
    return references(model, batch, everyone)[me]


def _unit_of(values: OwnValues) -> str | None:
    return next((unit for unit, _ in values.values()), None)


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
