"""Turn a member points ruleset into durable_rules rules over events.

Each event kind becomes one engine rule, `kind.<id>`, that matches a fact of that kind
whose `when` holds (its condition translated exactly as `engine.compiler` translates
any condition: negation normal form, comparisons of bare fields in the engine,
arithmetic computed in decimal and handed over as a truth field). A member's events
for a period are asserted as facts of one session, one fact an event, each with its own
`id`; a sentinel rule matches every fact so that the session can always be deleted.
Facts, not engine events: a posted event is consumed by the first rule that fires.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .compiler import (
    KIND,
    MAX_FACT_KINDS,
    MAX_MATCHES_PER_FACT,
    MAX_SEQUENCE,
    SENTINEL,
    Constant,
    FieldSource,
    _Translator,
    branches,
    engine_json,
    engine_sequence,
    engine_value,
    to_nnf,
)
from .errors import EngineLimitError, UndefinedValue
from .expressions import truth
from .messages import say
from .points_model import EventKind, PointsRuleset

EVENT_KIND = "_ek"


def kind_rule(kind_id: str) -> str:
    return f"kind.{kind_id}"


@dataclass(frozen=True)
class KindPlan:
    """One event kind as an engine rule, and the fields its facts carry."""

    rule_id: str
    fields: dict[str, FieldSource]
    never: bool  # its `when` folds to false: the engine never sees it


@dataclass(frozen=True)
class CompiledPoints:
    ruleset: PointsRuleset
    plans: dict[str, KindPlan]
    definition: dict
    engine_name: str
    kinds: dict[str, tuple[int, EventKind]]  # by id: its index in `events.kinds`, and the kind

    def fact(self, number: int, kind: EventKind, values: dict[str, Any]) -> tuple[dict, bool]:
        """The fact of one event, and whether its `when` divided by zero (then the event
        cannot be counted and is refused)."""
        fact: dict[str, Any] = {"id": str(number), KIND: 0, EVENT_KIND: kind.id}
        undefined = False
        for name, source in self.plans[kind.id].fields.items():
            if source.kind == "value":
                fact[name] = engine_value(values[source.name])
            elif source.kind == "atom":
                try:
                    fact[name] = 1 if truth(source.atom, values) is True else 0
                except UndefinedValue:
                    undefined = True
        return fact, undefined


def _native(kind: EventKind):
    def native(name: str, numeric: bool = False) -> bool:
        spec = kind.fields.get(name)
        return spec is not None and (not numeric or spec.numeric or spec.type == "boolean")

    return native


def compile_points(ruleset: PointsRuleset) -> CompiledPoints:
    """Compile a checked member points ruleset; EngineLimitError if it cannot run safely."""
    kinds = ruleset.events.kinds
    if len(kinds) > MAX_FACT_KINDS:  # each kind is one more condition under the engine's one node
        raise EngineLimitError(say("points.too_many_kinds", count=len(kinds), limit=MAX_FACT_KINDS))
    plans: dict[str, KindPlan] = {}
    definition: dict[str, Any] = {SENTINEL: {"all": [{"m": {"$gte": {KIND: 0}}}]}}
    for k, kind in enumerate(kinds):
        rule_id = kind_rule(kind.id)
        test: dict[str, Any] = {EVENT_KIND: kind.id}
        translator = _Translator(rule_id, _native(kind))
        never = False
        if kind.when is not None:
            tree = to_nnf(kind.when.root, _native(kind))
            never = isinstance(tree, Constant) and not tree.value
            body = translator.condition(tree)
            if body is not None:
                test = {"$and": [test, body]}
            path = f"events.kinds[{k}].when"
            if branches(tree) + 1 > MAX_MATCHES_PER_FACT:
                limit = MAX_MATCHES_PER_FACT - 1
                raise EngineLimitError(say("engine.branches", path=path, count=branches(tree), limit=limit))
            sequence = engine_sequence(test) + 1
            if sequence > MAX_SEQUENCE:
                raise EngineLimitError(say("engine.sequence", path=path, size=sequence, limit=MAX_SEQUENCE))
        plans[kind.id] = KindPlan(rule_id, translator.fields, never)
        if not never:
            definition[rule_id] = {"all": [{"m": test}]}
    digest = hashlib.sha256(engine_json(definition, sort_keys=True).encode()).hexdigest()
    indexed = {kind.id: (k, kind) for k, kind in enumerate(kinds)}
    return CompiledPoints(ruleset, plans, definition, "kp-ev-" + digest[:24], indexed)
