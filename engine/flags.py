"""Flags for the committee (extension): matters a ruleset raises when their conditions
hold, evaluated once the grade and the outputs are known.

A flag's condition may read what an output may (inputs, total, dimensions, indicators,
grade, outputs) and the vetoes: `vetoed` (some veto held) and each veto's id (that one
held); a declared element of the same name wins over a veto's id. Each raised flag
records the condition and the values it read, so its explanation can say why.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from .decimals import exact_text
from .errors import UndefinedValue, undefined_error
from .expressions import truth
from .inputs import jsonable
from .model import Ruleset


def flag_env(ruleset: Ruleset, env: dict[str, Any], vetoes: list[str]) -> dict[str, Any]:
    """The names a flag reads: the outputs' environment and the vetoes (the ids of those
    that hold) as truth values."""
    held = set(vetoes)
    return {"vetoed": bool(held), **{v.id: v.id in held for v in ruleset.vetoes}, **env}


def raise_flags(ruleset: Ruleset, env: dict[str, Any], vetoes: list[str]) -> list[dict[str, Any]]:
    """The declared flags whose conditions hold (unknown does not hold), in the order
    written, each the dict engine.result.FlagResult dumps."""
    names = flag_env(ruleset, env, vetoes)
    raised = []
    for index, flag in enumerate(ruleset.flags):
        try:
            held = truth(flag.when.root, names) is True
        except UndefinedValue as error:
            raise undefined_error(flag.id, f"flags[{index}].when", error.column) from None
        if held:
            read = {name: names[name] for name in flag.when.sorted_names}
            raised.append(
                {
                    "id": flag.id,
                    "title": flag.title,
                    "severity": flag.severity,
                    "advice": flag.advice,
                    "condition": flag.when.text,
                    "values": _shown(read, ruleset),
                }
            )
    return raised


def _shown(values: dict[str, Any], ruleset: Ruleset) -> dict[str, Any]:
    """Values as JSON: inputs of their declared type, figures in their exact text form."""
    plain = {name: exact_text(value) if isinstance(value, Fraction) else value for name, value in values.items()}
    return jsonable(plain, ruleset)
