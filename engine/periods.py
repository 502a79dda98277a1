"""Appraisal periods: a year (`2025`), a quarter (`2025Q1`) or a month (`2025-03`).
One module reads them so that the service's versions, the period before and a yearly
input's quarters (docs/periods.md) all agree on what a period is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .messages import say

PeriodKind = Literal["year", "quarter", "month"]

_PERIOD = re.compile(r"^(\d{4})(?:Q([1-4])|-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class Period:
    year: int
    kind: PeriodKind
    number: int = 0  # the quarter (1-4) or month (1-12); 0 for a year

    def __str__(self) -> str:
        if self.kind == "quarter":
            return f"{self.year:04d}Q{self.number}"
        if self.kind == "month":
            return f"{self.year:04d}-{self.number:02d}"
        return f"{self.year:04d}"

    @property
    def quarter(self) -> Period | None:
        """The quarter a month lies in."""
        return Period(self.year, "quarter", (self.number + 2) // 3) if self.kind == "month" else None

    @property
    def previous(self) -> Period:
        """The period of the same kind before this one."""
        if self.kind == "year":
            return Period(self.year - 1, "year")
        last = 4 if self.kind == "quarter" else 12
        if self.number > 1:
            return Period(self.year, self.kind, self.number - 1)
        return Period(self.year - 1, self.kind, last)


def parse(text: str) -> Period | None:
    """The period a text names, or None when it names none."""
    found = _PERIOD.match(text)
    if not found:
        return None
    year = int(found[1])
    if found[2]:
        return Period(year, "quarter", int(found[2]))
    if found[3]:
        return Period(year, "month", int(found[3]))
    return Period(year, "year")


def title(text: str) -> str:
    """A period as a page names it in words (the year, the quarter of a year, the month of a
    year); a text that names no period is shown as written."""
    period = parse(text)
    if period is None:
        return text
    return say(f"period.title_{period.kind}", year=period.year, number=period.number)


def quarters(year: int) -> list[str]:
    """The four quarters of a year, in order."""
    return [str(Period(year, "quarter", n)) for n in range(1, 5)]


def enclosing(text: str) -> list[str]:
    """The longer periods a period lies in, the nearest first: a month's quarter and year,
    a quarter's year, nothing for a year."""
    period = parse(text)
    if period is None or period.kind == "year":
        return []
    year = str(Period(period.year, "year"))
    return [str(period.quarter), year] if period.quarter is not None else [year]
