"""What the chain says about the public notices (公示) of a ruleset and period: each
notice's snapshot, whether it is closed, its objections and their resolutions; and from
that, whether a unit's current result is final (docs/notices.md).

Notices, closings, objections and resolutions are audit events whose subject is
`RULESET/PERIOD/NOTICE` (ruleset ids, periods and notice ids hold no "/"), so one prefix
query reads everything about a period's notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..tables import AuditEvent

NOTICE, CLOSED, OBJECTION, RESOLVED = "notice", "notice.closed", "objection", "objection.resolved"
KINDS = (NOTICE, CLOSED, OBJECTION, RESOLVED)
STATUSES = ("unscored", "not_noticed", "in_notice", "reopened", "final")


def subject(ruleset_id: str, period: str, notice_id: str) -> str:
    return f"{ruleset_id}/{period}/{notice_id}"


@dataclass
class NoticeState:
    """One notice as its events tell it."""

    event: AuditEvent
    closed: AuditEvent | None = None
    objections: dict[str, AuditEvent] = field(default_factory=dict)
    resolutions: dict[str, AuditEvent] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.event.data["id"]

    @property
    def data(self) -> dict[str, Any]:
        return self.event.data

    @cached_property
    def _rows(self) -> dict[str, dict[str, Any]]:
        return {row["unit"]: row for row in self.data["units"]}

    def listed(self, unit: str) -> dict[str, Any] | None:
        return self._rows.get(unit)

    def open_objections(self, unit: str | None = None) -> list[AuditEvent]:
        return [
            o
            for oid, o in self.objections.items()
            if oid not in self.resolutions and (unit is None or o.data["unit"] == unit)
        ]

    def upheld(self, unit: str) -> bool:
        return any(
            r.data["outcome"] == "upheld" and self.objections[oid].data["unit"] == unit
            for oid, r in self.resolutions.items()
        )


def _states(events: list[AuditEvent]) -> list[NoticeState]:
    states: dict[str, NoticeState] = {}
    for event in events:  # in chain order: a notice before everything about it
        notice = event.subject.rsplit("/", 1)[1]
        if event.kind == NOTICE:
            states[notice] = NoticeState(event)
        elif event.kind == CLOSED:
            states[notice].closed = event
        elif event.kind == OBJECTION:
            states[notice].objections[event.data["objection"]] = event
        else:
            states[notice].resolutions[event.data["objection"]] = event
    return list(states.values())


def of_period(session: Session, ruleset_id: str, period: str) -> list[NoticeState]:
    """Every notice of the ruleset and period, oldest first."""
    prefix = AuditEvent.subject.startswith(f"{ruleset_id}/{period}/", autoescape=True)
    query = select(AuditEvent).where(AuditEvent.kind.in_(KINDS), prefix).order_by(AuditEvent.seq)
    return _states(list(session.scalars(query)))


def one(session: Session, notice_id: str) -> NoticeState | None:
    """The notice with this id, with all its events."""
    candidates = session.scalars(
        select(AuditEvent).where(
            AuditEvent.kind == NOTICE, AuditEvent.subject.endswith(f"/{notice_id}", autoescape=True)
        )
    )
    found = next((event for event in candidates if event.data["id"] == notice_id), None)  # "2025/ID" is no id
    if found is None:
        return None
    query = select(AuditEvent).where(AuditEvent.kind.in_(KINDS), AuditEvent.subject == found.subject)
    return _states(list(session.scalars(query.order_by(AuditEvent.seq))))[0]


def status(notices: list[NoticeState], unit: str, current: str | None) -> tuple[str, NoticeState | None]:
    """Where a unit's current result stands. It is final when the latest notice that
    listed that very record has closed and upheld no objection against the unit; an
    upheld objection sends it back (reopened) until a new record, which needs a new
    notice (not_noticed)."""
    if current is None:
        return "unscored", None
    listing = [n for n in notices if (n.listed(unit) or {}).get("record") == current]
    if not listing:
        return "not_noticed", None
    latest = listing[-1]
    if latest.upheld(unit):
        return "reopened", latest
    return ("final" if latest.closed else "in_notice"), latest
