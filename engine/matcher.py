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
from .errors import InputError, UndefinedValue, undefined_error
from .expressions import holds


class Matcher(Protocol):
    def fire(self, compiled: CompiledRuleset, phase: int, env: dict[str, Any]) -> frozenset[str]: ...


def _undefined(compiled: CompiledRuleset, rule_id: str, column: int | None) -> InputError:
    condition = compiled.conditions[rule_id]
    return undefined_error(condition.path, f"{condition.path} ({condition.expression.text})", column)


class DurableMatcher:
    """Conditions evaluated by durable_rules, one engine session per phase."""

    def fire(self, compiled: CompiledRuleset, phase: int, env: dict[str, Any]) -> frozenset[str]:
        built = compiled.build_facts(phase, env)
        for rule_id in sorted(built.undefined):
            # a computed comparison divided by zero: it matters only if reached
            try:
                holds(compiled.conditions[rule_id].expression.root, env)
            except UndefinedValue as error:
                raise _undefined(compiled, rule_id, error.column) from None
        if not built.facts:
            return frozenset()
        return frozenset(runtime.match(compiled.engine_name, compiled.definition, built.facts))


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
