"""Every size limit, in one place, each checked before the work it bounds: on rulesets,
and on batch files (docs/batches.md lists those).

A ruleset is text from outside; without limits a few kilobytes can make loading run
for minutes, exhaust memory or overflow Python's stack. Each limit is far above what
the shipped schemes need (`tests/hostile/test_rulesets.py` prints their maxima) and is
documented with its reason in docs/ruleset-limits.md. The engine's own limits (rules,
fields and facts) live in `engine.compiler`.
"""

from __future__ import annotations

from typing import Any

from .errors import RulesetProblem
from .messages import say

MAX_TEXT_BYTES = 1_000_000  # the ruleset's text, UTF-8
MAX_DOCUMENT_NODES = 50_000  # YAML values, counting what every alias (*name) repeats
MAX_DOCUMENT_DEPTH = 50  # mappings and lists inside each other
MAX_ID_LENGTH = 64
MAX_INDICATORS = 500  # in the whole ruleset
MAX_BANDS = 30  # per indicator
MAX_BALLOT_COUNTS = 400  # count inputs all ballots generate together (groups × choices)
MAX_EXPRESSION_CHARS = 1_000
MAX_EXPRESSION_DEPTH = 50  # brackets, operators, calls and conditionals inside each other
MAX_EXPRESSION_TERMS = 200  # names and values in one expression
MAX_IN_VALUES = 100  # values listed after one `in`
MAX_CONDITIONAL_DEPTH = 8  # `... if ... else ...` inside another one


def text_problem(size: int) -> RulesetProblem | None:
    """The ruleset's text is over MAX_TEXT_BYTES."""
    if size <= MAX_TEXT_BYTES:
        return None
    return RulesetProblem(
        path="(ruleset)",
        message=say("limit.text_bytes", size=size, limit=MAX_TEXT_BYTES),
    )


def structure_problems(data: Any) -> list[RulesetProblem]:
    """Counts of indicators and bands, read from the parsed document before any element
    is validated (validating first would do the work the limit is there to avoid)."""
    problems: list[RulesetProblem] = ballot_problems(data)
    dimensions = data.get("dimensions") if isinstance(data, dict) else None
    if not isinstance(dimensions, list):
        return problems
    total = 0
    for d, dimension in enumerate(dimensions):
        indicators = dimension.get("indicators") if isinstance(dimension, dict) else None
        if not isinstance(indicators, list):
            continue
        total += len(indicators)
        for i, indicator in enumerate(indicators):
            score = indicator.get("score") if isinstance(indicator, dict) else None
            bands = score.get("bands") if isinstance(score, dict) else None
            if isinstance(bands, list) and len(bands) > MAX_BANDS:
                problems.append(
                    RulesetProblem(
                        path=f"dimensions[{d}].indicators[{i}].score.bands",
                        message=say("limit.bands", count=len(bands), limit=MAX_BANDS),
                    )
                )
    if total > MAX_INDICATORS:
        problems.append(
            RulesetProblem(path="dimensions", message=say("limit.indicators", count=total, limit=MAX_INDICATORS))
        )
    return problems


def ballot_problems(data: Any) -> list[RulesetProblem]:
    """The count inputs the ballots would generate, groups × choices, counted on the parsed
    document: a few aliased lists would otherwise make millions of inputs."""
    ballots = data.get("ballots") if isinstance(data, dict) else None
    if not isinstance(ballots, list):
        return []
    counts = 0
    for ballot in ballots:
        if (
            isinstance(ballot, dict)
            and isinstance(ballot.get("groups"), list)
            and isinstance(ballot.get("choices"), list)
        ):
            counts += len(ballot["groups"]) * len(ballot["choices"])
    if counts <= MAX_BALLOT_COUNTS:
        return []
    return [RulesetProblem(path="ballots", message=say("limit.ballot_counts", count=counts, limit=MAX_BALLOT_COUNTS))]


# ---------------------------------------------------------------- batch files
# far above any real jurisdiction's file, low enough that a hostile file is refused in
# seconds, without the memory or time it was made to take

MAX_ROWS = 2_000_000  # rows of units after the header
MAX_COLUMNS = 1000
MAX_LINE_CHARS = 1024 * 1024  # one line of a CSV or JSON Lines file; a row is a few hundred
MAX_CELLS = 30_000_000  # cells of a worksheet, e.g. 750,000 units of 40 columns
MAX_UNCOMPRESSED_BYTES = 1024**3  # all parts of an .xlsx archive, inflated
MAX_RATIO = 100  # inflated / compressed size of an .xlsx part; spreadsheets reach 10 to 20
RATIO_FROM_BYTES = 10 * 1024**2  # smaller parts may compress as well as they like
