"""How a score record is hashed: the one definition the store, the receipts and an offline
check share.

A record's `record_hash` is the SHA-256 of the UTF-8 JSON of its HASHED_FIELDS, keys
sorted, no spaces, non-ASCII characters as they are (Python:
`json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))`). The
fields include the previous record's hash, which chains the records.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Any

import orjson

from engine.decimals import json_number, number_problem

GENESIS = "0" * 64  # the previous hash of the first record

# every field a record is trusted for; `record_hash` is computed over these
HASHED_FIELDS = (
    "seq",
    "id",
    "ruleset_id",
    "version",
    "content_hash",
    "engine_version",
    "unit_id",
    "unit_name",
    "unit_parent",
    "period",
    "input",
    "normalized",
    "result",
    "total",
    "grade",
    "status",
    "actor",
    "created_at",
    "supersedes",
    "batch_id",
    "batch_row",
    "prev_hash",
)


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        # a number no submission may hold (only a refused request's hash meets one) as its text
        return str(value) if number_problem(value) else json_number(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def canonical(data: Any) -> str:
    """Sorted, compact JSON; decimals as numbers (exact: inputs have at most 15 digits).

    orjson writes it: a record's hash covers its whole result, and the json module takes
    ten times as long. Integers beyond 64 bits, which orjson refuses (only a request's
    hash can meet one), are written by the json module."""
    try:
        return orjson.dumps(data, default=_json_default, option=orjson.OPT_SORT_KEYS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def hash_fields(fields: dict[str, Any]) -> str:
    return hashlib.sha256(canonical(fields).encode()).hexdigest()


# an administrative event shares the chain: the same sequence, the same rule, these fields
EVENT_FIELDS = ("seq", "id", "kind", "subject", "data", "actor", "created_at", "prev_hash")
