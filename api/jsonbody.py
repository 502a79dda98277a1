"""JSON request bodies read by engine.strictjson: exact decimals, no duplicate keys, no
NaN, no lone surrogates. Every router uses `StrictJsonRoute`, so FastAPI validates the
body models against what was really written, and a body it cannot read unambiguously
is a 422 naming the problem instead of a guess."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from engine import strictjson


class StrictJsonRequest(Request):
    """A request whose `json()` is engine.strictjson's reading of the body."""

    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = strictjson.loads(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """A route that hands its handler a StrictJsonRequest."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_handler
