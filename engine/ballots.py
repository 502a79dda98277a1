"""Democratic review ballots (述职评议, 民主测评): counts in, rates and a weighted satisfaction out.

A ballot's counts are ordinary integer inputs, one per rater group and choice, named
`<ballot>__<group>__<choice>`, so that forms, batch columns, the service and verification
take them like any other input. Its figures are computed exactly (fractions, never floats)
before any condition runs, and expressions read them by dotted names such as
`review.satisfaction` or `review.group.masses.rate.unsatisfied`.
"""

from __future__ import annotations

import keyword
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .decimals import Exact, exact
from .errors import InputError, InputProblem, RulesetProblem
from .expressions import NA
from .limits import MAX_ID_LENGTH
from .messages import listing, say
from .model import Ballot, InputSpec, Ruleset
from .result import BallotGroupResult, BallotResult

SEPARATOR = "__"

# the words of generated titles: ruleset data, Chinese like the titles they are made of
FIGURE_WORDS = {
    "count_input": "{ballot}·{group}·{choice}票数",
    "ballots": "{ballot}总票数",
    "count": "{ballot}{choice}票数",
    "rate": "{ballot}{choice}票占比",
    "satisfaction": "{ballot}加权满意度",
    "group.ballots": "{ballot}{group}票数",
    "group.rate": "{ballot}{group}{choice}票占比",
    "group.satisfaction": "{ballot}{group}满意度",
}


def count_input(ballot: Ballot, group_id: str, choice_id: str) -> str:
    return f"{ballot.id}{SEPARATOR}{group_id}{SEPARATOR}{choice_id}"


def generated_inputs(ballot: Ballot) -> dict[str, InputSpec]:
    """The integer inputs (at least 0) a unit submits its ballot counts in."""
    return {
        count_input(ballot, group.id, choice.id): InputSpec(
            type="integer",
            title=FIGURE_WORDS["count_input"].format(ballot=ballot.title, group=group.title, choice=choice.title),
            min=Decimal(0),
        )
        for group in ballot.groups
        for choice in ballot.choices
    }


def with_ballot_inputs(model: Ruleset) -> tuple[Ruleset, list[RulesetProblem]]:
    """The ruleset with its ballots' count inputs added to `inputs`, and the problems of
    names that cannot be generated (too long, already declared, unusable in expressions)."""
    if not model.ballots:
        return model, []
    problems: list[RulesetProblem] = []
    inputs = dict(model.inputs)
    seen: dict[str, str] = {}
    for b, ballot in enumerate(model.ballots):
        path = f"ballots[{b}]"
        if ballot.id in seen:
            message = say("semantic.id_used", id=ballot.id, where=seen[ballot.id])
            problems.append(RulesetProblem(path=path, message=message))
            continue
        seen[ballot.id] = path
        parts = [(f"{path}.id", ballot.id)]
        parts += [(f"{path}.groups[{g}].id", group.id) for g, group in enumerate(ballot.groups)]
        parts += [(f"{path}.choices[{c}].id", choice.id) for c, choice in enumerate(ballot.choices)]
        for where, identifier in parts:
            if keyword.iskeyword(identifier) or SEPARATOR in identifier:
                problems.append(RulesetProblem(path=where, message=say("semantic.ballot_word", id=identifier)))
        for name, spec in generated_inputs(ballot).items():
            if len(name) > MAX_ID_LENGTH:
                message = say("semantic.ballot_input_long", name=name, limit=MAX_ID_LENGTH)
                problems.append(RulesetProblem(path=path, message=message))
            elif name in inputs:
                message = say("semantic.ballot_input_taken", name=name, ballot=path)
                problems.append(RulesetProblem(path=f"inputs.{name}", message=message))
            else:
                inputs[name] = spec
    return model.model_copy(update={"inputs": inputs}), problems


def figure_titles(ballot: Ballot) -> dict[str, str]:
    """Every figure name of a ballot that expressions may read, with its title."""
    words = FIGURE_WORDS
    b = ballot.title
    titles = {
        f"{ballot.id}.ballots": words["ballots"].format(ballot=b),
        f"{ballot.id}.satisfaction": words["satisfaction"].format(ballot=b),
    }
    for choice in ballot.choices:
        titles[f"{ballot.id}.count.{choice.id}"] = words["count"].format(ballot=b, choice=choice.title)
        titles[f"{ballot.id}.rate.{choice.id}"] = words["rate"].format(ballot=b, choice=choice.title)
    for group in ballot.groups:
        prefix = f"{ballot.id}.group.{group.id}"
        titles[f"{prefix}.ballots"] = words["group.ballots"].format(ballot=b, group=group.title)
        titles[f"{prefix}.satisfaction"] = words["group.satisfaction"].format(ballot=b, group=group.title)
        for choice in ballot.choices:
            titles[f"{prefix}.rate.{choice.id}"] = words["group.rate"].format(
                ballot=b, group=group.title, choice=choice.title
            )
    return titles


def may_be_na(ballot: Ballot, name: str) -> bool:
    """A group's rates and satisfaction are not applicable when the ballot leaves an
    empty group out (`empty_groups: reweight`)."""
    in_group = name.startswith(f"{ballot.id}.group.") and not name.endswith(".ballots")
    return ballot.empty_groups == "reweight" and in_group


def count_ballots(ruleset: Ruleset, values: dict[str, Any]) -> tuple[list[BallotResult], dict[str, Any]]:
    """Each ballot's figures from a unit's normalized counts, and the figures by name;
    InputError when a ballot cannot be counted (a group without ballots it must have)."""
    results: list[BallotResult] = []
    named: dict[str, Any] = {}
    problems: list[InputProblem] = []
    for ballot in ruleset.ballots:
        try:
            result = tally(ballot, values)
        except InputError as error:
            problems.extend(error.problems)
            continue
        results.append(result)
        named.update(figures(ballot, result))
    if problems:
        raise InputError(problems)
    return results, named


def tally(ballot: Ballot, values: dict[str, Any]) -> BallotResult:
    """One ballot counted: the arithmetic is in fractions, each figure kept exact."""
    counts = {g.id: {c.id: int(values[count_input(ballot, g.id, c.id)]) for c in ballot.choices} for g in ballot.groups}
    cast = {g.id: sum(counts[g.id].values()) for g in ballot.groups}
    empty = [g for g in ballot.groups if cast[g.id] == 0]
    if empty and (ballot.empty_groups == "refuse" or len(empty) == len(ballot.groups)):
        raise _no_ballots(ballot, empty)
    counted = [g for g in ballot.groups if cast[g.id] > 0]
    weight_of_counted = sum((g.share for g in counted), Fraction(0))
    if weight_of_counted == 0:
        raise _no_ballots(ballot, empty, weightless=counted)
    worth = {c.id: c.worth for c in ballot.choices}
    satisfaction = Fraction(0)
    groups = []
    for group in ballot.groups:
        n = cast[group.id]
        if n == 0:
            groups.append(_group(group, None, 0, counts[group.id], None, None))
            continue
        weight = group.share / weight_of_counted
        own = sum((worth[c] * k for c, k in counts[group.id].items()), Fraction(0)) / n
        satisfaction += weight * own
        rates = {c: exact(Fraction(k, n)) for c, k in counts[group.id].items()}
        groups.append(_group(group, exact(weight), n, counts[group.id], rates, exact(own)))
    everyone = sum(cast.values())
    totals = {c.id: sum(counts[g.id][c.id] for g in ballot.groups) for c in ballot.choices}
    return BallotResult(
        id=ballot.id,
        title=ballot.title,
        ballots=everyone,
        counts=totals,
        rates={c: exact(Fraction(k, everyone)) for c, k in totals.items()},
        satisfaction=exact(satisfaction),
        values={c: exact(v) for c, v in worth.items()},
        choices={c.id: c.title for c in ballot.choices},
        groups=groups,
    )


def _group(group, counted_weight: Exact | None, n: int, counts: dict[str, int], rates, own) -> BallotGroupResult:
    return BallotGroupResult(
        id=group.id,
        title=group.title,
        weight=exact(group.share),
        counted_weight=counted_weight,
        ballots=n,
        counts=counts,
        rates=rates,
        satisfaction=own,
    )


def _no_ballots(ballot: Ballot, empty, weightless=()) -> InputError:
    named = list(weightless) or empty
    field = count_input(ballot, named[0].id, ballot.choices[0].id)
    if weightless:
        message = say("input.ballot_weightless", ballot=ballot.title, groups=listing([g.title for g in weightless]))
    else:
        message = say("input.no_ballots", ballot=ballot.title, groups=listing([g.title for g in empty]))
    return InputError([InputProblem(code="no_ballots", field=field, title=ballot.title, message=message)])


def figures(ballot: Ballot, result: BallotResult) -> dict[str, Any]:
    """A counted ballot's figures by the names expressions read them by."""
    named: dict[str, Any] = {
        f"{ballot.id}.ballots": Decimal(result.ballots),
        f"{ballot.id}.satisfaction": result.satisfaction,
    }
    for choice, count in result.counts.items():
        named[f"{ballot.id}.count.{choice}"] = Decimal(count)
        named[f"{ballot.id}.rate.{choice}"] = result.rates[choice]
    for group in result.groups:
        prefix = f"{ballot.id}.group.{group.id}"
        named[f"{prefix}.ballots"] = Decimal(group.ballots)
        named[f"{prefix}.satisfaction"] = NA if group.satisfaction is None else group.satisfaction
        for choice in result.counts:
            named[f"{prefix}.rate.{choice}"] = NA if group.rates is None else group.rates[choice]
    return named
