"""Check a unit's submission against the ruleset's inputs and normalize it.

Nothing reaches the rules engine unless it passed here: numbers become exact
`Decimal` (never numeric strings, floats, NaN or infinities), booleans stay
booleans (never "yes"), "NA" becomes the NA marker, and an absent optional input
takes its default. Every problem is reported at once.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .decimals import MAX_MAGNITUDE, canonical, clipped, number_problem, plain, to_decimal
from .errors import InputError, InputProblem
from .expressions import NA
from .model import InputSpec, Ruleset

NOT_APPLICABLE = "NA"
MAX_PROBLEMS = 100  # listed in full; beyond that only counted (100,000 unknown keys stay cheap)


def describe(spec: InputSpec) -> str:
    """What a valid value of this input looks like, for error messages."""
    if spec.type == "choice":
        text = "one of " + ", ".join(spec.choices or ())
    elif spec.type == "boolean":
        text = "true or false"
    elif spec.type == "text":
        text = "text"
    else:
        text = "a whole number" if spec.type == "integer" else "a number"
        if spec.min is not None and spec.max is not None:
            text += f" from {plain(spec.min)} to {plain(spec.max)}"
        elif spec.min is not None:
            text += f" of at least {plain(spec.min)}"
        elif spec.max is not None:
            text += f" of at most {plain(spec.max)}"
    return text + (' or "NA"' if spec.na_allowed else "")


def _shown(value: Any) -> str:
    """A given value as the person wrote it, shortened when very long."""
    if isinstance(value, str):
        return f'"{clipped(value)}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return type(value).__name__
    return clipped(value)


def _problem(code: str, name: str, spec: InputSpec, value: Any, message: str) -> InputProblem:
    return InputProblem(code=code, field=name, message=message, expected=describe(spec), got=_shown(value))


def check_value(name: str, spec: InputSpec, value: Any) -> InputProblem | None:
    """The problem with one given value, or None; see `normalize_value`."""
    return normalize_value(name, spec, value)[1]


def normalize_value(name: str, spec: InputSpec, value: Any) -> tuple[Any, InputProblem | None]:
    """(normalized value, None) or (None, the problem)."""
    if isinstance(value, str) and value == NOT_APPLICABLE:
        if spec.na_allowed:
            return NA, None
        return None, _problem("na_not_allowed", name, spec, value, '"NA" is not allowed for this input')
    if spec.type == "boolean":
        if isinstance(value, bool):
            return value, None
        return None, _problem("invalid_type", name, spec, value, "must be true or false")
    if spec.type in ("choice", "text"):
        if not isinstance(value, str):
            return None, _problem("invalid_type", name, spec, value, "must be text")
        if spec.type == "choice" and value not in (spec.choices or ()):
            return None, _problem("not_a_choice", name, spec, value, "is not one of the choices")
        return value, None
    return _normalize_number(name, spec, value)


def _normalize_number(name: str, spec: InputSpec, value: Any) -> tuple[Any, InputProblem | None]:
    if type(value) is int and -MAX_MAGNITUDE < value < MAX_MAGNITUDE:  # the common case, quickly
        if (spec.min is not None and value < spec.min) or (spec.max is not None and value > spec.max):
            return None, _problem("out_of_range", name, spec, value, "is out of range")
        return Decimal(value), None
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None, _problem("invalid_type", name, spec, value, "must be a number")
    number = to_decimal(value)
    problem = number_problem(number)
    if problem is not None:
        code = "out_of_range" if number.is_finite() and number.adjusted() >= 15 else "invalid_type"
        return None, _problem(code, name, spec, value, f"无法精确计算: {problem}")
    if spec.type == "integer" and number != number.to_integral_value():
        return None, _problem("invalid_type", name, spec, value, "must be a whole number")
    if (spec.min is not None and number < spec.min) or (spec.max is not None and number > spec.max):
        return None, _problem("out_of_range", name, spec, value, "is out of range")
    return canonical(number), None


def validate_input(ruleset: Ruleset, data: Any) -> dict[str, Any]:
    """The normalized input of a submission, or InputError listing every problem."""
    if not isinstance(data, dict):
        raise InputError(
            [
                InputProblem(
                    code="invalid_type",
                    field="",
                    message="a submission is an object of input values",
                    expected="an object",
                    got=type(data).__name__,
                )
            ]
        )
    problems: list[InputProblem] = []
    values: dict[str, Any] = {}
    for name, spec in ruleset.inputs.items():
        if name not in data or data[name] is None:
            if spec.required:
                problems.append(_problem("missing", name, spec, None, "is required"))
            else:
                values[name] = NA if spec.default is None else normalize_value(name, spec, spec.default)[0]
            continue
        value, problem = normalize_value(name, spec, data[name])
        if problem is not None:
            problems.append(problem)
        else:
            values[name] = value
    unknown = [name for name in data if name not in ruleset.inputs]
    count = len(problems) + len(unknown)
    for name in unknown[: max(0, MAX_PROBLEMS - len(problems))]:
        problems.append(
            InputProblem(
                code="unknown_input",
                field=clipped(str(name)),
                message="is not an input of this ruleset",
                expected="one of the ruleset's inputs",
                got=_shown(data[name]),
            )
        )
    if problems:
        raise InputError(problems, count=count)
    return values


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
        else:
            out[name] = value
    return out
