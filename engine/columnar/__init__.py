"""The columnar batch path: a ruleset's figures for every unit of a batch at
once, in exact integer column arithmetic. The per-unit durable_rules path stays the
engine of record: it writes every explanation and cross-checks a sample (docs/columnar.md)."""

from .figures import Figures, score_columns

__all__ = ["Figures", "score_columns"]
