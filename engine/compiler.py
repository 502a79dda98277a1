"""Turn a checked ruleset into durable_rules rules and a plan for a unit's facts.

Every condition of the ruleset (band, check, adjustment `when`, veto, grade
requirement, broken consistency rule) becomes one engine rule named after its
element. Conditions are put in negation normal form so that an "NA" input, left
out of the fact, makes exactly the comparisons that read it false, which is the
format's three-valued logic. A comparison of a bare input with a value (or of two
number inputs) runs in the engine; any comparison that needs arithmetic is
computed exactly in decimal and handed to the engine as a truth field, because the
engine computes in doubles.

A unit's values are spread over several facts so that no fact reaches the engine's
limits (64 rules matching one fact, 252 fields); the compiled ruleset is checked
against the rest of them (rules per ruleset, facts under one node) here, at load
time, so that no ruleset can hang or crash the engine later.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

import orjson

from .decimals import approx, engine_text
from .errors import EngineLimitError, UndefinedValue
from .expressions import (
    MIRRORED,
    NA,
    NEGATED,
    UNKNOWN,
    And,
    Boolean,
    Compare,
    Conditional,
    Expression,
    Membership,
    Name,
    Node,
    Not,
    Number,
    Or,
    String,
    truth,
)
from .messages import say
from .model import Indicator, Ruleset
from .texts import RulesetTexts, band_rule, ruleset_texts
from .wording import Wording

# Measured limits of durable_rules 2.0.28 (see tests/test_runtime_hazards.py), with margin.
MAX_MATCHES_PER_FACT = 60  # the engine fails (error 303) beyond 64
MAX_FIELDS_PER_FACT = 240  # the engine fails (error 302) beyond 252
MAX_RULES = 4000  # error 106 beyond 4,096
MAX_FACT_KINDS = 500  # creation hangs beyond 512 distinct conditions under one node
MAX_SEQUENCE = 31  # error 113 when one rule's expression sequence reaches 32 (MAX_SEQUENCE_EXPRESSIONS)
# A band is made exclusive of the earlier ones only while its condition stays this small
# (in expression nodes): beyond it the rule would grow with the square of the bands.
MAX_EXCLUSIVE_NODES = 200
SYSTEM_FIELDS = ("sid", "id")
KIND = "_k"
SENTINEL = "seen"


# ---------------------------------------------------------------- normal form


@dataclass(frozen=True)
class Leaf:
    atom: Node
    negated: bool


@dataclass(frozen=True)
class AllOf:
    items: tuple


@dataclass(frozen=True)
class AnyOf:
    items: tuple


@dataclass(frozen=True)
class Constant:
    value: bool


def to_nnf(node: Node, native, negate: bool = False):
    """Push `not` down to the comparisons (De Morgan), folding true/false.

    `native(name)` tells whether a name's value is sent to the engine as a field.
    """
    if isinstance(node, Not):
        return to_nnf(node.operand, native, not negate)
    if isinstance(node, Boolean):
        return Constant(node.value != negate)
    if isinstance(node, And | Or):
        is_all = isinstance(node, And) != negate
        return _combine(is_all, [to_nnf(item, native, negate) for item in node.items])
    if isinstance(node, Conditional):
        # (c and a) or (not c and b): an unknown c leaves both branches false, as it should
        then = _combine(True, [to_nnf(node.condition, native), to_nnf(node.then, native, negate)])
        other = _combine(True, [to_nnf(node.condition, native, True), to_nnf(node.otherwise, native, negate)])
        return _combine(False, [then, other])
    if isinstance(node, Membership) and node.values and isinstance(node.operand, Name) and native(node.operand.id):
        negated = node.negated != negate
        leaves = [Leaf(Compare(node.column, "==", node.operand, v), negated) for v in node.values]
        return _combine(negated, leaves)
    return Leaf(node, negate)


def _combine(is_all: bool, parts: list):
    flat: list = []
    for part in parts:
        if isinstance(part, Constant):
            if part.value != is_all:  # false in an AND, true in an OR decides it
                return Constant(not is_all)
            continue
        if isinstance(part, AllOf if is_all else AnyOf):
            flat.extend(part.items)
        else:
            flat.append(part)
    if not flat:
        return Constant(is_all)
    if len(flat) == 1:
        return flat[0]
    return AllOf(tuple(flat)) if is_all else AnyOf(tuple(flat))


def engine_sequence(body: dict | None) -> int:
    """How long the engine's expression sequence for a condition is: two entries for each
    $and or $or, one for each comparison of two fields (durable_rules' rules.c)."""
    length, stack = 0, [body]
    while stack:
        test = stack.pop()
        if not isinstance(test, dict):
            continue
        for key, value in test.items():
            if key in ("$and", "$or"):
                length += 2
                stack.extend(value)
            elif isinstance(value, dict):
                length += "$m" in value
                stack.append(value)
    return length


def branches(tree) -> int:
    """How often the engine can match this condition on one fact: once per DNF branch."""
    if isinstance(tree, AllOf):
        count = 1
        for item in tree.items:
            count *= branches(item)
        return count
    if isinstance(tree, AnyOf):
        return sum(branches(item) for item in tree.items)
    return 1


# ---------------------------------------------------------------- fields and values


def field_of(name: str) -> str:
    """The fact field holding an input (engine-reserved names are moved aside)."""
    return "_in_" + name if name in SYSTEM_FIELDS else name


def engine_value(value: Any) -> Any:
    """A normalized value as the engine compares it: booleans as 1/0, whole numbers as
    integers, other decimals kept exact until `engine_json` writes them."""
    if isinstance(value, bool):
        return 1 if value else 0
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    if isinstance(value, Fraction):  # a figure that does not terminate: never equal to a constant
        return approx(value)
    return value


def _positional(value: Any) -> orjson.Fragment:
    if isinstance(value, Decimal):
        return orjson.Fragment(engine_text(value))
    raise TypeError(f"{type(value).__name__} cannot go to the engine")


def engine_json(data: Any, sort_keys: bool = False) -> str:
    """Facts or rules as JSON text the engine reads exactly: every number that is not
    whole is written positionally (orjson would write 1e-6, which the engine misreads)."""
    option = orjson.OPT_SORT_KEYS if sort_keys else 0
    return orjson.dumps(data, default=_positional, option=option).decode()


@dataclass(frozen=True)
class FieldSource:
    """How a fact field gets its value from a unit: an input's value, its NA marker,
    or the truth of a comparison computed in decimal."""

    kind: str  # "value" | "na" | "atom"
    name: str = ""
    atom: Node | None = None


OPERATORS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}


class _Translator:
    """Turns one condition's normal form into an engine condition and its fields."""

    def __init__(self, rule_id: str, native):
        self.rule_id = rule_id
        self.native = native
        self.fields: dict[str, FieldSource] = {}
        self.atoms = 0

    def condition(self, tree) -> dict | None:
        if isinstance(tree, Constant):
            return None if tree.value else {"$lt": {KIND: 0}}
        if isinstance(tree, AllOf):
            return {"$and": [self.condition(item) for item in tree.items]}
        if isinstance(tree, AnyOf):
            return {"$or": [self.condition(item) for item in tree.items]}
        return self.leaf(tree.atom, tree.negated)

    def leaf(self, atom: Node, negated: bool) -> dict:
        if isinstance(atom, Name) and self.native(atom.id):
            return self._value_test(atom.id, "!=" if negated else "==", True)
        if isinstance(atom, Compare):
            simple = self._compare(atom, negated)
            if simple is not None:
                return simple
        return self._derived(atom, negated)

    def _compare(self, atom: Compare, negated: bool) -> dict | None:
        op = NEGATED[atom.op] if negated else atom.op
        left, right = atom.left, atom.right
        if isinstance(left, String) and left.value == "NA" or isinstance(right, String) and right.value == "NA":
            name = (right if isinstance(right, Name) else left).id
            marker = "_na_" + name
            self.fields[marker] = FieldSource("na", name)
            return {marker: 1 if op == "==" else 0}
        if isinstance(left, Number | String | Boolean) and isinstance(right, Name):
            left, right, op = right, left, MIRRORED[op]
        if not (isinstance(left, Name) and self.native(left.id)):
            return None
        if isinstance(right, Number | String | Boolean):
            return self._value_test(left.id, op, right.value)
        if (
            isinstance(right, Name)
            and self.native(right.id)
            and self.native(left.id, numeric=True)
            and self.native(right.id, numeric=True)
        ):
            self.fields[field_of(right.id)] = FieldSource("value", right.id)
            self.fields[field_of(left.id)] = FieldSource("value", left.id)
            key = "$eq" if op == "==" else OPERATORS[op]
            if key == "$eq":
                return {
                    "$and": [
                        {"$lte": {field_of(left.id): {"$m": field_of(right.id)}}},
                        {"$gte": {field_of(left.id): {"$m": field_of(right.id)}}},
                    ]
                }
            return {key: {field_of(left.id): {"$m": field_of(right.id)}}}
        return None

    def _value_test(self, name: str, op: str, literal: Any) -> dict:
        field_name = field_of(name)
        self.fields[field_name] = FieldSource("value", name)
        literal = engine_value(literal)
        if op == "==":
            return {field_name: literal}
        return {OPERATORS[op]: {field_name: literal}}

    def _derived(self, atom: Node, negated: bool) -> dict:
        field_name = f"_a_{self.rule_id.replace('.', '_')}_{self.atoms}"
        self.atoms += 1
        self.fields[field_name] = FieldSource("atom", atom=atom)
        return {field_name: 0 if negated else 1}


# ---------------------------------------------------------------- conditions and facts


@dataclass
class Condition:
    """One ruleset condition as one engine rule."""

    rule_id: str
    kind: str  # consistency | band | check | item | veto | requires
    path: str
    expression: Expression
    phase: int  # 1: reads inputs only; 2: also reads the computed scores
    body: dict | None  # engine condition (None: always true)
    fields: dict[str, FieldSource]
    branches: int
    never: bool = False  # folded to false: the engine never sees it


@dataclass
class FactPlan:
    """One fact of a unit: which fields it carries and which rules match it."""

    kind: int
    phase: int
    fields: dict[str, FieldSource] = field(default_factory=dict)
    rules: list[str] = field(default_factory=list)
    matches: int = 1  # the sentinel rule matches every fact


@dataclass
class BuiltFacts:
    facts: list[dict]
    undefined: set[str]  # rules whose computed comparison divided by zero


@dataclass
class CompiledRuleset:
    """A ruleset ready to run: its engine rules and the plan of a unit's facts."""

    ruleset: Ruleset
    conditions: dict[str, Condition]
    facts: list[FactPlan]
    definition: dict
    engine_name: str
    indicator_inputs: dict[str, tuple[str, ...]]  # sorted
    methods: dict[str, str]
    wording: Wording  # reasons' texts in the ruleset's titles
    texts: RulesetTexts  # every ruleset-only string of a result, made once

    def build_facts(self, phase: int, env: dict[str, Any]) -> BuiltFacts:
        """The facts of one unit for a phase, from its normalized values (and scores)."""
        facts: list[dict] = []
        undefined: set[str] = set()
        for plan in self.facts:
            if plan.phase != phase:
                continue
            fact: dict[str, Any] = {"id": str(plan.kind), KIND: plan.kind}
            for name, source in plan.fields.items():
                if source.kind == "value":
                    value = env[source.name]
                    if value is not NA and value is not None:
                        fact[name] = engine_value(value)
                elif source.kind == "na":
                    fact[name] = 1 if env[source.name] is NA else 0
                else:
                    value = _atom_truth(source.atom, env)
                    if value is None:
                        undefined.update(r for r in plan.rules if name in self.conditions[r].fields)
                    elif value is not UNKNOWN:
                        fact[name] = 1 if value else 0
            facts.append(fact)
        return BuiltFacts(facts, undefined)


def _atom_truth(atom: Node, env: dict[str, Any]):
    """The truth of a computed comparison, or None when it divides by zero."""
    try:
        return truth(atom, env)
    except UndefinedValue:
        return None


def conditions_of(ruleset: Ruleset) -> list[tuple[str, str, str, Expression, int]]:
    """(rule id, kind, element path, expression, phase) for every condition, in order."""
    found: list[tuple[str, str, str, Expression, int]] = []
    for index, rule in enumerate(ruleset.consistency):
        broken = Expression(rule.must.text, Not(rule.must.root.column, rule.must.root))
        found.append((f"consistency.{index}", "consistency", f"consistency[{index}].must", broken, 1))
    for d, dimension in enumerate(ruleset.dimensions):
        for i, indicator in enumerate(dimension.indicators):
            path = f"dimensions[{d}].indicators[{i}].score"
            score = indicator.score
            for b, band in enumerate(score.bands or ()):
                if band.when is not None:
                    found.append(
                        (
                            band_rule(indicator.id, b),
                            "band",
                            f"{path}.bands[{b}].when",
                            band.when,
                            1,
                        )
                    )
            if score.check is not None:
                found.append((f"check.{indicator.id}", "check", f"{path}.check", score.check, 1))
    for g, group in enumerate(ruleset.adjustments):
        for i, item in enumerate(group.items):
            if item.when is not None:
                found.append(
                    (
                        f"item.{group.id}.{item.id}",
                        "item",
                        f"adjustments[{g}].items[{i}].when",
                        item.when,
                        1,
                    )
                )
    for v, veto in enumerate(ruleset.vetoes):
        found.append((f"veto.{veto.id}", "veto", f"vetoes[{v}].when", veto.when, 1))
    for g, grade in enumerate(ruleset.grades):
        for r, requirement in enumerate(grade.requires):
            found.append(
                (
                    f"requires.{grade.id}.{r}",
                    "requires",
                    f"grades[{g}].requires[{r}]",
                    requirement,
                    2,
                )
            )
    return found


def compile_ruleset(ruleset: Ruleset) -> CompiledRuleset:
    """Compile a semantically checked ruleset; EngineLimitError if it cannot run safely."""
    inputs = ruleset.inputs

    def native(name: str, numeric: bool = False) -> bool:
        """Inputs and the rounded total go to the engine as fields; dimension and
        indicator scores can carry more digits than a double holds, so comparisons
        on them are computed in decimal."""
        spec = inputs.get(name)
        if spec is None:
            return name == "total"
        return not numeric or spec.numeric or spec.type == "boolean"

    found = conditions_of(ruleset)
    if len(found) + 1 > MAX_RULES:  # counted before any is translated; the sentinel is one more
        raise EngineLimitError(say("engine.rules", count=len(found), limit=MAX_RULES - 1))
    conditions: dict[str, Condition] = {}
    earlier: dict[str, list[Expression]] = {}
    for rule_id, kind, path, expression, phase in found:
        if kind == "band":
            indicator_id = rule_id.split(".")[1]
            previous = earlier.setdefault(indicator_id, [])
            band_expression = expression
            expression = exclusive_band(expression, previous, native)
            previous.append(band_expression)
        tree = to_nnf(expression.root, native)
        translator = _Translator(rule_id, native)
        body = translator.condition(tree)
        never = isinstance(tree, Constant) and not tree.value
        sequence = engine_sequence(body) + 2  # the rule's body is joined to its fact's kind by one more $and
        if not never and sequence > MAX_SEQUENCE:
            raise EngineLimitError(say("engine.sequence", path=path, size=sequence, limit=MAX_SEQUENCE))
        conditions[rule_id] = Condition(
            rule_id, kind, path, expression, phase, body, translator.fields, branches(tree), never
        )
    facts = _pack(conditions)
    definition = _definition(conditions, facts)
    digest = hashlib.sha256(engine_json(definition, sort_keys=True).encode()).hexdigest()
    reads = {indicator.id: tuple(sorted(indicator_inputs(indicator))) for _, indicator in ruleset.indicators()}
    methods = {indicator.id: indicator.score.method for _, indicator in ruleset.indicators()}
    wording = Wording(ruleset)
    return CompiledRuleset(
        ruleset,
        conditions,
        facts,
        definition,
        "kp-" + digest[:24],
        reads,
        methods,
        wording,
        ruleset_texts(ruleset, wording, conditions),
    )


def exclusive_band(band: Expression, earlier: list[Expression], native) -> Expression:
    """A band's condition as "this band and none before it", when that is no wider for the
    engine: then at most one band of an indicator fires, halving the firings to read.
    Equivalent for scoring, which takes the first band that holds: an "NA" input makes
    the whole indicator not applicable, so no earlier band can be unknown here."""
    if not earlier or band.size + sum(e.size for e in earlier) > MAX_EXCLUSIVE_NODES:
        return band
    root = And(band.root.column, (band.root, *(Not(e.root.column, e.root) for e in earlier)))
    if branches(to_nnf(root, native)) > branches(to_nnf(band.root, native)):
        return band
    return Expression(band.text, root)


def indicator_inputs(indicator: Indicator) -> frozenset[str]:
    """The inputs an indicator reads: if any is "NA" the indicator is not applicable."""
    score = indicator.score
    expressions = [band.when for band in score.bands or () if band.when is not None]
    expressions += [getattr(score, m) for m in ("check", "formula") if getattr(score, m) is not None]
    counted = ("linear", "deduct", "award", "relative")
    expressions += [getattr(score, m).of for m in counted if getattr(score, m) is not None]
    return frozenset().union(*(expression.names for expression in expressions))


def _pack(conditions: dict[str, Condition]) -> list[FactPlan]:
    facts: list[FactPlan] = []
    for phase in (1, 2):
        current: FactPlan | None = None
        for condition in conditions.values():
            if condition.phase != phase or condition.never:
                continue
            if condition.branches + 1 > MAX_MATCHES_PER_FACT:
                message = say(
                    "engine.branches", path=condition.path, count=condition.branches, limit=MAX_MATCHES_PER_FACT - 1
                )
                raise EngineLimitError(message)
            if len(condition.fields) > MAX_FIELDS_PER_FACT:
                message = say(
                    "engine.fields", path=condition.path, count=len(condition.fields), limit=MAX_FIELDS_PER_FACT
                )
                raise EngineLimitError(message)
            merged = len(set(current.fields) | set(condition.fields)) if current else 0
            if (
                current is None
                or current.matches + condition.branches > MAX_MATCHES_PER_FACT
                or merged > MAX_FIELDS_PER_FACT
            ):
                current = FactPlan(kind=len(facts), phase=phase)
                facts.append(current)
            current.fields.update(condition.fields)
            current.rules.append(condition.rule_id)
            current.matches += condition.branches
    if len(facts) > MAX_FACT_KINDS:
        raise EngineLimitError(say("engine.facts", count=len(facts), limit=MAX_FACT_KINDS))
    return facts


def _definition(conditions: dict[str, Condition], facts: list[FactPlan]) -> dict:
    """The engine's JSON ruleset: a sentinel that matches every fact, then one rule a condition."""
    definition: dict[str, Any] = {SENTINEL: {"all": [{"m": {"$gte": {KIND: 0}}}]}}
    for plan in facts:
        for rule_id in plan.rules:
            body = conditions[rule_id].body
            test = {KIND: plan.kind} if body is None else {"$and": [{KIND: plan.kind}, body]}
            definition[rule_id] = {"all": [{"m": test}]}
    return definition
