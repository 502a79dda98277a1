"""A scored unit without its pydantic model: the result's JSON and the few figures a
caller keeps, for scoring many units fast and keeping them cheaply.

`engine.result.Result` stays the schema (the API's OpenAPI is made from it), but building
and validating its ~100 models per unit cost more than matching the unit's conditions.
Scoring builds the plain dict the model would dump (engine.scoring); `result_json` writes
it with orjson in exactly the bytes `Result.model_dump_json()` writes: the same key order
and absent extensions left out (the dict is built so), compact separators and raw UTF-8
(orjson's and pydantic's defaults), and each figure in its one text form
(`engine.decimals.exact_text`). tests/test_lean.py holds the two to the same bytes.

A `Lean` keeps only the JSON text and figures that are atoms (str, int): the cyclic
collector never tracks these (from Python 3.13 on it tracks a Decimal or Fraction, so the
total is kept as its exact text and made a figure when asked for), so a list of 20,000
kept results costs it one object each to scan (the Lean itself) instead of the ~300 dicts, lists and models of a
full result, and keeping them does not slow further scoring (bench/engine.py measures
kept against dropped in the same run).
"""

from __future__ import annotations

from typing import Any

import orjson

from .decimals import Exact, exact_text, parse_exact
from .result import Result


def result_json(part: dict[str, Any]) -> str:
    """A result's dict (engine.scoring.score_values) as the JSON its model would write."""
    # any other type than a figure fails in exact_text, and orjson raises a TypeError
    return orjson.dumps(part, default=exact_text).decode()


class Lean:
    """A scored unit as its JSON and headline figures; the full model on demand."""

    __slots__ = ("json", "status", "total_text", "grade", "unit")

    def __init__(self, part: dict[str, Any]):
        self.json = result_json(part)
        self.status: str = part["status"]
        self.total_text: str = exact_text(part["total"])
        self.grade: str | None = part["grade"]["id"] if part["grade"] else None
        self.unit: str | None = part["unit"]["id"] if part["unit"] else None

    @property
    def total(self) -> Exact:
        """The total as a figure (a Decimal, or a Fraction that does not terminate)."""
        return parse_exact(self.total_text)

    @property
    def result(self) -> Result:
        """The full result, validated from the JSON each time it is asked for (kept
        results stay atoms; a caller that needs the model keeps it itself)."""
        return Result.model_validate_json(self.json)
