"""Receipts, and the one check of a record against its recomputation.

A receipt is one self-contained JSON file for a score record: the record exactly as it
was hashed, its hash, the previous record's hash, the ruleset version's text and how to
check all of it. `kaoping verify RECEIPT` checks it offline, with no database; the
service's `POST /scores/{id}/verify` runs the same `recheck` on the stored record, so
both name the same differing fields: the record's hash, the ruleset's content hash, and
every stored field that the recomputation does not give back (the result, and the
columns beside it such as total, grade and status).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import TypeAdapter, ValidationError

from engine import KaopingError, LoadedRuleset, Result, load_ruleset, score
from engine.messages import say
from engine.quotas import QuotaDecision, apply_decision
from engine.result import FilledInput, Reference

from .recordhash import HASHED_FIELDS, hash_fields

FORMAT = "kaoping-receipt/1"
HOW_TO_CHECK = [
    "用 kaoping 核验: kaoping verify 本文件 (离线进行, 不需要数据库).",
    "记录哈希: record 中 hashed_fields 所列字段组成的 JSON (键排序, 无空格, 非 ASCII 字符原样, UTF-8) 的 SHA-256,"
    ' 即 Python 的 hashlib.sha256(json.dumps(字段, sort_keys=True, ensure_ascii=False, separators=(",", ":"))'
    ".encode()).hexdigest(), 应等于 record.record_hash.",
    "链接: record.prev_hash 是前一条记录的 record_hash; 第一条记录的是 64 个 0.",
    "规则集: ruleset.text 是评分时使用的版本原文, 其内容哈希应等于 record.content_hash.",
    "重算: 用该规则集对 record.input 重新评分, 结果应与 record.result 逐项相同.",
]
# stored columns and where the recomputed result says the same thing
COLUMNS: dict[str, Callable[[dict], Any]] = {
    "ruleset_id": lambda r: r["ruleset"]["id"],
    "version": lambda r: r["ruleset"]["version"],
    "content_hash": lambda r: r["ruleset"]["content_hash"],
    "engine_version": lambda r: r["engine"]["version"],
    "unit_id": lambda r: (r["unit"] or {}).get("id"),
    "unit_name": lambda r: (r["unit"] or {}).get("name"),
    "unit_parent": lambda r: (r["unit"] or {}).get("parent"),
    "normalized": lambda r: r["input"],
    "total": lambda r: r["total"],
    "grade": lambda r: (r["grade"] or {}).get("id"),
    "status": lambda r: r["status"],
}


class ReceiptError(KaopingError):
    """A file that is not a kaoping receipt, or lacks what a check needs."""


@dataclass
class Difference:
    path: str
    stored: Any
    recomputed: Any


@dataclass
class Check:
    """What a recheck found: every difference, and each hash compared."""

    record_hash_matches: bool
    ruleset_hash_matches: bool
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return self.record_hash_matches and self.ruleset_hash_matches and not self.differences


def differences(stored: Any, recomputed: Any, path: str = "") -> list[Difference]:
    """Every leaf where two JSON documents differ, by its path."""
    if isinstance(stored, dict) and isinstance(recomputed, dict):
        found = []
        for key in sorted(set(stored) | set(recomputed)):
            found += differences(stored.get(key), recomputed.get(key), f"{path}.{key}" if path else key)
        return found
    if isinstance(stored, list) and isinstance(recomputed, list) and len(stored) == len(recomputed):
        found = []
        for index, (a, b) in enumerate(zip(stored, recomputed, strict=True)):
            found += differences(a, b, f"{path}[{index}]")
        return found
    return [] if stored == recomputed else [Difference(path=path, stored=stored, recomputed=recomputed)]


def recheck(fields: dict[str, Any], ruleset: LoadedRuleset, requota: Callable[[Result], Result] | None) -> Check:
    """Recompute a record (its HASHED_FIELDS and record_hash) under its ruleset version.

    `requota` decides a batch unit's quotas again against its batch; without it (offline)
    the quota move the record states is applied to the recomputed unit, and a note says
    that the decision itself was not re-made."""
    check = Check(
        record_hash_matches=hash_fields({f: fields.get(f) for f in HASHED_FIELDS}) == fields.get("record_hash"),
        ruleset_hash_matches=ruleset.content_hash == fields.get("content_hash"),
    )
    unit = {"id": fields.get("unit_id"), "name": fields.get("unit_name"), "parent": fields.get("unit_parent")}
    stored = fields.get("result") or {}
    # relative indicators are recomputed against the reference the record holds
    reference = Reference.model_validate(stored["reference"]) if stored.get("reference") else None
    try:
        filled = _stated_filled(stored)
        result = score(ruleset, fields.get("input") or {}, unit=unit, filled=filled, reference=reference)
    except KaopingError as error:
        check.differences.append(Difference("result", "(stored result)", say("receipt.recompute_refused", error=error)))
        return check
    if fields.get("batch_id") is not None:
        if requota is not None:
            result = requota(result)
        elif stored.get("quota"):
            result = apply_decision(ruleset.model, result, _stated_decision(ruleset, stored))
            check.notes.append(say("receipt.quota_note"))
    recomputed = result.model_dump(mode="json")
    check.differences += differences(stored, recomputed, "result")
    for column, from_result in COLUMNS.items():
        if fields.get(column) != from_result(recomputed):
            check.differences.append(Difference(column, fields.get(column), from_result(recomputed)))
    return check


def _stated_filled(stored: dict) -> list[FilledInput] | None:
    """The inputs a stored result says the service filled from earlier records: a statement
    of the record, not recomputed (a malformed statement is left out, and so differs)."""
    try:
        return TypeAdapter(list[FilledInput]).validate_python(stored.get("filled_inputs") or [])
    except ValidationError:
        return None


def _stated_decision(ruleset: LoadedRuleset, stored: dict) -> QuotaDecision:
    """The quota move a stored result states, as a decision to apply again."""
    index_of = {grade.id: i for i, grade in enumerate(ruleset.model.grades)}
    drops = [(index_of[g["id"]], g["quota"]) for g in stored.get("grades_not_reached", []) if g.get("quota")]
    return QuotaDecision(stored["quota"]["from_grade"] or None, drops, bool(stored["quota"]["tie"]))


def build(fields: dict[str, Any], ruleset_text: str) -> dict[str, Any]:
    """The receipt of a record given as its HASHED_FIELDS and record_hash."""
    return {
        "format": FORMAT,
        "how_to_check": HOW_TO_CHECK,
        "hashed_fields": list(HASHED_FIELDS),
        "record": fields,
        "previous_record_hash": fields["prev_hash"],
        "ruleset": {
            "id": fields["ruleset_id"],
            "version": fields["version"],
            "content_hash": fields["content_hash"],
            "text": ruleset_text,
        },
    }


def check_receipt(document: Any) -> Check:
    """Check a receipt offline: its hash, its ruleset and its recomputation."""
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ReceiptError(say("receipt.not_a_receipt", format=FORMAT))
    fields, ruleset = document.get("record"), document.get("ruleset")
    if not isinstance(fields, dict) or not isinstance(ruleset, dict) or not isinstance(ruleset.get("text"), str):
        raise ReceiptError(say("receipt.incomplete"))
    missing = [name for name in (*HASHED_FIELDS, "record_hash") if name not in fields]
    if missing:
        raise ReceiptError(say("receipt.missing_fields", names=", ".join(missing)))
    loaded = load_ruleset(ruleset["text"], version=fields["version"])
    check = recheck(fields, loaded, requota=None)
    if document.get("previous_record_hash") != fields["prev_hash"]:
        check.differences.append(
            Difference("previous_record_hash", document.get("previous_record_hash"), fields["prev_hash"])
        )
    for name, column in (("id", "ruleset_id"), ("version", "version"), ("content_hash", "content_hash")):
        if ruleset.get(name) != fields[column]:
            check.differences.append(Difference(f"ruleset.{name}", ruleset.get(name), fields[column]))
    return check
