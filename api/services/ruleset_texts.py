"""A ruleset text posted by an editor: read (size, UTF-8, not empty) and loaded off the
event loop, or checked the way `kaoping check` checks a file, with every problem placed
on the line and column of the text where an editor fixes it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace

from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from engine import LoadedRuleset, RulesetError
from engine.checks import check_ruleset
from engine.errors import RulesetProblem
from engine.limits import text_problem
from engine.loader import locate, read_document
from engine.messages import say
from engine.points_checks import points_warnings
from engine.points_loader import LoadedPoints

from .. import store
from ..auth import Actor
from ..catalog import remember
from ..problems import ApiProblem, ruleset_problem
from ..ruleset_loader import loader
from ..tables import RulesetVersionRow
from . import versions

QUOTES = "\"'"


def posted_text(body: bytes) -> str:
    """The body as ruleset text; 413, 400 or 422 with a Chinese reason when it is none."""
    too_large = text_problem(len(body))
    if too_large is not None:
        raise ApiProblem(
            413, "Ruleset too large", too_large.message, [{"path": "(body)", "message": too_large.message}]
        )
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiProblem(400, "Body is not UTF-8", say("detail.ruleset_not_utf8")) from None
    if not text.strip():
        hint = [{"path": "(body)", "message": say("detail.ruleset_text")}]
        raise ApiProblem(422, "Empty ruleset", say("detail.empty_ruleset"), hint)
    return text


async def load_posted(body: bytes, version: int | None = None) -> LoadedRuleset:
    """The posted ruleset, loaded in a loading child (see api.ruleset_loader)."""
    try:
        return await loader.load(posted_text(body), version=version)
    except RulesetError as error:
        raise ruleset_problem(error) from None


@dataclass(frozen=True)
class Placed:
    """One problem of the text where it is written (1-based; None: the whole text)."""

    path: str
    message: str
    line: int | None
    column: int | None


@dataclass
class TextCheck:
    errors: list[Placed] = field(default_factory=list)
    warnings: list[Placed] = field(default_factory=list)
    lowest_total: str | None = None
    highest_total: str | None = None


def _placed_error(problem: RulesetProblem, lines: list[str]) -> Placed:
    """An expression's problem at its character: the element's column, past an opening
    quote, moved by the column inside the expression."""
    line, column = problem.line, problem.line_column
    if line is not None and column is not None and problem.column and line <= len(lines):
        written = lines[line - 1]
        opening = 1 if column - 1 < len(written) and written[column - 1] in QUOTES else 0
        column += opening + problem.column - 1
    return Placed(problem.path, problem.message, line, column)


def _placed_warning(warning: str, root) -> Placed:
    """A check warning reads `path: message`; it goes where its element is written."""
    path, _, message = warning.partition(": ")
    where = locate(root, path) if message else None
    if where is None:
        return Placed("", warning, None, None)
    return Placed(path, message, *where)


async def check_text(body: bytes, ruleset_id: str | None = None) -> TextCheck:
    """What `kaoping check` says of the text (every loading problem, or the warnings and
    the reachable total), placed on the text; also an id other than the ruleset's."""
    text = posted_text(body)
    lines = text.splitlines()
    try:
        ruleset = await loader.load(text)
    except RulesetError as error:
        return TextCheck(errors=[_placed_error(p, lines) for p in error.problems])
    return await asyncio.to_thread(_checked, ruleset, text, ruleset_id)


def _checked(ruleset: LoadedRuleset | LoadedPoints, text: str, ruleset_id: str | None) -> TextCheck:
    root = read_document(text).root
    if isinstance(ruleset, LoadedPoints):
        found = TextCheck(warnings=[_placed_warning(w, root) for w in points_warnings(ruleset.model)])
    else:
        report = check_ruleset(ruleset.model, len(ruleset.compiled.conditions))
        found = TextCheck(
            warnings=[_placed_warning(w, root) for w in report.warnings],
            lowest_total=str(report.lowest_total),
            highest_total=str(report.highest_total),
        )
    if ruleset_id is not None and ruleset.id != ruleset_id:
        line, column = locate(root, "id") or (None, None)
        found.errors.append(Placed("id", say("detail.id_in_text", given=ruleset.id, expected=ruleset_id), line, column))
    return found


async def add_posted_version(
    session: Session, ruleset_id: str, body: bytes, actor: Actor, base_version: int | None, note: str | None
) -> RulesetVersionRow:
    """The posted text as a new draft version of the ruleset (409 on a stale base), kept
    loaded for the scores and trials that follow."""
    await run_in_threadpool(store.get_ruleset, session, ruleset_id)
    ruleset = await load_posted(body)
    version = await run_in_threadpool(versions.add_version, session, ruleset_id, ruleset, actor, base_version, note)
    remember(replace(ruleset, version=version.number))
    return version
