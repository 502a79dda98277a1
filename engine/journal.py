"""A batch's journal: each outcome appended as one JSON line as it arrives, so that a
killed batch resumes without scoring a unit again.

A scored unit is journalled as its figures (what quotas, ranks, the summary and the CSV
report read: docs/batches.md lists them), a few hundred bytes, not its 15 KB result; a
resumed batch rebuilds its units from them, and writes a unit's full result again from
its row when something asks for it. A line cut short by a kill is dropped before the
batch appends again, so every later line is read.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from .decimals import Exact, parse_exact
from .loader import LoadedRuleset
from .pool import Outcome, RowError, Scored, UnitRow
from .result import QuotaMove, Result, UnitRef
from .scored import Remake, ScoredUnit, Standing, reference_of


class Journal:
    """Outcomes appended as JSON lines; a truncated last line (a kill mid-write) is ignored."""

    def __init__(self, path: Path):
        self.path = path

    def read(
        self, ruleset: LoadedRuleset, by_row: dict[int, UnitRow]
    ) -> tuple[dict[int, ScoredUnit], dict[int, list[RowError]], set[int]]:
        """The units and error rows journalled so far, and which units the columnar path
        scored; a unit's JSON is written again from its row in `by_row` on demand."""
        results: dict[int, ScoredUnit] = {}
        errors: dict[int, list[RowError]] = {}
        columnar: set[int] = set()
        if not self.path.exists():
            return results, errors, columnar
        remake = Remake(ruleset)
        with self.path.open("rb") as handle:
            for line in handle:
                try:
                    entry = orjson.loads(line)
                except orjson.JSONDecodeError:
                    break
                row = entry["row"]
                # a later line overrides: a relative batch scores a unit again when its peers change
                if "figures" in entry:
                    if row in by_row:  # a row the batch file no longer holds stays out
                        results[row] = unit_of(entry["figures"]).forget_json(remake, by_row[row])
                        errors.pop(row, None)
                        (columnar.add if entry.get("columnar") else columnar.discard)(row)
                elif "result" in entry:  # a journal of an earlier version: the whole result
                    results[row] = ScoredUnit.of(ruleset.model, Result.model_validate(entry["result"]))
                    errors.pop(row, None)
                else:
                    errors[row] = [RowError(**e) for e in entry["errors"]]
                    results.pop(row, None)
                    columnar.discard(row)
        return results, errors, columnar

    def open(self):
        """The journal to append to, without the part line a kill may have left at its end."""
        if self.path.exists():
            with self.path.open("rb+") as handle:
                handle.truncate(_whole_lines(handle))
        return self.path.open("a", encoding="utf-8")

    @staticmethod
    def write(handle, outcome: Outcome, columnar: bool = False) -> None:
        """One outcome as a line; `columnar` marks a unit the columnar path scored."""
        if isinstance(outcome, Scored):
            entry = {"row": outcome.row, "figures": figures_of(outcome.unit)}
            handle.write(orjson.dumps({**entry, "columnar": True} if columnar else entry).decode() + "\n")
        else:
            entry = {"row": outcome[0].row, "errors": [e.__dict__ for e in outcome]}
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _whole_lines(handle, step: int = 65536) -> int:
    """Where the last complete line ends, read from the end backwards (a journal can be
    hundreds of megabytes)."""
    end = handle.seek(0, 2)
    while end > 0:
        start = max(0, end - step)
        handle.seek(start)
        found = handle.read(end - start).rfind(b"\n")
        if found >= 0:
            return start + found + 1
        end = start
    return 0


def _text(value: Exact) -> str:
    """A figure as text that reads back to the same value and exponent ("85.50" stays that)."""
    return str(value) if isinstance(value, Decimal) else f"{value.numerator}/{value.denominator}"


def figures_of(unit: ScoredUnit) -> list[Any]:
    """A unit's figures as a JSON array, in a fixed order (docs/batches.md)."""
    ref = unit.unit
    standing = unit.standing
    base, groups, unrounded = unit.sums
    return [
        [ref.id, ref.name, ref.parent] if ref else None,
        unit.status,
        _text(unit.total),
        unit.grade,
        [_text(c) for c in unit.contributions],
        unit.vetoes,
        unit.flags,
        unit.raised,
        unit.quota.model_dump() if unit.quota else None,
        [_text(base), [_text(g) for g in groups], _text(unrounded)],
        None
        if standing is None
        else [
            standing.grade,
            _text(standing.total),
            "".join("1" if r else "0" for r in standing.reaches),
            {name: [present, _text(value)] for name, (present, value) in standing.tie_values.items()},
        ],
        unit.reference.model_dump(mode="json") if unit.reference else None,
    ]


def unit_of(figures: list[Any]) -> ScoredUnit:
    """The unit `figures_of` wrote, without its JSON (ScoredUnit.forget_json gives it one)."""
    ref, status, total, grade, contributions, vetoes, flags, raised, quota, sums, standing, reference = figures
    return ScoredUnit(
        None,
        UnitRef(id=ref[0], name=ref[1], parent=ref[2]) if ref else None,
        status,
        Decimal(total),
        grade,
        tuple(parse_exact(c) for c in contributions),
        tuple(vetoes),
        tuple(flags),
        tuple(raised),
        QuotaMove(**quota) if quota else None,
        None
        if standing is None
        else Standing(
            standing[0],
            Decimal(standing[1]),
            tuple(r == "1" for r in standing[2]),
            {name: (present, Decimal(value)) for name, (present, value) in standing[3].items()},
        ),
        (parse_exact(sums[0]), tuple(parse_exact(g) for g in sums[1]), parse_exact(sums[2])),
        reference_of(reference),
    )
