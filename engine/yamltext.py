"""YAML written with decimals as their exact digits, the way the loader reads them back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import yaml


class _Dumper(yaml.SafeDumper):
    pass


def _decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.Node:
    text = str(value)
    tag = "tag:yaml.org,2002:float" if "." in text or "E" in text else "tag:yaml.org,2002:int"
    return dumper.represent_scalar(tag, text)


_Dumper.add_representer(Decimal, _decimal)


def dump(data: Any, flow: bool | None = None) -> str:
    """YAML text of `data` in its key order; `flow=True` writes it on one line."""
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100_000, default_flow_style=flow)
