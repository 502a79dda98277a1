"""The one module that talks to durable_rules; it owns every hazard of it.

We drive the engine's C core (`durable_rules_engine`) directly instead of its
Python `Host`:

- no Host means no background timer thread, so actions never run on another
  thread and results cannot be incomplete (the Host's timer caused errors 307 and
  a segfault when measured);
- the firing loop is ours: each firing is read as it is started, and there are no
  Python actions whose exceptions the engine could swallow into the session state,
  so an error here propagates;
- it skips the Host's JSON round trips and closures, about 84% of its cost.

One lock serializes all calls (the C engine's state is global to the process and
its calls never release the GIL, so threads would gain nothing). One engine ruleset
is registered per compiled definition, named by its content hash; the least
recently used are deleted when too many are live. One session (sid) per call:
every fact matches the sentinel rule, so at least one action always fires and the
session can be deleted safely (deleting a session in which nothing fired kills the
process), and it is always deleted in `finally`.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import threading
from collections import OrderedDict

import durable_rules_engine as _engine
import orjson

from .compiler import SENTINEL, engine_json
from .errors import KaopingError

log = logging.getLogger("kaoping.engine")

MAX_LIVE_RULESETS = 64
NOT_HANDLED, OBSERVED = 1, 2

_lock = threading.RLock()
_handles: OrderedDict[str, int] = OrderedDict()
_session_numbers = itertools.count(1)


class EngineFailure(KaopingError):
    """durable_rules refused a call; the unit is not scored."""


def _register(name: str, definition: dict) -> int:
    handle = _handles.get(name)
    if handle is not None:
        _handles.move_to_end(name)
        return handle
    try:
        handle = _engine.create_ruleset(name, engine_json(definition))
    except _engine.error as error:
        raise EngineFailure(f"the engine refused the ruleset: {error}") from None
    _handles[name] = handle
    while len(_handles) > MAX_LIVE_RULESETS:
        _old_name, old_handle = _handles.popitem(last=False)
        _engine.delete_ruleset(old_handle)
    return handle


def live_rulesets() -> int:
    with _lock:
        return len(_handles)


def match(name: str, definition: dict, facts: list[dict]) -> list[str]:
    """Assert one unit's facts in a fresh session; the ids of the rules that fired,
    in firing order, once per matching branch (the sentinel left out)."""
    return [rule for rule, _message in _firings(name, definition, facts)]


def match_each(name: str, definition: dict, facts: list[dict]) -> list[tuple[str, str]]:
    """Like `match`, for facts that each stand for one thing (a member's events): the
    (rule id, the fact's `id`) of every firing, so each firing is told apart by its fact."""
    return [(rule, _fact_id(rule, message)) for rule, message in _firings(name, definition, facts)]


_FACT_ID = re.compile(r'^\{"[^"]*":\{"m":\{"id":"([^"\\]*)"')


def _fact_id(rule: str, message: str) -> str:
    """The `id` of a started action's fact: the engine writes the fact as asserted, its id
    first (engine.compiler builds facts so); any other shape is read as JSON."""
    found = _FACT_ID.match(message)
    return found[1] if found else str(orjson.loads(message)[rule]["m"]["id"])


def _firings(name: str, definition: dict, facts: list[dict]) -> list[tuple[str, str]]:
    """(rule id, started action message) of each firing of one session, the sentinel's left out."""
    with _lock:
        handle = _register(name, definition)
        sid = f"{os.getpid()}-{next(_session_numbers)}"
        for fact in facts:
            fact["sid"] = sid
        fired_any = False
        try:
            try:
                code, state = _engine.assert_facts(handle, engine_json(facts))
            except _engine.error as error:
                raise EngineFailure(f"the engine refused the unit's facts: {error}") from None
            if code == NOT_HANDLED:
                raise EngineFailure("a fact matched no rule (the sentinel rule is missing)")
            if code == OBSERVED:
                raise EngineFailure("a fact was asserted twice in one session")
            fired: list[tuple[str, str]] = []
            started = _engine.start_action_for_state(handle, state)
            message = started[1] if started else None
            while message:
                fired_any = True
                rule = _rule_of(message)
                if rule != SENTINEL:
                    fired.append((rule, message))
                message = _engine.complete_and_start_action(handle, state)
            if not fired_any:
                # every fact matches the sentinel: no firing at all means the engine did not
                # read the facts, and scoring from an empty set of firings would be wrong
                raise EngineFailure("no rule fired, not even the sentinel: the engine did not read the unit's facts")
            return fired
        finally:
            if fired_any:
                _engine.delete_state(handle, sid)
            else:
                # deleting a session in which no action fired kills the process
                log.error("engine session %s left undeleted: no rule fired", sid)


def _rule_of(message: str) -> str:
    """The rule name of a started action: the message is {"<rule>": {"m": fact}}."""
    start = message.index('"') + 1
    return message[start : message.index('"', start)]
