"""Reasons in a clerk's words: conditions and amounts named by their Chinese titles.

A ruleset names inputs, indicators and dimensions by English ids; the people who read
an explanation know them by their titles (村集体经济年收入, not collective_income). An
expression's text is rewritten once per ruleset, with every name it reads replaced by
its title, and kept for every later unit.
"""

from __future__ import annotations

from .ballots import figure_titles
from .expressions import Name, parse, walk
from .model import Ruleset

SCORED_NAMES = {"total": "总分", "grade": "等次", "vetoed": "有否决项"}


class Wording:
    """The titles of one ruleset's names, and its expression texts in those titles."""

    def __init__(self, ruleset: Ruleset):
        titles = dict(SCORED_NAMES)
        titles.update({v.id: v.title for v in ruleset.vetoes})  # as flags read them; declared names win
        titles.update({d.id: d.title for d in ruleset.dimensions})
        titles.update({i.id: i.title for d in ruleset.dimensions for i in d.indicators})
        titles.update({name: spec.title or name for name, spec in ruleset.inputs.items()})
        titles.update({name: output.title or name for name, output in ruleset.outputs.items()})
        for ballot in ruleset.ballots:
            titles.update(figure_titles(ballot))
        self.titles = titles
        self._texts: dict[str, str] = {}

    def title(self, name: str) -> str:
        return self.titles.get(name, name)

    def text(self, expression_text: str) -> str:
        """An expression as written, its names replaced by their titles."""
        found = self._texts.get(expression_text)
        if found is None:
            found = self._texts[expression_text] = self._worded(expression_text)
        return found

    def _worded(self, text: str) -> str:
        names = sorted(
            ((node.column - 1, node.id) for node in walk(parse(text).root) if isinstance(node, Name)),
            reverse=True,
        )
        for start, name in names:
            if text[start : start + len(name)] == name and name in self.titles:
                text = text[:start] + self.titles[name] + text[start + len(name) :]
        return text
