"""Helpers to build small rulesets in tests."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from engine import load_ruleset

ROOT = Path(__file__).resolve().parent.parent

BASE = {
    "kaoping": 1,
    "id": "tiny",
    "title": "小测试",
    "inputs": {
        "x": {"type": "number", "title": "X", "min": 0, "max": 100},
        "flag": {"type": "boolean", "title": "标志"},
    },
    "dimensions": [
        {
            "id": "main",
            "title": "主维度",
            "indicators": [
                {
                    "id": "level",
                    "title": "水平",
                    "points": 10,
                    "score": {
                        "bands": [
                            {"when": "x >= 80", "points": 10},
                            {"when": "x >= 60", "points": 6},
                            {"else": 0},
                        ]
                    },
                },
            ],
        }
    ],
    "grades": [
        {"id": "good", "title": "好", "min": 8},
        {"id": "ok", "title": "一般"},
    ],
}


def ruleset_dict(**changes) -> dict:
    data = copy.deepcopy(BASE)
    data.update(copy.deepcopy(changes))
    return data


def build(**changes):
    """Load a ruleset made from BASE with top-level fields replaced."""
    return build_from(ruleset_dict(**changes))


def build_from(data: dict):
    # Decimals in test data are written as JSON numbers (their shortest repr)
    return load_ruleset(json.dumps(data, ensure_ascii=False, default=float))


@pytest.fixture(scope="session")
def village():
    return load_ruleset(ROOT / "rulesets" / "village-branch-stars.yaml")
