"""A batch's inputs validated as engine.inputs.validate_input validates them, each distinct
value once: a county's 25,000 rows repeat a few hundred values per input, and checking
each cell anew was most of a columnar batch's time. A row with anything the memo cannot
vouch for (a problem, an unknown or missing field, a value of an unusual type) is
validated by validate_input itself, so its verdict and its words are that function's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..errors import InputError
from ..expressions import NA
from ..inputs import normalize_value, validate_input
from ..model import Ruleset
from ..pool import UnitRow

_REFUSED = object()  # the memo's mark for a value validate_input refuses
_PLAIN = (int, str, bool)  # hashable, and equal only when validate_input treats them alike
_BY_TEXT = (Decimal, float)  # keyed by their digits: validate_input reads those, not only the value


class Validator:
    """validate_input for many rows of one ruleset, with each input's values memoized."""

    def __init__(self, model: Ruleset):
        self.model = model
        self.inputs = [(name, spec, {}) for name, spec in model.inputs.items()]
        self.names = model.inputs.keys()
        self.absent = {
            name: _REFUSED
            if spec.required
            else NA
            if spec.default is None
            else normalize_value(name, spec, spec.default)[0]
            for name, spec in model.inputs.items()
        }

    def split(self, rows: list[UnitRow]) -> tuple[list[tuple[UnitRow, dict[str, Any]]], list[UnitRow]]:
        """(each valid row with its normalized values, the rows validate_input refuses)."""
        valid, refused = [], []
        for row in rows:
            values = self._memoized(row.data)
            if values is None:
                try:
                    values = validate_input(self.model, row.data)
                except InputError:
                    refused.append(row)
                    continue
            valid.append((row, values))
        return valid, refused

    def _memoized(self, data: Any) -> dict[str, Any] | None:
        """The normalized values, or None when validate_input must decide."""
        if not isinstance(data, dict) or not data.keys() <= self.names:
            return None
        values = {}
        for name, spec, seen in self.inputs:
            value = data.get(name)
            if value is None:
                value = self.absent[name]
            else:
                kind = type(value)
                if kind in _PLAIN:
                    key = (kind, value)
                elif kind in _BY_TEXT:
                    key = (kind, str(value))
                else:
                    return None
                found = seen.get(key)
                if found is None:
                    normalized, problem = normalize_value(name, spec, value)
                    found = seen[key] = _REFUSED if problem is not None else normalized
                value = found
            if value is _REFUSED:
                return None
            values[name] = value
        return values
