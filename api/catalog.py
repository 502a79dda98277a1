"""Compiled rulesets by version, loaded from their stored text once per process."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from engine import LoadedRuleset, load_ruleset

from .tables import RulesetVersionRow

MAX_CACHED = 128
_cache: OrderedDict[tuple[str, int, str], LoadedRuleset] = OrderedDict()
_lock = threading.Lock()


def loaded(version: RulesetVersionRow) -> LoadedRuleset:
    return compiled((version.ruleset_id, version.number, version.content_hash), lambda: version.text)


def compiled(key: tuple[str, int, str], text: Callable[[], str]) -> LoadedRuleset:
    """The ruleset version named by (id, number, content hash); `text` is called only
    the first time this process meets it."""
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    ruleset = load_ruleset(text(), version=key[1])
    _keep(key, ruleset)
    return ruleset


def remember(ruleset: LoadedRuleset) -> None:
    """Keep a ruleset loaded elsewhere (by a loading child) as the stored version it is."""
    _keep((ruleset.id, ruleset.version, ruleset.content_hash), ruleset)


def _keep(key: tuple[str, int, str], ruleset: LoadedRuleset) -> None:
    with _lock:
        _cache[key] = ruleset
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
