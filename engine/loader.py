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

from .compiler import CompiledRuleset, compile_ruleset
from .errors import EngineLimitError, RulesetError, RulesetProblem
from .limits import MAX_DOCUMENT_DEPTH, MAX_DOCUMENT_NODES, structure_problems, text_problem
from .model import Ruleset
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
        raise yaml.constructor.ConstructorError(None, None, f"数 {text[:40]} 无法表示", node.start_mark) from None


def _integer(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    if len(node.value) > MAX_INTEGER_DIGITS:
        raise yaml.constructor.ConstructorError(
            None, None, f"整数有 {len(node.value)} 位, 超过上限 {MAX_INTEGER_DIGITS} 位", node.start_mark
        )
    return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)
_DecimalLoader.add_constructor("tag:yaml.org,2002:int", _integer)


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
                return (
                    f"第 {line} 行起的内容展开别名 (*) 后有 {size} 个值, 超过上限 {MAX_DOCUMENT_NODES} 个;"
                    " 锚点 (&) 与别名只宜复用小段内容"
                )
            if depth > MAX_DOCUMENT_DEPTH:
                return f"第 {line} 行起的内容嵌套 {depth} 层, 超过上限 {MAX_DOCUMENT_DEPTH} 层"
            continue
        if key in sizes:
            continue
        if key in entered:
            return f"第 {line} 行的别名 (*) 引用了包含它自己的锚点 (&), 展开后没有尽头"
        entered.add(key)
        stack.append((node, True))
        stack.extend((kid, False) for kid in _children(node) if id(kid) not in sizes)
    return None


def parse_document(text: str, name: str = "ruleset") -> Any:
    """Parse YAML or JSON text (JSON is YAML) with exact decimals; RulesetError names
    the line and column of a syntax error, and refuses a document that its aliases
    would expand beyond the limits before it is built."""
    loader = _DecimalLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        problem = expansion_problem(node)
        if problem is not None:
            raise RulesetError([RulesetProblem(path=name, message=problem)])
        return loader.construct_document(node)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise RulesetError(
            [
                RulesetProblem(
                    path=name,
                    message=f"not valid YAML or JSON{where}: {getattr(error, 'problem', None) or error}",
                )
            ]
        ) from None
    finally:
        loader.dispose()


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


def _pydantic_problems(error: ValidationError) -> list[RulesetProblem]:
    problems: list[RulesetProblem] = []
    seen: set[tuple[str, str]] = set()
    for item in error.errors():
        path = path_of(item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "is not a field of this element"
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


def check_model(data: Any) -> Ruleset:
    """Validate parsed data as a ruleset, listing every structural and semantic problem."""
    if not isinstance(data, dict):
        raise RulesetError([RulesetProblem(path="(ruleset)", message="a ruleset is a mapping of fields")])
    too_large = structure_problems(data)
    if too_large:
        raise RulesetError(too_large)
    try:
        model = Ruleset.model_validate(data)
    except ValidationError as error:
        raise RulesetError(_pydantic_problems(error)) from None
    problems = SemanticChecker(model).run()
    if problems:
        raise RulesetError(problems)
    return model


def load_text(text: str, version: int | str | None = None) -> LoadedRuleset:
    too_long = text_problem(len(text.encode("utf-8", "surrogatepass")))
    if too_long is not None:
        raise RulesetError([too_long])
    data = parse_document(text)
    model = check_model(data)
    try:
        compiled = compile_ruleset(model)
    except EngineLimitError as error:
        raise RulesetError([RulesetProblem(path="(engine limits)", message=str(error))]) from None
    return LoadedRuleset(model, compiled, text, content_hash(data), version)


def load_file(path: str | Path, version: int | str | None = None) -> LoadedRuleset:
    too_long = text_problem(Path(path).stat().st_size)  # before reading a file of any size
    if too_long is not None:
        raise RulesetError([too_long])
    return load_text(Path(path).read_text(encoding="utf-8"), version)
