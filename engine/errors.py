"""Errors that carry every problem found, each with where it is and what was expected.

A ruleset or a submission is refused whole, so these errors hold lists: the person
fixing the file wants all problems at once, not one per attempt.
"""

from __future__ import annotations

from pydantic import BaseModel


class RulesetProblem(BaseModel):
    """One mistake in a ruleset: the element path, what is wrong, and for
    expressions the 1-based column in the expression text."""

    path: str
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = f"{self.path} (column {self.column})" if self.column else self.path
        return f"{where}: {self.message}"


class InputProblem(BaseModel):
    """One mistake in a submission, with a code from the ruleset format."""

    code: str
    field: str
    message: str
    expected: str | None = None
    got: str | None = None

    def __str__(self) -> str:
        return f"{self.field}: [{self.code}] {self.message}"


class KaopingError(Exception):
    """Base of every error the engine raises on purpose."""


class RulesetError(KaopingError):
    """A ruleset that cannot be loaded; `problems` lists every mistake found."""

    def __init__(self, problems: list[RulesetProblem]):
        self.problems = problems
        super().__init__("ruleset refused:\n" + "\n".join(f"  {p}" for p in problems))


class InputError(KaopingError):
    """A submission that cannot be scored; `problems` lists every mistake found."""

    def __init__(self, problems: list[InputProblem]):
        self.problems = problems
        super().__init__("submission refused:\n" + "\n".join(f"  {p}" for p in problems))


class ExpressionError(KaopingError):
    """A mistake inside one expression, located by column; the loader adds the path."""

    def __init__(self, message: str, column: int | None = None):
        self.message = message
        self.column = column
        super().__init__(message)


class UndefinedValue(KaopingError):
    """Arithmetic with no defined result (division by zero) while scoring a unit."""

    def __init__(self, column: int | None = None):
        self.column = column
        super().__init__("division by zero")


class EngineLimitError(KaopingError):
    """A compiled ruleset would break one of durable_rules' measured limits."""


class BatchFileError(KaopingError):
    """A batch file that cannot be read at all (not a row problem); the message, in
    Chinese, names the file and, where there is one, the row."""
