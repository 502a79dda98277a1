"""The ballot figures the columnar path reads (engine.columnar.tally counts them): their
names, and which may be "NA"."""

from __future__ import annotations

from ..ballots import figure_titles, may_be_na
from ..model import Ruleset


def figure_names(model: Ruleset) -> frozenset[str]:
    """The names of every ballot figure expressions may read."""
    return frozenset(name for ballot in model.ballots for name in figure_titles(ballot))


def figure_may_be_na(model: Ruleset, name: str) -> bool:
    """Whether a ballot figure can be "NA" (a group left out by `empty_groups: reweight`)."""
    return any(may_be_na(ballot, name) for ballot in model.ballots if name.startswith(f"{ballot.id}."))
