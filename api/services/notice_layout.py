"""The words and order of a printed public notice (公示), shared by its Word and PDF
forms so both read the same: heading, body, the table of units, the notice period,
where to send objections, and the issuing body with the date at the bottom right."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.messages import say


@dataclass(frozen=True)
class Layout:
    heading: str
    body: str
    columns: list[str]
    rows: list[list[str]]
    period: str
    contact: str
    issuer: str
    issued: str


def chinese_date(day: date) -> str:
    return say("notice.doc.date", year=day.year, month=day.month, day=day.day)


def layout(notice: dict[str, Any]) -> Layout:
    """The printed notice of a stored notice's data."""
    show_total = notice["show_total"]
    columns = [say("notice.doc.number"), say("notice.doc.unit"), say("notice.doc.grade")]
    if show_total:
        columns.append(say("notice.doc.total"))
    rows = []
    for number, unit in enumerate(notice["units"], start=1):
        row = [str(number), unit["name"], unit["grade_title"] or "-"]
        rows.append([*row, unit["total"]] if show_total else row)
    opens, closes = date.fromisoformat(notice["opens"]), date.fromisoformat(notice["closes"])
    period = say("notice.doc.period", opens=chinese_date(opens), closes=chinese_date(closes))
    if notice["working_days"]:
        period += say("notice.doc.working_days", days=notice["working_days"])
    return Layout(
        heading=notice["title"],
        body=notice["text"],
        columns=columns,
        rows=rows,
        period=period,
        contact=say("notice.doc.contact", contact=notice["contact"]),
        issuer=notice["issuer"],
        issued=chinese_date(opens),
    )
