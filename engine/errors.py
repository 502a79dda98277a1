"""Errors that carry every problem found, each with where it is and what was expected.

A ruleset or a submission is refused whole, so these errors hold lists: the person
fixing the file wants all problems at once, not one per attempt.
"""

from __future__ import annotations

from pydantic import BaseModel

from .messages import say


class RulesetProblem(BaseModel):
    """One mistake in a ruleset: the element path, what is wrong, the line and column
    where the element is written in the file, and for expressions the 1-based column
    in the expression text."""

    path: str
    message: str
    column: int | None = None
    line: int | None = None
    line_column: int | None = None

    def __str__(self) -> str:
        where = f"第 {self.line} 行 " if self.line else ""
        where += f"{self.path} (表达式第 {self.column} 个字符)" if self.column else self.path
        return f"{where}: {self.message}"


class InputProblem(BaseModel):
    """One mistake in a submission, with a code from the ruleset format; `message` is
    the whole sentence a person reads (the input's title and id, what was expected,
    what was given), in the reader's language."""

    code: str
    field: str
    message: str
    title: str | None = None
    expected: str | None = None
    got: str | None = None
    suggestion: str | None = None

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class KaopingError(Exception):
    """Base of every error the engine raises on purpose."""


class RulesetError(KaopingError):
    """A ruleset that cannot be loaded; `problems` lists every mistake found."""

    def __init__(self, problems: list[RulesetProblem]):
        self.problems = problems
        super().__init__("ruleset refused:\n" + "\n".join(f"  {p}" for p in problems))


class InputError(KaopingError):
    """A submission that cannot be scored; `problems` lists the mistakes found, `count`
    says how many there were in all (a flood of unknown fields is counted, not listed)."""

    def __init__(self, problems: list[InputProblem], count: int | None = None):
        self.problems = problems
        self.count = len(problems) if count is None else count
        super().__init__("submission refused:\n" + "\n".join(f"  {p}" for p in problems))


def undefined_error(field: str, where: str, column: int | None) -> InputError:
    """A submission refused because scoring it divides by zero at `where`."""
    at = say("where.column", column=column) if column else ""
    return InputError(
        [InputProblem(code="undefined", field=field, message=say("input.undefined", path=where, where=at))]
    )


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
