"""What a filler of inputs finds (api.services.filled): per unit and input, the value and
where it came from, or why the input cannot be filled and may not stay empty."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.result import FilledInput


@dataclass(frozen=True)
class Refusal:
    """An input that cannot be filled and may not stay empty (a yearly input whose
    quarters are missing): the submission is refused, a batch's row is an error row."""

    code: str
    message: str


class FillRefused(Exception):
    def __init__(self, name: str, refusal: Refusal):
        super().__init__(refusal.message)
        self.name, self.refusal = name, refusal


# per unit, per input: the value found and where it came from, or why it cannot be filled
Found = dict[str, dict[str, tuple[Any, FilledInput] | Refusal]]
