"""Many units scored with their matching shared: each phase's facts of a group of units go
to durable_rules in one engine session (engine.matcher.fire_group) while the arithmetic
and explanation stay each unit's own (engine.scoring.scoring_steps). The results are the
ones `engine.score_part` gives unit by unit, to the byte (tests/test_grouped.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .errors import KaopingError
from .inputs import validate_input
from .loader import LoadedRuleset
from .matcher import fire_group
from .result import FilledInput, Reference, UnitRef
from .scoring import Part, Steps, scoring_steps

T = TypeVar("T")

GROUP = 100  # units a session: the session's cost is shared out, its facts stay small


def scoring_options(
    ruleset: LoadedRuleset,
    unit: UnitRef | dict | None = None,
    filled: list[FilledInput] | None = None,
    reference: Reference | None = None,
) -> dict[str, Any]:
    """scoring_steps' options for a unit of `ruleset` (a unit given as a dict made a UnitRef)."""
    return {
        "unit": UnitRef(**unit) if isinstance(unit, dict) else unit,
        "version": ruleset.version,
        "content_hash": ruleset.content_hash,
        "reference": reference,
        "filled": filled,
    }


def score_parts(
    ruleset: LoadedRuleset,
    units: Sequence[tuple[dict[str, Any], dict[str, Any]]],
    finish: Callable[[Part], T] = lambda part: part,
) -> list[T | KaopingError]:
    """Each unit's (data, scoring_options' keywords) scored: `finish` of its result's dict
    (called as soon as the unit is done, so a group's dicts need not all stay alive), or
    the error that refused it, in order; matched GROUP units a session."""
    found: list = []
    for start in range(0, len(units), GROUP):
        found += _group(ruleset, units[start : start + GROUP], finish)
    return found


def _group(ruleset: LoadedRuleset, units: Sequence[tuple[dict[str, Any], dict[str, Any]]], finish) -> list:
    found: list = [None] * len(units)
    waiting: dict[int, tuple[Steps, tuple[int, dict[str, Any]]]] = {}

    def step(key: int, steps: Steps, advance) -> None:
        try:
            waiting[key] = (steps, advance())
        except StopIteration as done:
            found[key] = finish(done.value)
        except KaopingError as error:
            found[key] = error.with_traceback(None)  # kept without its frames: no cycle to collect

    for key, (data, options) in enumerate(units):
        try:
            values = validate_input(ruleset.model, data)
        except KaopingError as error:
            found[key] = error.with_traceback(None)
            continue
        steps = scoring_steps(ruleset.compiled, values, **scoring_options(ruleset, **options))
        step(key, steps, steps.__next__)
    while waiting:
        fired = fire_group(ruleset.compiled, {key: asked for key, (_, asked) in waiting.items()})
        going, waiting = waiting, {}
        for key, (steps, _) in going.items():
            answer = fired[key]
            if isinstance(answer, KaopingError):
                found[key] = answer
                steps.close()
            else:
                step(key, steps, lambda s=steps, a=answer: s.send(a))
    return found
