"""Read a member points ruleset (one with `events:`) and refuse it whole if anything is
wrong, through the same reading, placing and wording of problems as any ruleset."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import RulesetError
from .limits import text_problem
from .loader import LoadedRuleset, check_model, checked_document, content_hash, is_points_refusal, load_text
from .points_compiler import CompiledPoints, compile_points
from .points_model import PointsRuleset
from .points_semantics import PointsChecker


@dataclass(frozen=True)
class LoadedPoints:
    """A checked, compiled member points ruleset with the text it came from."""

    model: PointsRuleset
    compiled: CompiledPoints
    text: str
    content_hash: str
    version: int | str | None = None

    @property
    def id(self) -> str:
        return self.model.id


def check_points_model(data: Any) -> PointsRuleset:
    return check_model(data, PointsRuleset, PointsChecker)


def load_points_text(text: str, version: int | str | None = None) -> LoadedPoints:
    """Load a member points ruleset; RulesetError lists every problem with its place."""
    model, compiled, document = checked_document(text, check_points_model, compile_points)
    return LoadedPoints(model, compiled, text, content_hash(document.data), version)


def load_points_file(path: str | Path, version: int | str | None = None) -> LoadedPoints:
    return load_points_text(_file_text(path), version)


def load_either(text: str, version: int | str | None = None) -> LoadedRuleset | LoadedPoints:
    """A scoring ruleset, or a member points ruleset (one with `events:`): the CLI and
    the service store and version both kinds alike."""
    try:
        return load_text(text, version=version)
    except RulesetError as error:
        if not is_points_refusal(error):
            raise
    return load_points_text(text, version)


def load_either_file(path: str | Path, version: int | str | None = None) -> LoadedRuleset | LoadedPoints:
    return load_either(_file_text(path), version)


def _file_text(path: str | Path) -> str:
    too_long = text_problem(Path(path).stat().st_size)
    if too_long is not None:
        raise RulesetError([too_long])
    return Path(path).read_text(encoding="utf-8")
