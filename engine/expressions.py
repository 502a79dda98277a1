"""The expression language: parse, type-check and evaluate, never `eval`.

Text is parsed with Python's `ast` in eval mode and only the nodes the format lists
are accepted; everything else is refused with its column. The result is a small
tree of frozen nodes that the compiler turns into durable_rules conditions and that
`evaluate` runs directly (exact `Decimal`, three-valued logic for "NA").
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property

from .decimals import clipped, difference, number_problem, product, quotient, round_half_up, total
from .errors import ExpressionError, UndefinedValue
from .limits import (
    MAX_CONDITIONAL_DEPTH,
    MAX_EXPRESSION_CHARS,
    MAX_EXPRESSION_DEPTH,
    MAX_EXPRESSION_TERMS,
    MAX_IN_VALUES,
)
from .messages import say, suggestion

KEYWORDS = frozenset({"and", "or", "not", "in", "if", "else", "true", "false"})
FUNCTIONS = {"min": (1, None), "max": (1, None), "abs": (1, 1), "round": (2, 2)}
COMPARISONS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
}
ARITHMETIC_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/"}
NEGATED = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
MIRRORED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


class _NotApplicable:
    """The value of an input answered "NA" (or absent, optional, without default)."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NA"


NA = _NotApplicable()


class _Unknown:
    """The third truth value: a comparison that read an "NA" input."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "unknown"


UNKNOWN = _Unknown()


# ---------------------------------------------------------------- nodes


@dataclass(frozen=True)
class Node:
    column: int


@dataclass(frozen=True)
class Number(Node):
    value: Decimal


@dataclass(frozen=True)
class String(Node):
    value: str


@dataclass(frozen=True)
class Boolean(Node):
    value: bool


@dataclass(frozen=True)
class Name(Node):
    id: str


@dataclass(frozen=True)
class Negate(Node):
    operand: Node


@dataclass(frozen=True)
class Not(Node):
    operand: Node


@dataclass(frozen=True)
class Arithmetic(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Compare(Node):
    op: str
    left: Node
    right: Node


@dataclass(frozen=True)
class Membership(Node):
    operand: Node
    values: tuple[Node, ...]
    negated: bool


@dataclass(frozen=True)
class And(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Or(Node):
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Conditional(Node):
    condition: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class Call(Node):
    function: str
    args: tuple[Node, ...]


Literal = Number | String | Boolean


@dataclass(frozen=True)
class Expression:
    """A parsed expression with its source text."""

    text: str
    root: Node

    @cached_property
    def names(self) -> frozenset[str]:
        """Every name the expression reads (computed once: scoring asks per unit)."""
        return names_in(self.root)

    @cached_property
    def sorted_names(self) -> tuple[str, ...]:
        return tuple(sorted(self.names))

    @cached_property
    def size(self) -> int:
        """How many nodes the expression has: what a condition built from it weighs."""
        return sum(1 for _ in walk(self.root))


# ---------------------------------------------------------------- parsing


def parse(text: str) -> Expression:
    """Parse expression text into nodes, or raise ExpressionError with a column.

    The text is measured before `ast` reads it and the tree before it is walked, so
    that no expression within the limits can exhaust the parser or Python's stack."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError(say("expr.empty"))
    source = text.strip()
    _check_text(source)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        column = error.offset if error.offset and 0 < error.offset <= len(source) else len(source) + 1
        raise ExpressionError(say("expr.syntax", detail=error.msg), column) from None
    parser = _Parser(source)
    _check_tree(tree.body, parser.column)
    return Expression(source, parser.node(tree.body))


def _check_text(source: str) -> None:
    """Length, bracket depth, and English outside quotes, read from the text itself.

    Python's parser folds look-alike letters into plain ones (NFKC: a fullwidth 'ｘ' is
    read as 'x'), so names are checked here, as written, before it sees them."""
    if len(source) > MAX_EXPRESSION_CHARS:
        raise ExpressionError(say("limit.expression_chars", count=len(source), limit=MAX_EXPRESSION_CHARS), None)
    depth = 0
    quote: str | None = None
    escaped = False
    for index, char in enumerate(source):
        if quote is not None:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif not char.isascii():
            raise ExpressionError(say("expr.not_english", column=index + 1, char=char), index + 1)
        elif char in "([{":
            depth += 1
            if depth > MAX_EXPRESSION_DEPTH:
                raise ExpressionError(say("limit.brackets", limit=MAX_EXPRESSION_DEPTH), index + 1)
        elif char in ")]}":
            depth -= 1


def _check_tree(root: ast.expr, column) -> None:
    """Depth, terms, `in` lists and nested conditionals of a parsed expression, walked
    with a stack of its own; `column(node)` locates a node for the message."""
    terms = 0
    stack: list[tuple[ast.AST, int, int]] = [(root, 1, 0)]
    while stack:
        node, depth, conditionals = stack.pop()
        if depth > MAX_EXPRESSION_DEPTH:
            raise ExpressionError(say("limit.expression_depth", limit=MAX_EXPRESSION_DEPTH), column(node))
        if isinstance(node, ast.IfExp):
            conditionals += 1
            if conditionals > MAX_CONDITIONAL_DEPTH:
                raise ExpressionError(say("limit.conditional_depth", limit=MAX_CONDITIONAL_DEPTH), column(node))
        elif isinstance(node, ast.Name | ast.Constant):
            terms += 1
            if terms > MAX_EXPRESSION_TERMS:
                raise ExpressionError(say("limit.expression_terms", limit=MAX_EXPRESSION_TERMS), column(node))
        elif isinstance(node, ast.List | ast.Tuple) and len(node.elts) > MAX_IN_VALUES:
            raise ExpressionError(say("limit.in_values", count=len(node.elts), limit=MAX_IN_VALUES), column(node))
        stack.extend((child, depth + 1, conditionals) for child in ast.iter_child_nodes(node) if _counted(child))


def _counted(node: ast.AST) -> bool:
    """Expression nodes count; operator and context markers (ast.Add, ast.Load) do not."""
    return isinstance(node, ast.expr | ast.keyword)


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.encoded = text.encode()
        self.line_starts = [0]  # the byte offset of each line: ast locates nodes by line and byte
        while (end := self.encoded.find(b"\n", self.line_starts[-1])) != -1:
            self.line_starts.append(end + 1)

    def column(self, n: ast.AST) -> int:
        # ast counts UTF-8 bytes; people count characters (a Chinese one is 3 bytes)
        return len(self.encoded[: getattr(n, "col_offset", 0)].decode()) + 1

    def node(self, n: ast.AST) -> Node:
        col = self.column(n)
        method = getattr(self, "_" + type(n).__name__, None)
        if method is None:
            raise ExpressionError(say("expr.not_allowed", text=self._segment(n)), col)
        return method(n, col)

    def _segment(self, n: ast.AST) -> str:
        """The node's text (ast.get_source_segment splits the whole text again for every
        call, which made long expressions take quadratic time)."""
        if getattr(n, "end_col_offset", None) is None:
            return type(n).__name__
        start = self.line_starts[n.lineno - 1] + n.col_offset
        end = self.line_starts[n.end_lineno - 1] + n.end_col_offset
        return self.encoded[start:end].decode()

    def _Constant(self, n: ast.Constant, col: int) -> Node:
        if isinstance(n.value, bool) or n.value is None:
            raise ExpressionError(say("expr.word", text=n.value), col)
        if isinstance(n.value, str):
            return String(col, n.value)
        if isinstance(n.value, int | float):
            source = self._segment(n).replace("_", "")
            try:
                value = Decimal(source)
            except InvalidOperation:
                raise ExpressionError(say("expr.not_a_number", text=source), col) from None
            check_engine_number(value, col)
            return Number(col, value)
        raise ExpressionError(say("expr.not_allowed", text=self._segment(n)), col)

    def _Name(self, n: ast.Name, col: int) -> Node:
        if n.id == "true":
            return Boolean(col, True)
        if n.id == "false":
            return Boolean(col, False)
        return Name(col, n.id)

    def _Attribute(self, n: ast.Attribute, col: int) -> Node:
        """Extension: a dotted name (`review.rate.unsatisfied`), one of a ballot's figures."""
        parts = []
        current: ast.expr = n
        while isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        if not isinstance(current, ast.Name) or current.id in KEYWORDS:
            raise ExpressionError(say("expr.not_allowed", text=self._segment(n)), col)
        return Name(col, ".".join([current.id, *reversed(parts)]))

    def _UnaryOp(self, n: ast.UnaryOp, col: int) -> Node:
        operand = self.node(n.operand)
        if isinstance(n.op, ast.Not):
            return Not(col, operand)
        if isinstance(n.op, ast.USub):
            if isinstance(operand, Number):
                return Number(col, -operand.value)
            return Negate(col, operand)
        if isinstance(n.op, ast.UAdd):
            return operand
        raise ExpressionError(say("expr.operator", text=self._segment(n)), col)

    def _BinOp(self, n: ast.BinOp, col: int) -> Node:
        op = ARITHMETIC_OPS.get(type(n.op))
        if op is None:
            raise ExpressionError(say("expr.operator", text=self._segment(n)), col)
        return Arithmetic(col, op, self.node(n.left), self.node(n.right))

    def _BoolOp(self, n: ast.BoolOp, col: int) -> Node:
        items = tuple(self.node(v) for v in n.values)
        return And(col, items) if isinstance(n.op, ast.And) else Or(col, items)

    def _Compare(self, n: ast.Compare, col: int) -> Node:
        parts: list[Node] = []
        left = self.node(n.left)
        for op, comparator in zip(n.ops, n.comparators, strict=True):
            if isinstance(op, ast.In | ast.NotIn):
                if not isinstance(comparator, ast.List | ast.Tuple):
                    raise ExpressionError(say("expr.in_list"), col)
                values = tuple(self.node(e) for e in comparator.elts)
                for value in values:
                    if not isinstance(value, Number | String | Boolean):
                        raise ExpressionError(say("expr.in_values"), value.column)
                parts.append(Membership(col, left, values, isinstance(op, ast.NotIn)))
                left = None  # a chained 'in' has no sensible meaning
                continue
            symbol = COMPARISONS.get(type(op))
            if symbol is None or left is None:
                raise ExpressionError(say("expr.comparison", text=self._segment(n)), col)
            right = self.node(comparator)
            parts.append(Compare(col, symbol, left, right))
            left = right
        return parts[0] if len(parts) == 1 else And(col, tuple(parts))

    def _IfExp(self, n: ast.IfExp, col: int) -> Node:
        return Conditional(col, self.node(n.test), self.node(n.body), self.node(n.orelse))

    def _Call(self, n: ast.Call, col: int) -> Node:
        if not isinstance(n.func, ast.Name) or n.func.id not in FUNCTIONS:
            name = self._segment(n.func)
            raise ExpressionError(say("expr.unknown_function", function=name, hint=suggestion(name, FUNCTIONS)), col)
        if n.keywords:
            raise ExpressionError(say("expr.keywords"), col)
        low, high = FUNCTIONS[n.func.id]
        if len(n.args) < low or (high is not None and len(n.args) > high):
            raise ExpressionError(say("expr.arity", function=n.func.id, count=_arity(low, high)), col)
        return Call(col, n.func.id, tuple(self.node(a) for a in n.args))


def _arity(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{high}"


def check_engine_number(value: Decimal, column: int | None = None) -> None:
    """Refuse numbers the rules engine cannot compare exactly as doubles."""
    problem = number_problem(value)
    if problem is not None:
        raise ExpressionError(say("number.inexact", value=clipped(value), why=problem), column)


def walk(node: Node):
    """Every node of an expression, parents before children."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(children(current)))


def names_in(node: Node) -> frozenset[str]:
    """Every name an expression reads."""
    return frozenset(n.id for n in walk(node) if isinstance(n, Name))


def children(node: Node) -> tuple[Node, ...]:
    if isinstance(node, Negate | Not):
        return (node.operand,)
    if isinstance(node, Arithmetic | Compare):
        return (node.left, node.right)
    if isinstance(node, Membership):
        return (node.operand, *node.values)
    if isinstance(node, And | Or):
        return node.items
    if isinstance(node, Conditional):
        return (node.condition, node.then, node.otherwise)
    if isinstance(node, Call):
        return node.args
    return ()


# ---------------------------------------------------------------- evaluation

Value = Decimal | Fraction | bool | str | _NotApplicable | _Unknown | None


def evaluate(node: Node, env: dict[str, object]) -> Value:
    """Evaluate with exact decimals; "NA" makes comparisons unknown (Kleene logic).

    Raises UndefinedValue on division by zero that is actually reached.
    """
    return _EVALUATORS[type(node)](node, env)


def truth(node: Node, env: dict[str, object]) -> bool | _Unknown:
    """A condition's three-valued truth."""
    value = evaluate(node, env)
    if value is NA or value is UNKNOWN or value is None:
        return UNKNOWN
    return bool(value)


def holds(node: Node, env: dict[str, object]) -> bool:
    """A condition holds only when it is true (unknown does not hold)."""
    return truth(node, env) is True


def _number(value: Value) -> Decimal | _Unknown:
    if value is NA or value is UNKNOWN or value is None:
        return UNKNOWN
    if isinstance(value, bool):
        return Decimal(int(value))
    return value  # type: ignore[return-value]


def _eval_name(node: Name, env):
    return env[node.id]


def _eval_negate(node: Negate, env):
    value = _number(evaluate(node.operand, env))
    return value if value is UNKNOWN else -value


def _eval_not(node: Not, env):
    value = truth(node.operand, env)
    return value if value is UNKNOWN else not value


def _eval_arithmetic(node: Arithmetic, env):
    left = _number(evaluate(node.left, env))
    right = _number(evaluate(node.right, env))
    if left is UNKNOWN or right is UNKNOWN:
        return UNKNOWN
    if node.op == "/" and right == 0:
        raise UndefinedValue(node.column)
    if node.op == "/":
        return quotient(left, right)
    if node.op == "*":
        return product(left, right)
    return total((left, right)) if node.op == "+" else difference(left, right)


def _is_na_literal(node: Node) -> bool:
    return isinstance(node, String) and node.value == "NA"


def _eval_compare(node: Compare, env):
    if node.op in ("==", "!=") and (_is_na_literal(node.left) or _is_na_literal(node.right)):
        other = node.right if _is_na_literal(node.left) else node.left
        is_na = evaluate(other, env) is NA
        return is_na if node.op == "==" else not is_na
    left = evaluate(node.left, env)
    right = evaluate(node.right, env)
    return compare_values(node.op, left, right)


def compare_values(op: str, left: Value, right: Value) -> bool | _Unknown:
    if any(v is NA or v is UNKNOWN or v is None for v in (left, right)):
        return UNKNOWN
    if isinstance(left, bool) or isinstance(right, bool):
        left, right = _number(left), _number(right)
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    return left >= right


def _eval_membership(node: Membership, env):
    value = evaluate(node.operand, env)
    if value is NA or value is UNKNOWN or value is None:
        return UNKNOWN
    found = any(compare_values("==", value, evaluate(v, env)) is True for v in node.values)
    return found != node.negated


def _eval_and(node: And, env):
    result: bool | _Unknown = True
    for item in node.items:
        value = truth(item, env)
        if value is False:
            return False
        if value is UNKNOWN:
            result = UNKNOWN
    return result


def _eval_or(node: Or, env):
    result: bool | _Unknown = False
    for item in node.items:
        value = truth(item, env)
        if value is True:
            return True
        if value is UNKNOWN:
            result = UNKNOWN
    return result


def _eval_conditional(node: Conditional, env):
    condition = truth(node.condition, env)
    if condition is UNKNOWN:
        return UNKNOWN
    return evaluate(node.then if condition else node.otherwise, env)


def _eval_call(node: Call, env):
    args = [_number(evaluate(a, env)) for a in node.args]
    if any(a is UNKNOWN for a in args):
        return UNKNOWN
    if node.function == "min":
        return min(args)
    if node.function == "max":
        return max(args)
    if node.function == "abs":
        return abs(args[0])
    places = args[1]
    if isinstance(places, Fraction) or places != places.to_integral_value():
        raise UndefinedValue(node.column)
    return round_half_up(args[0], int(places))


_EVALUATORS = {
    Number: lambda n, env: n.value,
    String: lambda n, env: n.value,
    Boolean: lambda n, env: n.value,
    Name: _eval_name,
    Negate: _eval_negate,
    Not: _eval_not,
    Arithmetic: _eval_arithmetic,
    Compare: _eval_compare,
    Membership: _eval_membership,
    And: _eval_and,
    Or: _eval_or,
    Conditional: _eval_conditional,
    Call: _eval_call,
}
