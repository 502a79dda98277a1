"""Failed sign-ins and unknown tokens, counted per client address and per account: past
`limit` failures within `window` seconds, the key is refused until the oldest ages out.

Counts live in each worker process (like the rate limit): with N workers a guesser gets
at most N times the limit."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque

from engine.messages import say

from ..problems import ApiProblem

MAX_KEYS = 100_000


class FailureThrottle:
    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self.failures: OrderedDict[object, deque[float]] = OrderedDict()
        self.lock = threading.Lock()

    def _recent(self, key: object, now: float) -> deque[float]:
        times = self.failures.get(key)
        if times is None:
            return deque()
        while times and now - times[0] >= self.window:
            times.popleft()
        return times

    def wait(self, *keys: object) -> int:
        """0 when none of the keys is held back, else whole seconds (at least 1) to wait."""
        now = time.monotonic()
        with self.lock:
            waits = [
                math.ceil(self.window - (now - times[0])) or 1
                for key in keys
                if len(times := self._recent(key, now)) >= self.limit
            ]
        return max(waits, default=0)

    def failed(self, *keys: object) -> None:
        now = time.monotonic()
        with self.lock:
            for key in keys:
                times = self._recent(key, now)
                times.append(now)
                self.failures[key] = times
                self.failures.move_to_end(key)
            while len(self.failures) > MAX_KEYS:
                self.failures.popitem(last=False)


def too_many_failures(seconds: int) -> ApiProblem:
    return ApiProblem(
        429,
        "Too many failures",
        say("detail.too_many_failures", seconds=seconds),
        headers={"Retry-After": str(seconds)},
    )
