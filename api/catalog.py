"""Compiled rulesets by version, loaded from their stored text once per process."""

from __future__ import annotations

import threading
from collections import OrderedDict

from engine import LoadedRuleset, load_ruleset

from .tables import RulesetVersionRow

MAX_CACHED = 128
_cache: OrderedDict[tuple[str, int, str], LoadedRuleset] = OrderedDict()
_lock = threading.Lock()


def loaded(version: RulesetVersionRow) -> LoadedRuleset:
    key = (version.ruleset_id, version.number, version.content_hash)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    ruleset = load_ruleset(version.text, version=version.number)
    with _lock:
        _cache[key] = ruleset
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
    return ruleset
