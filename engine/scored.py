"""A scored unit as a batch holds it: its few figures, and its full result as JSON text
when the batch asked to keep it.

A batch keeps up to millions of units while quotas, rankings and the summary wait for
the last one. Their full results would fill the memory (15 KB of JSON each), so a
batch keeps only what quotas, ranks, the summary and the report read; a unit whose
JSON is not kept writes it again by the per-unit path (the engine of record) from its
row whenever something asks: a unit a quota moves, a detailed report, an auditor.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import orjson

from .decimals import Exact, parse_exact
from .lean import result_json
from .model import Ruleset
from .result import QuotaMove, Reference, Result, UnitRef
from .scoring import grade_check

if TYPE_CHECKING:
    from .loader import LoadedRuleset
    from .pool import UnitRow


@dataclass(frozen=True, slots=True)
class Standing:
    """What grade quotas read of a unit: its grade before quotas, its total, which
    grades it reaches (min and requirements, vetoes aside) and its tie-break values."""

    grade: str | None
    total: Decimal
    reaches: tuple[bool, ...]
    tie_values: dict[str, tuple[int, Decimal]]


def standing_of(ruleset: Ruleset, result: Result) -> Standing:
    return standing_of_part(ruleset, result.model_dump())


def _figure(value: Exact | str) -> Exact:
    """A figure of a result's dict: `Result.model_dump()` writes a fraction as its text."""
    return parse_exact(value) if isinstance(value, str) else value


def standing_of_part(ruleset: Ruleset, part: dict[str, Any]) -> Standing:
    """A unit's standing from its result as a dict (engine.scoring.score_values)."""
    fired = set(part["engine"]["rules_fired"])
    reaches = []
    for grade in ruleset.grades:
        reached, failed = grade_check(grade, part["total"], fired)
        reaches.append(reached and not failed)
    names = {name for quota in ruleset.quotas for name in quota.tie_break}
    return Standing(
        part["grade"]["id"] if part["grade"] else None,
        part["total"],
        tuple(reaches),
        {name: _tie_value(part, name) for name in names},
    )


def _tie_value(part: dict[str, Any], name: str) -> tuple[int, Decimal]:
    """Sort key of one tie-break value: present values first, larger first."""
    for dimension in part["dimensions"]:
        if dimension["id"] == name:
            return (1, _figure(dimension["contribution"]))
    for indicator in part["indicators"]:
        if indicator["id"] == name:
            return (0, Decimal(0)) if indicator["points"] is None else (1, _figure(indicator["points"]))
    value = part["input"].get(name)
    if value is None or value == "NA":
        return (0, Decimal(0))
    return (1, Decimal(str(value)))


class Remake:
    """Writes a unit's result JSON again from its row by the per-unit path; one per batch,
    shared by its units (a closure per unit would cost more memory than its figures)."""

    __slots__ = ("ruleset",)

    def __init__(self, ruleset: LoadedRuleset):
        self.ruleset = ruleset

    def __call__(self, row: UnitRow, reference: Reference | None) -> str:
        from . import score_part

        filled = list(row.filled) or None
        return result_json(score_part(self.ruleset, row.data, unit=row.unit, filled=filled, reference=reference))


class _Moved:
    """Writes a unit's result JSON as the batch's quotas moved it: the unit's own, with the
    move applied (engine.quotas.apply_decision)."""

    __slots__ = ("unit", "ruleset", "decision")

    def __init__(self, unit: ScoredUnit, ruleset: Ruleset, decision):
        self.unit, self.ruleset, self.decision = unit, ruleset, decision

    def __call__(self, _row, _reference) -> str:
        from .quotas import apply_decision

        # the unit's result is not kept (`.result` would keep it): moved units are thousands
        result = Result.model_validate_json(self.unit.json)
        return apply_decision(self.ruleset, result, self.decision).model_dump_json()


class ScoredUnit:
    """One unit's figures for a batch, and its result as JSON: kept, or written again on
    demand from its row (`forget_json`)."""

    _SENT = (
        "_json",
        "unit",
        "status",
        "total",
        "grade",
        "contributions",
        "vetoes",
        "flags",
        "raised",
        "quota",
        "standing",
        "sums",
        "reference",
    )
    __slots__ = (*_SENT, "_remake", "_row", "_result")

    def __init__(
        self,
        json: str | None,
        unit: UnitRef | None,
        status: str,
        total: Decimal,
        grade: str | None,
        contributions: tuple[Exact, ...],
        vetoes: tuple[str, ...],
        flags: tuple[str, ...],
        raised: tuple[str, ...],
        quota: QuotaMove | None,
        standing: Standing | None,
        sums: tuple[Exact, tuple[Exact, ...], Exact],
        reference: Reference | None = None,
    ):
        self._json = json
        self.unit = unit
        self.status = status
        self.total = total
        self.grade = grade
        self.contributions = contributions  # in the order of the ruleset's dimensions
        self.vetoes = vetoes
        self.flags = flags
        self.raised = raised  # the ids of the ruleset's flags the unit raised
        self.quota = quota
        self.standing = standing  # None once quotas are decided (a unit read back from storage)
        self.sums = sums  # (base, each adjustment group's applied points, total before rounding)
        self.reference = reference  # the batch place its relative indicators were scored against
        self._remake: Remake | None = None
        self._row: UnitRow | None = None
        self._result: Result | None = None  # not kept from scoring: thousands of them would burden memory and the GC

    @classmethod
    def of(cls, ruleset: Ruleset, result: Result) -> ScoredUnit:
        return cls.of_part(ruleset, result.model_dump(), result.model_dump_json())

    @classmethod
    def of_part(cls, ruleset: Ruleset, part: dict[str, Any], json: str) -> ScoredUnit:
        """A unit as scoring left it: its result as a dict and as JSON (no model is built)."""
        by_id = {d["id"]: _figure(d["contribution"]) for d in part["dimensions"]}
        quota = part["quota"]
        return cls(
            json,
            UnitRef(**part["unit"]) if part["unit"] else None,
            part["status"],
            part["total"],
            part["grade"]["id"] if part["grade"] else None,
            tuple(by_id[d.id] for d in ruleset.dimensions),
            tuple(v["id"] for v in part["vetoes"]),
            tuple(part["flags"]),
            tuple(f["id"] for f in part.get("raised_flags") or ()),
            QuotaMove(**quota) if quota else None,
            standing_of_part(ruleset, part),
            (
                _figure(part["base"]),
                tuple(_figure(g["applied"]) for g in part["adjustments"]),
                _figure(part["total_exact"]),
            ),
            reference_of(part.get("reference")),
        )

    @classmethod
    def stored(cls, ruleset: Ruleset, json: str) -> ScoredUnit:
        """A unit of a finished batch from its stored JSON, without rebuilding the full
        result (a download of 25,000 units would spend most of its time on that)."""
        data = orjson.loads(json)
        by_id = {d["id"]: parse_exact(d["contribution"]) for d in data["dimensions"]}
        return cls(
            json,
            UnitRef(**data["unit"]) if data["unit"] else None,
            data["status"],
            Decimal(data["total"]),
            data["grade"]["id"] if data["grade"] else None,
            tuple(by_id[d.id] for d in ruleset.dimensions),
            tuple(v["id"] for v in data["vetoes"]),
            tuple(data["flags"]),
            tuple(f["id"] for f in data.get("raised_flags") or ()),
            QuotaMove(**data["quota"]) if data["quota"] else None,
            None,
            (
                parse_exact(data["base"]),
                tuple(parse_exact(g["applied"]) for g in data["adjustments"]),
                parse_exact(data["total_exact"]),
            ),
            reference_of(data.get("reference")),
        )

    def forget_json(self, remake: Remake, row: UnitRow) -> ScoredUnit:
        """Drop the JSON: `remake` writes it again from `row` whenever it is asked for."""
        self._json, self._remake, self._row = None, remake, row
        return self

    @property
    def json(self) -> str:
        """The result's JSON: kept, or written again each time (never kept: a report that
        reads every unit's JSON would otherwise fill the memory with them)."""
        if self._json is not None:
            return self._json
        return self._remake(self._row, self.reference)

    def moved(self, ruleset: Ruleset, decision) -> ScoredUnit:
        """The unit as the batch's quotas moved it (decision: engine.quotas.QuotaDecision): its
        figures at once (grade, move, tie mark), its full result, this one's with the move
        applied, whenever asked for: a county's quotas move thousands of units, and
        rebuilding each would cost seconds."""
        from .quotas import QUOTA_TIE, quota_move  # the quotas read this module's standings

        move = quota_move(ruleset, self.standing.reaches, decision)
        unit = object.__new__(ScoredUnit)
        for name in self._SENT[1:]:
            setattr(unit, name, getattr(self, name))
        unit._json, unit._result, unit._row = None, None, None
        unit._remake = _Moved(self, ruleset, decision)
        unit.grade, unit.quota = move.to_grade, move
        unit.flags = self.flags + ((QUOTA_TIE,) if decision.tied else ())
        unit.standing = replace(self.standing, grade=move.to_grade)
        return unit

    @property
    def result(self) -> Result:
        """The full result, rebuilt from the JSON the first time it is asked for."""
        if self._result is None:
            self._result = Result.model_validate_json(self.json)
        return self._result

    def __getstate__(self):
        # the full result stays behind: the JSON carries it, and is cheaper to send (a unit
        # whose JSON is written on demand writes it now: its row stays behind)
        return (self.json, *(getattr(self, name) for name in self._SENT[1:]))

    def __setstate__(self, state) -> None:
        for name, value in zip(self._SENT, state, strict=True):
            setattr(self, name, value)
        self._remake = self._row = self._result = None


def reference_of(stored: dict | None) -> Reference | None:
    """The reference a result (or a journal) holds as a dict."""
    return Reference.model_validate(stored) if stored else None
