"""ASGI middleware: body size limit, request id, Server-Timing, request metrics and one JSON log line per request."""

from __future__ import annotations

import json
import logging
import time
import uuid

from starlette.exceptions import HTTPException

from engine.messages import from_accept_language, say, set_language

from . import metrics
from .problems import MEDIA_TYPE, problem_title

log = logging.getLogger("kaoping.access")


class JsonFormatter(logging.Formatter):
    """Structured logs: one JSON object per line, extra fields included."""

    SKIP = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in self.SKIP})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("kaoping")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


async def send_problem(
    send, status: int, title: str, detail: str, type_: str = "about:blank", headers: list | None = None
) -> None:
    """A problem response sent straight from middleware, before any route."""
    problem = {"type": type_, "title": problem_title(title), "status": status, "detail": detail}
    body = json.dumps(problem, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", MEDIA_TYPE.encode()),
                (b"content-length", str(len(body)).encode()),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class RequestContext:
    """Gives each request an id (or keeps X-Request-ID), times it, limits its body."""

    def __init__(self, app, max_body: int, max_upload: int):
        self.app = app
        self.max_body = max_body
        self.max_upload = max_upload

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = time.perf_counter()
        status_holder = {"status": 500}
        metrics.request_started(scope)
        try:
            await self._answer(scope, receive, send, started, status_holder)
        finally:  # a 500 raised past us too
            metrics.request_finished(scope, status_holder["status"], time.perf_counter() - started)

    async def _answer(self, scope, receive, send, started: float, status_holder: dict) -> None:
        headers = dict(scope["headers"])
        set_language(from_accept_language(headers.get(b"accept-language", b"").decode("latin-1")))
        request_id = headers.get(b"x-request-id", b"").decode()[:100] or uuid.uuid4().hex
        limit = self.max_upload if scope["path"].endswith("/batches") else self.max_body
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await _too_large(send, limit, request_id)
            status_holder["status"] = 413
            return self._log(scope, 413, started, request_id)

        received = 0

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def timed_send(message):
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                elapsed = (time.perf_counter() - started) * 1000
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (b"x-request-id", request_id.encode()),
                    (b"server-timing", f"app;dur={elapsed:.1f}".encode()),
                ]
            await send(message)

        scope.setdefault("state", {})["request_id"] = request_id
        try:
            await self.app(scope, limited_receive, timed_send)
        except BodyTooLarge:
            await _too_large(send, limit, request_id)
            status_holder["status"] = 413
        self._log(scope, status_holder["status"], started, request_id)

    @staticmethod
    def _log(scope, status: int, started: float, request_id: str) -> None:
        log.info(
            "request",
            extra={
                "request_id": request_id,
                "method": scope["method"],
                "path": scope["path"],
                "status": status,
                "ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )


def too_large(limit: int) -> str:
    return say("detail.body_too_large", limit=limit)


async def _too_large(send, limit: int, request_id: str) -> None:
    await send_problem(send, 413, "Body too large", too_large(limit), headers=[(b"x-request-id", request_id.encode())])


class BodyTooLarge(HTTPException):
    """A request body grew past the limit while it was being read (a chunked body has
    no length to check first). An HTTPException, so that FastAPI's body parsing passes
    it on as the 413 it is instead of a 400 "error parsing the body"."""

    def __init__(self, limit: int):
        super().__init__(413, too_large(limit))
