"""kaoping's engine: load an appraisal ruleset, score units, explain the results.

from engine import load_ruleset, score
ruleset = load_ruleset("rulesets/village-branch-stars.yaml")
result = score(ruleset, {"collective_income": 6.2, ...})
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .errors import InputError, InputProblem, KaopingError, RulesetError, RulesetProblem
from .grouped import scoring_options
from .inputs import validate_input
from .lean import Lean
from .loader import LoadedRuleset, load_file, load_text
from .matcher import DurableMatcher, Matcher
from .result import FilledInput, Reference, Result, UnitRef
from .scoring import score_values

__all__ = [
    "InputError",
    "InputProblem",
    "KaopingError",
    "Lean",
    "LoadedRuleset",
    "Result",
    "RulesetError",
    "RulesetProblem",
    "UnitRef",
    "load_ruleset",
    "score",
    "score_lean",
    "score_part",
]

_DURABLE = DurableMatcher()


def load_ruleset(source: str | Path, version: int | str | None = None) -> LoadedRuleset:
    """Load a ruleset from a file path, or from YAML/JSON text when given text."""
    if isinstance(source, Path) or _looks_like_path(source):
        return load_file(source, version)
    return load_text(source, version)


def _looks_like_path(source: str) -> bool:
    if "\n" in source or source.lstrip().startswith("{") or len(source) > 1024:
        return False
    try:
        return Path(source).is_file()
    except OSError:
        return False


def score(
    ruleset: LoadedRuleset,
    data: dict[str, Any],
    unit: UnitRef | dict | None = None,
    matcher: Matcher | None = None,
    filled: list[FilledInput] | None = None,
    reference: Reference | None = None,
) -> Result:
    """Score one unit's submission; InputError lists every problem with it. `filled`
    names the inputs the service filled from earlier records, for the explanation; a
    ruleset with relative indicators needs the unit's `reference` in a batch (engine.relative)."""
    return Result.model_validate(score_part(ruleset, data, unit, matcher, filled, reference))


def score_lean(
    ruleset: LoadedRuleset,
    data: dict[str, Any],
    unit: UnitRef | dict | None = None,
    matcher: Matcher | None = None,
    filled: list[FilledInput] | None = None,
    reference: Reference | None = None,
) -> Lean:
    """`score` without building the pydantic result: its JSON (the same bytes) and
    headline figures, for scoring and keeping many units (engine.lean)."""
    return Lean(score_part(ruleset, data, unit, matcher, filled, reference))


def score_part(
    ruleset: LoadedRuleset,
    data: dict[str, Any],
    unit: UnitRef | dict | None = None,
    matcher: Matcher | None = None,
    filled: list[FilledInput] | None = None,
    reference: Reference | None = None,
) -> dict[str, Any]:
    """`score`'s result as the plain dict its model dumps (python mode): what the batch
    pool reads its figures from and writes as JSON (engine.lean.result_json)."""
    values = validate_input(ruleset.model, data)
    options = scoring_options(ruleset, unit, filled, reference)
    return score_values(ruleset.compiled, values, matcher or _DURABLE, **options)
