"""Compiled rulesets by version, loaded from their stored text once per process.

A stored ruleset is a scoring ruleset or a member points ruleset (docs/member-points.md);
each reader asks for the kind it works with, and the other kind is refused with a 422."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from engine import LoadedRuleset
from engine.messages import say
from engine.points_loader import LoadedPoints, load_either

from .problems import ApiProblem
from .tables import RulesetVersionRow

MAX_CACHED = 128
_cache: OrderedDict[tuple[str, int, str], LoadedRuleset | LoadedPoints] = OrderedDict()
_lock = threading.Lock()


def loaded(version: RulesetVersionRow) -> LoadedRuleset:
    return compiled((version.ruleset_id, version.number, version.content_hash), lambda: version.text)


def compiled(key: tuple[str, int, str], text: Callable[[], str]) -> LoadedRuleset:
    """The scoring ruleset version named by (id, number, content hash); `text` is called
    only the first time this process meets it. A member points ruleset is refused."""
    found = any_compiled(key, text)
    if isinstance(found, LoadedPoints):
        message = say("detail.points_not_scored", ruleset=key[0])
        raise ApiProblem(422, "Not a scoring ruleset", message, [{"field": "ruleset", "message": message}])
    return found


def points_loaded(version: RulesetVersionRow) -> LoadedPoints:
    """The member points ruleset of a version; a scoring ruleset is refused."""
    found = any_loaded(version)
    if not isinstance(found, LoadedPoints):
        message = say("detail.not_points_ruleset", ruleset=version.ruleset_id)
        raise ApiProblem(422, "Not a points ruleset", message, [{"field": "ruleset", "message": message}])
    return found


def any_loaded(version: RulesetVersionRow) -> LoadedRuleset | LoadedPoints:
    return any_compiled((version.ruleset_id, version.number, version.content_hash), lambda: version.text)


def any_compiled(key: tuple[str, int, str], text: Callable[[], str]) -> LoadedRuleset | LoadedPoints:
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    ruleset = load_either(text(), version=key[1])
    _keep(key, ruleset)
    return ruleset


def remember(ruleset: LoadedRuleset | LoadedPoints) -> None:
    """Keep a ruleset loaded elsewhere (by a loading child) as the stored version it is."""
    _keep((ruleset.id, ruleset.version, ruleset.content_hash), ruleset)


def _keep(key: tuple[str, int, str], ruleset: LoadedRuleset | LoadedPoints) -> None:
    with _lock:
        _cache[key] = ruleset
        while len(_cache) > MAX_CACHED:
            _cache.popitem(last=False)
