"""Every error as an RFC 9457 problem document listing each problem, never a bare 500."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from engine import InputError, RulesetError
from engine.loader import LIMITS, TYPE_KINDS, given_text, structural_message
from engine.messages import CATALOGUE, say
from engine.runtime import EngineFailure

from . import metrics

log = logging.getLogger("kaoping.api")
MEDIA_TYPE = "application/problem+json"


class ProblemItem(BaseModel):
    row: int | None = None
    field: str | None = None
    title: str | None = Field(None, description="the input's Chinese title, beside its id in `field`")
    path: str | None = None
    code: str | None = None
    message: str
    expected: str | None = None
    got: str | None = None
    suggestion: str | None = Field(None, description="the input or name probably meant")
    line: int | None = Field(None, description="where the element is written in the ruleset file (1-based)")
    line_column: int | None = None
    column: int | None = Field(None, description="the position inside the expression (1-based)")


MAX_LISTED = 100  # problems listed in one answer; `count` says how many there were


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    errors: list[ProblemItem] = []
    count: int | None = Field(None, description="how many problems there were, when more than are listed")


def _problem_response(description: str) -> dict:
    return {"description": description, "model": Problem}


PROBLEMS = {
    400: _problem_response("the request could not be read"),
    401: _problem_response("no token, or an unknown one"),
    403: _problem_response("the token's role may not do this"),
    404: _problem_response("no such ruleset, version or score"),
    409: _problem_response("a conflict: the ruleset exists, an edit is stale, or an idempotency key was reused"),
    413: _problem_response("the body is over the size limit"),
    422: _problem_response("invalid request, ruleset or submission: every problem is listed"),
}


class ApiProblem(Exception):
    """Raised by routes and the store; becomes a problem response."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str | None = None,
        errors: list[dict] | None = None,
        type_: str = "about:blank",
        headers: dict[str, str] | None = None,
        count: int | None = None,
    ):
        problem = Problem(type=type_, title=problem_title(title), status=status, detail=detail)
        self.problem = listing(problem, errors or [], count)
        self.headers = headers
        super().__init__(title)


# the statuses the framework itself answers with (no route, no such method, a body too
# large while read, an unparsable body), under the catalogue's titles
HTTP_TITLES = {400: "Bad request", 404: "No such address", 405: "Method not allowed", 413: "Body too large"}


def problem_title(title: str) -> str:
    """A problem's title in the reader's language: the catalogue holds each title the service
    uses under its English name (an HTTP status phrase, not catalogued, passes as it is)."""
    key = f"problem.{title}"
    return say(key) if key in CATALOGUE else title


def listing(problem: Problem, errors: list[dict], count: int | None = None) -> Problem:
    """The problem with at most MAX_LISTED of its errors, and their count when cut short."""
    count = len(errors) if count is None else count
    problem.errors = [ProblemItem(**e) for e in errors[:MAX_LISTED]]
    problem.count = count if count > len(problem.errors) else None
    return problem


def respond(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(exclude_none=True), status_code=problem.status, media_type=MEDIA_TYPE, headers=headers
    )


def _counted(count: int) -> str:
    if count > MAX_LISTED:
        return say("detail.count_listed", count=count, listed=MAX_LISTED)
    return say("detail.count", count=count)


def ruleset_problem(error: RulesetError) -> ApiProblem:
    return ApiProblem(
        422,
        say("title.ruleset"),
        _counted(len(error.problems)),
        [p.model_dump(exclude_none=True) for p in error.problems],
        type_="/problems/invalid-ruleset",
    )


def input_problem(error: InputError) -> ApiProblem:
    metrics.count_refused(error.problems)
    return ApiProblem(
        422,
        say("title.submission"),
        _counted(error.count),
        [p.model_dump() for p in error.problems],
        type_="/problems/invalid-submission",
        count=error.count,
    )


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or str(loc[0] if loc else "")


def _validation_message(error: dict) -> str:
    """pydantic's error in the catalogue's words, naming what was given: a body that is not
    JSON says why (engine.strictjson words it), the rest as a ruleset's fields are worded."""
    kind, ctx, given = error["type"], error.get("ctx") or {}, error.get("input")
    if kind == "json_invalid":
        return str(ctx.get("error") or say("detail.invalid_json"))
    if kind == "extra_forbidden":
        return say("request.extra_forbidden", name=_location(error["loc"]))
    if kind in ("string_too_long", "too_long"):
        return say(f"request.{kind}", limit=ctx.get("max_length"), length=len(given or ""))
    if kind == "string_too_short":
        return say("request.string_too_short", limit=ctx.get("min_length"))
    if kind in TYPE_KINDS or kind in LIMITS or kind in ("missing", "literal_error", "too_short"):
        return structural_message(error)
    return say("request.other", got=given_text(given))


def validation_items(errors) -> list[dict]:
    """pydantic's errors as a problem's list: each field with the catalogue's message."""
    return [
        {
            "field": "(body)" if e["type"] == "json_invalid" else _location(e["loc"]),
            "code": e["type"],
            "message": _validation_message(e),
        }
        for e in errors
    ]


def answer(request: Request, problem: Problem, headers: dict[str, str] | None = None):
    """The problem document; or, on a web page, the page the app installed for problems."""
    page = getattr(request.app.state, "problem_page", None)
    response = page(request, problem, headers) if page is not None else None
    return response if response is not None else respond(problem, headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiProblem)
    async def _api(request: Request, error: ApiProblem) -> JSONResponse:
        return answer(request, error.problem, error.headers)

    @app.exception_handler(RulesetError)
    async def _ruleset(request: Request, error: RulesetError) -> JSONResponse:
        return answer(request, ruleset_problem(error).problem)

    @app.exception_handler(InputError)
    async def _input(request: Request, error: InputError) -> JSONResponse:
        return answer(request, input_problem(error).problem)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        items = validation_items(error.errors())
        problem = Problem(
            title=say("title.request"), status=422, detail=_counted(len(items)), type="/problems/invalid-request"
        )
        return answer(request, listing(problem, items))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = error.status_code
        phrase = HTTPStatus(code).phrase if code in HTTPStatus._value2member_map_ else "Error"
        detail = None if str(error.detail) == phrase else str(error.detail)
        if detail is None and code in (404, 405):  # no route: the address or the method is wrong
            detail = say(f"detail.http_{code}", method=request.method, path=request.url.path)
        title = problem_title(HTTP_TITLES.get(code, phrase))
        return answer(request, Problem(title=title, status=code, detail=detail), getattr(error, "headers", None))

    @app.exception_handler(EngineFailure)
    async def _engine(request: Request, error: EngineFailure) -> JSONResponse:
        log.error("engine failure", extra={"path": request.url.path, "error": str(error)})
        metrics.count_engine_failure(request)
        return answer(
            request,
            Problem(
                title=problem_title("Engine failure"),
                status=503,
                detail=say("detail.engine_failure"),
                type="/problems/engine-failure",
            ),
            {"Retry-After": "1"},
        )

    @app.exception_handler(OperationalError)
    async def _database(request: Request, error: OperationalError) -> JSONResponse:
        log.exception("database error", extra={"path": request.url.path})
        metrics.count_database_busy(request)
        return answer(
            request,
            Problem(title=problem_title("Database busy"), status=503, detail=say("detail.busy")),
            {"Retry-After": "1"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error", extra={"path": request.url.path})
        return answer(
            request, Problem(title=problem_title("Internal error"), status=500, detail=say("detail.internal"))
        )
