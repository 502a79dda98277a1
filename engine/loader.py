"""Read a ruleset from YAML or JSON text and refuse it whole if anything is wrong.

Numbers are read as exact decimals straight from the text (never via binary
floats). Structural problems (pydantic), semantic ones (engine.semantics) and the
engine's limits (engine.compiler) are all reported with their element paths.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .ballots import with_ballot_inputs
from .compiler import CompiledRuleset, compile_ruleset
from .decimals import clipped
from .errors import EngineLimitError, RulesetError, RulesetProblem
from .limits import MAX_DOCUMENT_DEPTH, MAX_DOCUMENT_NODES, structure_problems, text_problem
from .messages import CATALOGUE, listing, say, suggestion
from .model import Ruleset, field_names
from .points_model import is_points_document
from .semantics import SemanticChecker

MAX_INTEGER_DIGITS = 100  # far above any number a ruleset may hold; Python refuses beyond 4,300


class _DecimalLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """YAML with floats read as exact decimals (libyaml's parser when installed: five
    times faster than PyYAML's own)."""


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    lowered = text.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        return Decimal("NaN")
    try:
        return Decimal(text)
    except ArithmeticError:  # an exponent beyond what decimal can hold
        raise yaml.constructor.ConstructorError(
            None, None, say("yaml.number", text=text[:40]), node.start_mark
        ) from None


def _integer(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    if len(node.value) > MAX_INTEGER_DIGITS:
        message = say("limit.integer_digits", count=len(node.value), limit=MAX_INTEGER_DIGITS)
        raise yaml.constructor.ConstructorError(None, None, message, node.start_mark)
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict:
    """A mapping whose keys are each written once: a key given twice is refused at its
    place (YAML's own rule lets the last one win, silently). Keys merged in from an
    anchor (`<<: *base`) may be overridden, as YAML means them to be."""
    first: dict[str, int] = {}
    for key_node, _value in node.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
            continue
        if key_node.value in first:
            message = say("ruleset.duplicate_key", key=repr(key_node.value), first=first[key_node.value])
            raise yaml.constructor.ConstructorError(None, None, message, key_node.start_mark)
        first[key_node.value] = key_node.start_mark.line + 1
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:int", _integer)
_DecimalLoader.add_constructor("tag:yaml.org,2002:map", _mapping)
# YAML 1.2 (and JSON) numbers with an exponent and no point, such as 1e-7: text in YAML 1.1
_DecimalLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"), list("-+0123456789")
)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return node.value
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def expansion_problem(root: yaml.Node) -> str | None:
    """Why the composed document is too large or too deep once its aliases are expanded
    (a "billion laughs": nine aliases of nine aliases ...), or None.

    Composing shares an anchored node among its aliases, so the document is still small
    here; its expanded size and depth are summed over that shared graph, each node once,
    without recursion, before anything is built from it."""
    sizes: dict[int, int] = {}
    depths: dict[int, int] = {}
    entered: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        line = node.start_mark.line + 1
        if finished:
            kids = _children(node)
            sizes[key] = size = 1 + sum(sizes[id(kid)] for kid in kids)
            depths[key] = depth = 1 + max((depths[id(kid)] for kid in kids), default=0)
            entered.discard(key)
            if size > MAX_DOCUMENT_NODES:
                return say("limit.document_nodes", line=line, size=size, limit=MAX_DOCUMENT_NODES)
            if depth > MAX_DOCUMENT_DEPTH:
                return say("limit.document_depth", line=line, depth=depth, limit=MAX_DOCUMENT_DEPTH)
            continue
        if key in sizes:
            continue
        if key in entered:
            return say("limit.alias_loop", line=line)
        entered.add(key)
        stack.append((node, True))
        stack.extend((kid, False) for kid in _children(node) if id(kid) not in sizes)
    return None


@dataclass
class Document:
    """A parsed ruleset text: its data, the composed tree that knows where each element
    stands in the file, and the syntax problems of lines left out to read the rest."""

    data: Any
    root: yaml.Node | None
    syntax: list[RulesetProblem]
    left_out_keys: frozenset[str] = frozenset()  # their absence is the syntax error's doing


def _keys_of(lines: list[str]) -> frozenset[str]:
    return frozenset(m.group(1) for line in lines if (m := re.match(r"\s*-?\s*([A-Za-z_]\w*)\s*:", line)))


MAX_SYNTAX_ERRORS = 10


def read_document(text: str, name: str = "ruleset") -> Document:
    """Parse YAML or JSON text (JSON is YAML) with exact decimals. A syntax error is
    reported with its line and column, and the line is left out to read the rest, so
    the other problems are found too; a document that its aliases would expand beyond
    the limits is refused before it is built."""
    syntax: list[RulesetProblem] = []
    left_out: list[str] = []
    lines = text.split("\n")
    for _attempt in range(MAX_SYNTAX_ERRORS + 1):
        loader = _DecimalLoader("\n".join(lines))
        try:
            node = loader.get_single_node()
            if node is None:
                return Document(None, None, syntax, _keys_of(left_out))
            problem = expansion_problem(node)
            if problem is not None:
                raise RulesetError([RulesetProblem(path=name, message=problem)])
            return Document(loader.construct_document(node), node, syntax, _keys_of(left_out))
        except yaml.YAMLError as error:
            # the construct that could not be closed (an unclosed "[") is where the mistake is
            mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
            line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            parts = [str(part) for part in (error.context, error.problem) if part] or [str(error)]
            detail = "; ".join(_yaml_words(part) for part in parts)
            message = say("ruleset.syntax", line=line, column=column, problem=detail)
            syntax.append(RulesetProblem(path=name, message=message, line=line, line_column=column))
            if mark is None or line > len(lines) or not lines[line - 1].strip():
                break
            left_out.append(lines[line - 1])
            lines[line - 1] = ""  # leave the line out and read on
        finally:
            loader.dispose()
    raise RulesetError(syntax)


def _yaml_words(text: str) -> str:
    """libyaml's words for the common mistakes as a clerk reads them (the catalogue's
    `yaml.<libyaml's words>`), the rest as libyaml writes them."""
    key = f"yaml.{text}"
    return say(key) if key in CATALOGUE else text


def parse_document(text: str, name: str = "ruleset") -> Any:
    """The data of a YAML or JSON text; RulesetError names every syntax error's place."""
    document = read_document(text, name)
    if document.syntax:
        raise RulesetError(document.syntax)
    return document.data


def locate(root: yaml.Node | None, path: str) -> tuple[int, int] | None:
    """(line, column), 1-based, where the element at `path` is written; the nearest
    written ancestor for an element that is missing."""
    node, found = root, root
    for part in _PATH_PART.findall(path):
        if node is None:
            break
        if part.startswith("["):
            index = int(part[1:-1])
            node = node.value[index] if isinstance(node, yaml.SequenceNode) and index < len(node.value) else None
        elif isinstance(node, yaml.MappingNode):
            node = next((value for key, value in node.value if getattr(key, "value", None) == part), None)
        else:
            node = None
        found = node or found
    if found is None:
        return None
    return found.start_mark.line + 1, found.start_mark.column + 1


_PATH_PART = re.compile(r"\[\d+\]|[^.\[\]]+")


def _placed(problem: RulesetProblem, root: yaml.Node | None) -> RulesetProblem:
    """The problem with the line and column where its element is written; an expression's
    column is counted from the start of its line when the expression is on one line."""
    where = locate(root, problem.path)
    if where is None:
        return problem
    line, column = where
    return problem.model_copy(update={"line": line, "line_column": column})


def path_of(location: tuple) -> str:
    """('dimensions', 0, 'indicators', 2) -> 'dimensions[0].indicators[2]', leaving out
    the names pydantic gives the members of a union and the marker of a dict's key."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif part in ("str", "GradeCap", "ClassWeights", "decimal", "[key]") or _UNION_MEMBER.fullmatch(str(part)):
            continue
        else:
            text += ("." if text else "") + str(part)
    return text or "(ruleset)"


# "function-after[_number(), decimal]", "literal['NA']", ...
_UNION_MEMBER = re.compile(r"[a-z-]+\[.*\]")


FIELD_NAMES = sorted(field_names())
TYPE_KINDS = {
    "decimal_type": "kind.number",
    "decimal_parsing": "kind.number",
    "float_type": "kind.number",
    "float_parsing": "kind.number",
    "int_type": "kind.integer",
    "int_parsing": "kind.integer",
    "int_from_float": "kind.integer",
    "string_type": "kind.text",
    "bool_type": "kind.boolean",
    "bool_parsing": "kind.boolean",
    "list_type": "kind.list",
    "dict_type": "kind.mapping",
    "model_type": "kind.mapping",
    "model_attributes_type": "kind.mapping",
}
WORDED = frozenset({"id", "number", "expression"})  # engine.model's own error types
LIMITS = {"greater_than_equal": "ge", "greater_than": "gt", "less_than_equal": "le", "less_than": "lt"}


def given_text(value: Any) -> str:
    if isinstance(value, dict):
        return "{…}"
    if isinstance(value, list):
        return "[…]"
    text = repr(value) if isinstance(value, str) else str(value).lower() if isinstance(value, bool) else str(value)
    return clipped(text)


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" in the current language's words."""
    *rest, last = expected.rsplit(" or ", 1)
    if not rest:
        return expected
    return say("word.or").join([listing(rest[0].split(", ")), last])


def structural_message(item: dict) -> str:
    """pydantic's error as the person who wrote the ruleset reads it: no class names."""
    kind, ctx, loc = item["type"], item.get("ctx") or {}, item["loc"]
    name = str(next((part for part in reversed(loc) if isinstance(part, str) and part != "[key]"), ""))
    if "message" in ctx or kind in WORDED:  # worded by engine.model
        return str(ctx.get("message") or item["msg"])
    if kind == "missing":
        return say("schema.missing", name=name)
    if kind == "extra_forbidden":
        return say("schema.extra_forbidden", name=name, hint=suggestion(name, FIELD_NAMES))
    if kind == "literal_error":
        return say(
            "schema.literal_error", expected=_choices(ctx.get("expected", "")), got=given_text(item.get("input"))
        )
    if kind in TYPE_KINDS:
        return say("schema.type", kind=say(TYPE_KINDS[kind]), got=given_text(item.get("input")))
    if kind in LIMITS:
        return say(f"schema.{kind}", limit=ctx.get(LIMITS[kind]), got=given_text(item.get("input")))
    if kind == "too_short":
        return say("schema.too_short", limit=ctx.get("min_length"))
    return say("schema.other", got=given_text(item.get("input")))


def _pydantic_problems(error: ValidationError) -> list[RulesetProblem]:
    problems: list[RulesetProblem] = []
    seen: set[tuple[str, str]] = set()
    for item in error.errors():
        path = path_of(item["loc"])
        message = structural_message(item)
        key = (path, message)
        if key in seen:
            continue
        seen.add(key)
        column = (item.get("ctx") or {}).get("column")
        problems.append(RulesetProblem(path=path, message=message, column=column))
    return problems


def content_hash(data: Any) -> str:
    """sha256 of the ruleset's canonical JSON: the same content, the same hash."""
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class LoadedRuleset:
    """A checked, compiled ruleset with the text it came from."""

    model: Ruleset
    compiled: CompiledRuleset
    text: str
    content_hash: str
    version: int | str | None = None

    @property
    def id(self) -> str:
        return self.model.id


def check_model(data: Any, kind: type = Ruleset, checker: type = SemanticChecker):
    """Validate parsed data as a ruleset (or, given its model and checker, as another kind
    of ruleset), listing every structural and semantic problem."""
    if not isinstance(data, dict):
        raise RulesetError([RulesetProblem(path="(ruleset)", message=say("ruleset.not_mapping"))])
    if kind is Ruleset and is_points_document(data):  # its own kind: `kaoping points` reads it
        raise RulesetError([RulesetProblem(path="events", message=say("points.not_a_scoring_ruleset"))])
    too_large = structure_problems(data)
    if too_large:
        raise RulesetError(too_large)
    try:
        model = kind.model_validate(data)
    except ValidationError as error:
        raise RulesetError(_pydantic_problems(error)) from None
    clashes = []
    if kind is Ruleset:
        model, clashes = with_ballot_inputs(model)
    problems = clashes + checker(model).run()
    if problems:
        raise RulesetError(problems)
    return model


def is_points_refusal(error: RulesetError) -> bool:
    """Whether a scoring ruleset was refused only for being a member points ruleset."""
    return [(p.path, p.message) for p in error.problems] == [("events", say("points.not_a_scoring_ruleset"))]


def checked_document(text: str, check, compile_) -> tuple[Any, Any, Document]:
    """(model, compiled, document) of a ruleset text, or RulesetError listing every problem,
    each with its element path and the line and column where it is written."""
    too_long = text_problem(len(text.encode("utf-8", "surrogatepass")))
    if too_long is not None:
        raise RulesetError([too_long])
    document = read_document(text)
    try:
        model = check(document.data)
        compiled = compile_(model)
    except RulesetError as error:
        absent = {say("schema.missing", name=key) for key in document.left_out_keys}
        placed = [_placed(p, document.root) for p in error.problems if p.message not in absent]
        raise RulesetError(document.syntax + placed) from None
    except EngineLimitError as error:
        problem = RulesetProblem(path="(engine limits)", message=say("ruleset.engine_limits", detail=error))
        raise RulesetError([*document.syntax, problem]) from None
    if document.syntax:
        raise RulesetError(document.syntax)
    return model, compiled, document


def load_text(text: str, version: int | str | None = None) -> LoadedRuleset:
    """Load a ruleset text; RulesetError lists every problem, each with its element path
    and the line and column where it is written."""
    model, compiled, document = checked_document(text, check_model, compile_ruleset)
    return LoadedRuleset(model, compiled, text, content_hash(document.data), version)


def load_file(path: str | Path, version: int | str | None = None) -> LoadedRuleset:
    too_long = text_problem(Path(path).stat().st_size)  # before reading a file of any size
    if too_long is not None:
        raise RulesetError([too_long])
    return load_text(Path(path).read_text(encoding="utf-8"), version)
