"""Where each input value of a stored score came from (docs/provenance.md): typed (by
whom, through the API, the web form or a stage), imported (which batch file and row),
changed at a later stage (by whom, with the reason), or filled by the service from
earlier records (`filled_inputs`: last period's grade, the year's quarters, any kind
that says its source). Read from what is already stored: the record, its stage events,
its batch and the event a web form's submission leaves; no record's hash changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import Result
from engine.explain import Provenance, explain_text
from engine.messages import say
from engine.model import Ruleset

from .. import scope
from ..auth import Actor, readable_label
from ..tables import AuditEvent, Batch, ScoreRecord
from . import stages as staging
from .records import version_of
from .scoring import SUBMITTED_EVENT


@dataclass(frozen=True)
class Origin:
    """How one value came in: its kind and a sentence saying so, with the facts behind it."""

    kind: str  # typed | imported | changed | filled | default | empty
    text: str
    actor: str | None = None
    at: str | None = None
    stage: str | None = None
    reason: str | None = None
    record: str | None = None


def _when(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _submitted_via(session: Session, record: ScoreRecord) -> str:
    """ "web" when the web form wrote the record (it leaves an event naming it), else "api"."""
    query = select(AuditEvent.data).where(AuditEvent.kind == SUBMITTED_EVENT, AuditEvent.subject == record.id)
    data = session.scalars(query).first()
    return data["via"] if data else "api"


def _entered(session: Session, record: ScoreRecord) -> Origin:
    """How the record's own values came in, when it was not taken through stages."""
    at = _when(record.created_at)
    if record.batch_id:
        batch = session.get(Batch, record.batch_id)
        name = batch.filename if batch else record.batch_id
        text = say(
            "provenance.imported",
            file=name,
            row=record.batch_row,
            actor=readable_label(record.actor),
            batch=record.batch_id,
        )
        return Origin("imported", text, record.actor, at, record=record.id)
    via = _submitted_via(session, record)
    text = say(f"provenance.typed_{via}", actor=readable_label(record.actor), at=at, ruleset=record.ruleset_id)
    return Origin("typed", text, record.actor, at, record=record.id)


def _staged(session: Session, record: ScoreRecord, model: Ruleset) -> dict[str, Origin] | None:
    """Each value's origin along the unit's stages up to this record's step; None when
    the record is not a stage's."""
    steps = staging.steps_of(session, record.ruleset_id, record.unit_id, record.period)
    upto = next((i for i, s in enumerate(steps) if s.data["record"] == record.id), None)
    if upto is None:
        return None
    titles = {s.id: s.title for s in model.stages}
    ids = {i for s in steps[: upto + 1] for i in (s.data["record"], s.data["based_on"]) if i}
    query = select(ScoreRecord.id, ScoreRecord.input, ScoreRecord.result).where(ScoreRecord.id.in_(ids))
    stored = {i: (data, result) for i, data, result in session.execute(query)}
    origins: dict[str, Origin] = {}
    for step in steps[: upto + 1]:
        data = step.data
        if data["action"] in staging.SENDING:  # a return or a reopening writes no record
            continue
        title, at = titles.get(data["stage"], data["stage"]), _when(step.created_at)
        after, result = stored[data["record"]]
        filled = _filled(result)  # a value the service filled at this step is not the actor's
        if data["action"] == "submit":
            text = say("provenance.typed_stage", actor=readable_label(step.actor), stage=title, at=at)
            typed = Origin("typed", text, step.actor, at, data["stage"], record=data["record"])
            origins = {f: filled.get(f, typed) for f in after}
            continue
        for field in staging.changed_fields(stored[data["based_on"]][0], after):
            reason = data["reasons"].get(field)
            text = say("provenance.changed", actor=readable_label(step.actor), stage=title, at=at, reason=reason or "—")
            changed = Origin("changed", text, step.actor, at, data["stage"], reason, data["record"])
            origins[field] = filled.get(field, changed)
    return origins


def _filled(result: dict[str, Any]) -> dict[str, Origin]:
    """The values the service filled, each with the source its kind states (last period's
    grade states only its period and record)."""
    out = {}
    for filled in result.get("filled_inputs") or ():
        text = filled.get("source") or say("detail.previous_grade", period=filled["period"], record=filled["record"])
        out[filled["input"]] = Origin("filled", say("provenance.filled", source=text), record=filled.get("record"))
    return out


def sources(session: Session, actor: Actor, score_id: str) -> dict[str, Any]:
    """Each input the ruleset declares, in its order, with its value in the record and
    where that value came from."""
    record = scope.record(session, actor, score_id)
    model = version_of(session, record).model
    staged = _staged(session, record, model)
    entered = _entered(session, record) if staged is None else None
    filled = _filled(record.result)
    normalized = record.normalized or {}
    rows = []
    for name in [*model.inputs, *(n for n in record.input if n not in model.inputs)]:
        spec = model.inputs.get(name)
        value = record.input.get(name)
        if name in filled:
            origin = filled[name]
        elif name in record.input:
            origin = staged[name] if staged is not None else entered
        elif spec is not None and spec.default is not None:
            origin = Origin("default", say("provenance.default"))
            value = normalized.get(name, spec.default)
        else:
            origin = Origin("empty", say("provenance.empty"))
        title = spec.title if spec else name
        rows.append({"input": name, "title": title, "value": value, "shown": value_text(value), **vars(origin)})
    return {"record": record.id, "ruleset_id": record.ruleset_id, "period": record.period, "inputs": rows}


def source_lines(found: dict[str, Any]) -> list[str]:
    """The sources as the text explanation lists them, one line an input."""
    return [say("provenance.line", title=i["title"], input=i["input"], value=value_text(i["value"]), text=i["text"])
            for i in found["inputs"]]  # fmt: skip


def explained(session: Session, actor: Actor, score_id: str) -> str:
    """A stored record's text explanation, headed by its record, who and when, and where
    each of its input values came from."""
    record = scope.record(session, actor, score_id)
    lines = tuple(source_lines(sources(session, actor, score_id)))
    heading = Provenance(record.id, record.period, record.actor, record.created_at, lines)
    wording = version_of(session, record).compiled.wording
    return explain_text(Result.model_validate(record.result), heading, wording)


def value_text(value: Any) -> str:
    """An input value as a clerk reads it (是/否 for a yes-or-no, — when not given)."""
    if value is None:
        return "—"
    if value is True:
        return say("page.score.yes")
    if value is False:
        return say("page.score.no")
    return say("page.score.na_value") if value == "NA" else str(value)
