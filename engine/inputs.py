"""Check a unit's submission against the ruleset's inputs and normalize it.

Nothing reaches the rules engine unless it passed here: numbers become exact
`Decimal` (never numeric strings, floats, NaN or infinities), booleans stay
booleans (never "yes"), "NA" becomes the NA marker, and an absent optional input
takes its default. Every problem is reported at once.
"""

from __future__ import annotations

import difflib
import json
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .decimals import MAX_MAGNITUDE, canonical, clipped, exact_text, number_problem, plain, to_decimal
from .errors import InputError, InputProblem
from .expressions import NA
from .messages import listing, say, subject
from .model import InputSpec, Ruleset

NOT_APPLICABLE = "NA"
MAX_PROBLEMS = 100  # listed in full; beyond that only counted (100,000 unknown keys stay cheap)


def describe(spec: InputSpec) -> str:
    """What a valid value of this input looks like, in the reader's language."""
    if spec.type == "choice":
        text = say("expect.choice", choices=listing(spec.choices or ()))
    elif spec.type == "boolean":
        text = say("expect.boolean")
    elif spec.type == "text":
        text = say("expect.text")
    else:
        kind = say("expect.integer" if spec.type == "integer" else "expect.number")
        low = None if spec.min is None else plain(spec.min)
        high = None if spec.max is None else plain(spec.max)
        if low is not None and high is not None:
            text = say("expect.between", kind=kind, low=low, high=high)
        elif low is not None:
            text = say("expect.at_least", kind=kind, low=low)
        elif high is not None:
            text = say("expect.at_most", kind=kind, high=high)
        else:
            text = kind
    return say("expect.or_na", expected=text) if spec.na_allowed else text


def shown(value: Any) -> str:
    """A given value as the person wrote it, shortened when very long."""
    if isinstance(value, str):
        return f'"{clipped(value)}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return clipped(json.dumps(value, ensure_ascii=False, default=str))
    return clipped(value)


def _problem(code: str, name: str, spec: InputSpec, value: Any, **extra: str) -> InputProblem:
    expected, got = describe(spec), shown(value)
    key = "input.inexact" if "why" in extra else f"input.{code}"
    message = say(key, subject=subject(spec.title, name), expected=expected, got=got, **extra)
    return InputProblem(code=code, field=name, title=spec.title, message=message, expected=expected, got=got)


def check_value(name: str, spec: InputSpec, value: Any) -> InputProblem | None:
    """The problem with one given value, or None; see `normalize_value`."""
    return normalize_value(name, spec, value)[1]


def normalize_value(name: str, spec: InputSpec, value: Any) -> tuple[Any, InputProblem | None]:
    """(normalized value, None) or (None, the problem)."""
    if isinstance(value, str) and value == NOT_APPLICABLE:
        if spec.na_allowed:
            return NA, None
        return None, _problem("na_not_allowed", name, spec, value)
    if spec.type == "boolean":
        if isinstance(value, bool):
            return value, None
        return None, _problem("invalid_type", name, spec, value)
    if spec.type in ("choice", "text"):
        if not isinstance(value, str):
            return None, _problem("invalid_type", name, spec, value)
        if spec.type == "choice" and value not in (spec.choices or ()):
            return None, _problem("not_a_choice", name, spec, value)
        return value, None
    return _normalize_number(name, spec, value)


def _normalize_number(name: str, spec: InputSpec, value: Any) -> tuple[Any, InputProblem | None]:
    if type(value) is int and -MAX_MAGNITUDE < value < MAX_MAGNITUDE:  # the common case, quickly
        if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
            return None, _problem("out_of_range", name, spec, value)
        return Decimal(value), None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None, _problem("invalid_type", name, spec, value)
    number = to_decimal(value)
    problem = number_problem(number)
    if problem is not None:
        code = "out_of_range" if number.is_finite() and number.adjusted() >= 15 else "invalid_type"
        return None, _problem(code, name, spec, value, why=problem)
    if spec.type == "integer" and number != number.to_integral_value():
        return None, _problem("invalid_type", name, spec, value)
    if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
        return None, _problem("out_of_range", name, spec, value)
    return canonical(number), None


def validate_input(ruleset: Ruleset, data: Any) -> dict[str, Any]:
    """The normalized input of a submission, or InputError listing every problem."""
    if not isinstance(data, dict):
        got = shown(data)
        raise InputError(
            [InputProblem(code="invalid_type", field="", message=say("input.not_an_object", got=got), got=got)]
        )
    problems: dict[str, InputProblem] = {}
    values: dict[str, Any] = {}
    for name, spec in ruleset.inputs.items():
        if name not in data or data[name] is None:
            if spec.required:
                problems[name] = _problem("missing", name, spec, None)
            else:
                values[name] = NA if spec.default is None else normalize_value(name, spec, spec.default)[0]
            continue
        value, problem = normalize_value(name, spec, data[name])
        if problem is not None:
            problems[name] = problem
        else:
            values[name] = value
    unknown = [name for name in data if name not in ruleset.inputs]
    listed = list(problems.values())
    count = len(listed) + len(unknown)
    for name in unknown[: max(0, MAX_PROBLEMS - len(listed))]:
        problem, meant = _unknown(ruleset, str(name), data[name], problems)
        if meant in problems and problems[meant].code == "missing":
            # a misspelled field: one problem that names the input meant, not two unrelated ones
            listed.remove(problems.pop(meant))
            count -= 1
        listed.append(problem)
    if listed:
        raise InputError(listed, count=count)
    return values


def _unknown(ruleset: Ruleset, name: str, value: Any, problems: dict[str, InputProblem]) -> tuple[InputProblem, str]:
    """The problem of a field the ruleset does not declare, and the input it may have meant
    (a missing one first, then any)."""
    missing = [n for n, p in problems.items() if p.code == "missing"]
    meant = next(iter(difflib.get_close_matches(name, missing, n=1, cutoff=0.6)), None) or next(
        iter(difflib.get_close_matches(name, list(ruleset.inputs), n=1, cutoff=0.6)), ""
    )
    hint = say("hint.did_you_mean", name=subject(ruleset.inputs[meant].title, meant)) if meant else ""
    got = shown(value)
    message = say("input.unknown", given=clipped(name), hint=hint)
    problem = InputProblem(
        code="unknown_input", field=clipped(name), message=message, got=got, suggestion=meant or None
    )
    return problem, meant


def jsonable(values: dict[str, Any], ruleset: Ruleset) -> dict[str, Any]:
    """Normalized input as JSON values of their declared type: an integer input is a JSON
    integer, a number input a decimal string ("46.4", never a float), "NA" stays "NA"."""
    out: dict[str, Any] = {}
    inputs = ruleset.inputs
    for name, value in values.items():
        if value is NA:
            out[name] = NOT_APPLICABLE
        elif isinstance(value, Decimal):
            spec = inputs.get(name)
            out[name] = int(value) if spec is not None and spec.type == "integer" else plain(value)
        elif isinstance(value, Fraction):  # a ballot's rate that does not terminate
            out[name] = exact_text(value)
        else:
            out[name] = value
    return out
