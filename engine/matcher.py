"""The narrow boundary between matching and arithmetic.

A matcher takes a unit's values for one phase and returns the ids of the
conditions that hold. `DurableMatcher` asks durable_rules; `DirectMatcher`
evaluates the same conditions directly in Python and exists so that the engine can
be tested against it and measured against it. Scoring never knows which one ran.
"""

from __future__ import annotations

from typing import Any, Protocol

from . import runtime
from .compiler import CompiledRuleset
from .errors import InputError, KaopingError, UndefinedValue, undefined_error
from .expressions import holds
from .runtime import EngineFailure

Fired = frozenset[str] | KaopingError  # the conditions that hold, or why the unit cannot be matched


class Matcher(Protocol):
    def fire(self, compiled: CompiledRuleset, phase: int, env: dict[str, Any]) -> frozenset[str]: ...


def _undefined(compiled: CompiledRuleset, rule_id: str, column: int | None) -> InputError:
    condition = compiled.conditions[rule_id]
    return undefined_error(condition.path, f"{condition.path} ({condition.expression.text})", column)


class DurableMatcher:
    """Conditions evaluated by durable_rules, one engine session per phase."""

    def fire(self, compiled: CompiledRuleset, phase: int, env: dict[str, Any]) -> frozenset[str]:
        facts = _facts(compiled, phase, env)
        if not facts:
            return frozenset()
        return frozenset(runtime.match(compiled.engine_name, compiled.definition, facts))


def _facts(compiled: CompiledRuleset, phase: int, env: dict[str, Any]) -> list[dict]:
    """A unit's facts for a phase; InputError when a condition that matters divides by zero."""
    built = compiled.build_facts(phase, env)
    for rule_id in sorted(built.undefined):
        # a computed comparison divided by zero: it matters only if reached
        try:
            holds(compiled.conditions[rule_id].expression.root, env)
        except UndefinedValue as error:
            raise _undefined(compiled, rule_id, error.column) from None
    return built.facts


def fire_group(compiled: CompiledRuleset, asked: dict[int, tuple[int, dict[str, Any]]]) -> dict[int, Fired]:
    """What DurableMatcher.fire answers for each of many units' (phase, values), keyed as
    asked, matched in one engine session: each fact is one unit's (its id says whose) and
    each rule reads one fact, so the firings are each unit's own. A session costs about as
    much as matching a unit (bench/engine.py), so sharing it halves the engine's part."""
    found: dict[int, Fired] = {}
    facts: list[dict] = []
    for key, (phase, env) in asked.items():
        try:
            mine = _facts(compiled, phase, env)
        except InputError as error:
            found[key] = error
            continue
        found[key] = frozenset()
        for fact in mine:
            fact["id"] = f"{key}.{fact['id']}"
        facts += mine
    if not facts:
        return found
    try:
        firings = runtime.match_each(compiled.engine_name, compiled.definition, facts)
    except EngineFailure:
        # the engine refused the shared session: each unit alone, so the refusal is its own
        return {key: a if isinstance(a, InputError) else _alone(compiled, *asked[key]) for key, a in found.items()}
    fired: dict[int, set[str]] = {}
    for rule, fact_id in firings:
        fired.setdefault(int(fact_id.partition(".")[0]), set()).add(rule)
    return {key: a if isinstance(a, InputError) else frozenset(fired.get(key, ())) for key, a in found.items()}


def _alone(compiled: CompiledRuleset, phase: int, env: dict[str, Any]) -> Fired:
    try:
        return DurableMatcher().fire(compiled, phase, env)
    except (InputError, EngineFailure) as error:
        return error


class DirectMatcher:
    """The same conditions evaluated in Python: the reference and the speed baseline."""

    def fire(self, compiled: CompiledRuleset, phase: int, env: dict[str, Any]) -> frozenset[str]:
        fired = set()
        for rule_id, condition in compiled.conditions.items():
            if condition.phase != phase:
                continue
            try:
                if holds(condition.expression.root, env):
                    fired.add(rule_id)
            except UndefinedValue as error:
                raise _undefined(compiled, rule_id, error.column) from None
        return frozenset(fired)
