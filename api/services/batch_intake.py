"""Accepting a batch file: a period, the subtree the rows are for, the version in force,
and a file this version can read; its rows are read and scored by the batch runner."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.errors import BatchFileError
from engine.messages import listing, say
from engine.textfiles import codec_for

from .. import scope, store
from ..auth import Actor
from ..batches import check_upload, new_batch
from ..catalog import loaded
from ..problems import ApiProblem
from ..tables import Batch
from . import versions
from .points_inputs import check_sources


def accept(
    session: Session,
    ruleset_id: str,
    version: int | None,
    period: str,
    filename: str,
    content: bytes,
    encoding: str | None,
    actor: Actor,
    unit: str | None,
    create_units: bool,
) -> Batch:
    """The new batch, once its file has a kind, an encoding and columns this version can
    read; its rows are read and counted by the runner (reading 25,000 rows takes seconds),
    which checks each row's unit against the batch's subtree."""
    problem = versions.period_problem(period)
    if problem:
        raise ApiProblem(422, "Bad period", problem, [{"field": "period", "message": problem}])
    unit_code = subtree(session, actor, unit)
    number = versions.official_version(session, ruleset_id, period, version)
    version_row = store.get_version(session, ruleset_id, number)
    model = loaded(version_row).model
    check_sources(session, model, period)
    wrong = versions.kind_problem(model, period)
    if wrong:
        raise ApiProblem(422, "Bad period", wrong, [{"field": "period", "message": wrong}])
    try:
        codec_for(encoding)
        check_upload(version_row, filename, content, encoding)
    except BatchFileError as error:
        raise ApiProblem(422, "Unreadable batch file", str(error), [{"field": "file", "message": str(error)}]) from None
    return new_batch(session, version_row, period, filename, content, actor, encoding, unit_code, create_units)


def subtree(session: Session, actor: Actor, unit: str | None) -> str | None:
    """The unit whose subtree a batch is for: the one asked for, or the uploader's only one."""
    if unit is not None:
        return scope.unit(session, actor, unit, "submitter", field="unit").code
    units = {g.unit for g in actor.grants if g.role in ("admin", "submitter")}
    if None in units:
        return None
    if len(units) != 1:
        message = say("detail.which_unit", units=listing(sorted(units)))
        raise ApiProblem(422, "Which unit", message, [{"field": "unit", "message": message}])
    return units.pop()
