"""Read a ruleset from YAML or JSON text and refuse it whole if anything is wrong.

Numbers are read as exact decimals straight from the text (never via binary
floats). Structural problems (pydantic), semantic ones (engine.semantics) and the
engine's limits (engine.compiler) are all reported with their element paths.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .compiler import CompiledRuleset, compile_ruleset
from .errors import EngineLimitError, RulesetError, RulesetProblem
from .model import Ruleset
from .semantics import SemanticChecker


class _DecimalLoader(yaml.SafeLoader):
    """YAML with floats read as exact decimals."""


def _decimal(loader: yaml.SafeLoader, node: yaml.Node) -> Decimal:
    text = loader.construct_scalar(node).replace("_", "")
    lowered = text.lower()
    if lowered in (".inf", "+.inf", "-.inf", ".nan"):
        return Decimal("NaN")
    return Decimal(text)


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", _decimal)


def parse_document(text: str, name: str = "ruleset") -> Any:
    """Parse YAML or JSON text (JSON is YAML) with exact decimals; RulesetError names
    the line and column of a syntax error."""
    try:
        return yaml.load(text, Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass
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


def path_of(location: tuple) -> str:
    """('dimensions', 0, 'indicators', 2) -> 'dimensions[0].indicators[2]'."""
    text = ""
    for part in location:
        if isinstance(part, int):
            text += f"[{part}]"
        elif (
            part
            in (
                "str",
                "GradeCap",
                "ClassWeights",
                "decimal",
                "function-after[_parse_expression(), Expression]",
            )
            or isinstance(part, str)
            and ("[" in part and "]" in part and "'" in part or part.startswith("literal["))
        ):
            continue
        else:
            text += ("." if text else "") + str(part)
    return text or "(ruleset)"


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
    try:
        model = Ruleset.model_validate(data)
    except ValidationError as error:
        raise RulesetError(_pydantic_problems(error)) from None
    problems = SemanticChecker(model).run()
    if problems:
        raise RulesetError(problems)
    return model


def load_text(text: str, version: int | str | None = None) -> LoadedRuleset:
    data = parse_document(text)
    model = check_model(data)
    try:
        compiled = compile_ruleset(model)
    except EngineLimitError as error:
        raise RulesetError([RulesetProblem(path="(engine limits)", message=str(error))]) from None
    return LoadedRuleset(model, compiled, text, content_hash(data), version)


def load_file(path: str | Path, version: int | str | None = None) -> LoadedRuleset:
    return load_text(Path(path).read_text(encoding="utf-8"), version)
