"""A per-token request rate limit: a token bucket for each token, answering 429 when empty.

A request with a token this process has already verified draws on that token's bucket;
any other (no token, an unknown or not yet verified one) on its client address's, so
made-up tokens buy no fresh buckets. Buckets hold the token's id, never the token.
They live in each worker process: with N workers the effective limit is up to N times
the setting. Clients on this machine are not limited unless KAOPING_RATE_LIMIT_LOCALHOST.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict

from engine.messages import say

from .auth import verified_token_id
from .clients import client_host, is_local
from .middleware import send_problem
from .problems import Problem
from .settings import Settings

MAX_BUCKETS = 100_000  # beyond this, the longest idle bucket is forgotten (it starts full again)

RESPONSES = {
    429: {
        "description": "too many requests for this token (or address): retry after Retry-After seconds",
        "model": Problem,
        "headers": {"Retry-After": {"description": "whole seconds to wait", "schema": {"type": "integer"}}},
    }
}


class TokenBuckets:
    """Buckets of `burst` requests refilled at `rate` per second, most recently used last:
    a bucket idle long enough to be full again is the same as none, and is dropped."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst = rate, burst
        self.refill = burst / rate  # seconds for an empty bucket to fill
        self.buckets: OrderedDict[object, tuple[float, float]] = OrderedDict()  # key: (requests left, when)

    def take(self, key: object, now: float) -> int:
        """0 when the request may go on, else the whole seconds (at least 1) until it may."""
        buckets = self.buckets
        while buckets and (now - next(iter(buckets.values()))[1] >= self.refill or len(buckets) > MAX_BUCKETS):
            buckets.popitem(last=False)
        left, then = buckets.pop(key, (self.burst, now))
        left = min(self.burst, left + (now - then) * self.rate)
        wait = 0 if left >= 1 else max(1, math.ceil((1 - left) / self.rate))
        buckets[key] = (left - 1 if wait == 0 else left, now)
        return wait


def _key(scope) -> object:
    """A verified token's id, else the client's address."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token_id = verified_token_id(token) if scheme.lower() == "bearer" else None
            if token_id is not None:
                return token_id
            break
    return client_host(scope)


class RateLimit:
    """ASGI middleware in front of the routes: a request over the limit is refused before
    its body is read."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.buckets = TokenBuckets(settings.rate_per_second, settings.burst)
        self.limit_local = settings.rate_limit_localhost
        self.rate, self.burst = settings.rate_limit.strip(), settings.burst

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or (not self.limit_local and is_local(scope)):
            return await self.app(scope, receive, send)
        wait = self.buckets.take(_key(scope), time.monotonic())
        if not wait:
            return await self.app(scope, receive, send)
        await send_problem(
            send,
            429,
            "Too many requests",
            say("detail.rate_limited", rule=say("detail.rate_rule", rate=self.rate, burst=self.burst), wait=wait),
            type_="/problems/rate-limited",
            headers=[(b"retry-after", str(wait).encode())],
        )
