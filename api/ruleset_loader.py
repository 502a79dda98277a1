"""Posted ruleset texts are loaded in a child process, never on the service's event loop.

Loading is CPU-bound Python and C; on a hostile text it could hold the GIL long enough
for /healthz to stop answering and for uvicorn to kill the worker. Here each load runs
in a child process with a time limit and a memory limit (RLIMIT_AS): a child that runs
out of time is killed, one that runs out of memory dies, and either is replaced by a
fresh one at the next load. The ruleset limits (engine.limits) keep a load that passes
small enough to send back whole, pickled, so the parent never loads the text itself.

Children are started with "spawn": a fresh interpreter that shares no engine state
with the service (loading never touches durable_rules).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import threading

from engine import LoadedRuleset, RulesetError
from engine.messages import language, say

from .problems import ApiProblem
from .ruleset_child import serve_loads

log = logging.getLogger("kaoping.api")

LOAD_SECONDS = 10.0  # counted from when the text is sent to a started child
START_SECONDS = 60.0  # for a child to import the engine, on a busy machine
LOAD_MEMORY_BYTES = 1024 * 1024 * 1024  # the child's address space
MAX_LOADERS = 2  # children loading at once in one service process; more posts wait their turn


class _Child:
    """One loading process and its end of the pipe."""

    def __init__(self, context, memory_bytes: int):
        self.connection, theirs = context.Pipe()
        self.process = context.Process(
            target=serve_loads, args=(theirs, memory_bytes), name="kaoping-ruleset-loader", daemon=True
        )
        self.process.start()
        theirs.close()
        self.started = self.connection.poll(START_SECONDS)
        if self.started:
            self.connection.recv()  # "ready"

    def stop(self) -> None:
        self.process.kill()
        self.process.join()
        self.connection.close()


class RulesetLoader:
    """A few loading children, started when first needed and replaced when they fail."""

    def __init__(
        self, seconds: float = LOAD_SECONDS, memory_bytes: int = LOAD_MEMORY_BYTES, children: int = MAX_LOADERS
    ):
        self.seconds = seconds
        self.memory_bytes = memory_bytes
        self.context = multiprocessing.get_context("spawn")
        self.idle: list[_Child] = []
        self.lock = threading.Lock()
        self.turns = threading.BoundedSemaphore(children)

    async def load(self, text: str, version: int | None = None) -> LoadedRuleset:
        """The loaded ruleset; RulesetError with its problems, or a 422 ApiProblem when
        loading it went beyond the time or memory limit."""
        return await asyncio.to_thread(self.load_waiting, text, version)

    def load_waiting(self, text: str, version: int | None = None) -> LoadedRuleset:
        with self.turns:
            child = self._take()
            if not child.started:
                child.stop()
                raise ApiProblem(
                    503, "Ruleset loader unavailable", say("detail.try_later"), headers={"Retry-After": "5"}
                )
            try:
                child.connection.send((text, version, language()))  # problems in the asker's words
                if not child.connection.poll(self.seconds):
                    child.stop()
                    raise _too_costly(say("detail.load_timeout", seconds=self.seconds))
                outcome, value = child.connection.recv()
            except (EOFError, OSError):
                child.stop()
                log.error("ruleset loader stopped (exit code %s)", child.process.exitcode)
                raise _too_costly(say("detail.load_memory", limit=self.memory_bytes // (1024 * 1024))) from None
            self._give(child)
        if outcome == "refused":
            raise RulesetError(value)
        return value

    def warm(self) -> None:
        """Start one child ahead of the first post, in the background: a fresh interpreter
        importing the engine takes seconds on a busy machine, which the first editor to post
        a ruleset would otherwise wait for."""

        def start() -> None:
            child = _Child(self.context, self.memory_bytes)
            if child.started:
                self._give(child)
            else:
                child.stop()

        threading.Thread(target=start, name="kaoping-ruleset-loader-warm", daemon=True).start()

    def _take(self) -> _Child:
        with self.lock:
            while self.idle:
                child = self.idle.pop()
                if child.process.is_alive():
                    return child
                child.stop()
        return _Child(self.context, self.memory_bytes)

    def _give(self, child: _Child) -> None:
        with self.lock:
            self.idle.append(child)

    def close(self) -> None:
        with self.lock:
            idle, self.idle = self.idle, []
        for child in idle:
            with contextlib.suppress(OSError):
                child.stop()


def _too_costly(message: str) -> ApiProblem:
    return ApiProblem(
        422,
        "Ruleset too costly",
        message,
        [{"path": "(ruleset)", "message": say("detail.limits_doc", message=message)}],
        type_="/problems/ruleset-too-costly",
    )


loader = RulesetLoader()
