"""The kinds of unit in an appraisal tree and the Chinese names people write for them:
a units file names a unit's kind with them, and a ruleset's stages name the level whose
grant holder acts (docs/stages.md)."""

from __future__ import annotations

from .messages import say

KINDS = {
    "province": ("省", "自治区", "直辖市"),
    "city": ("市", "州", "市州", "地区", "盟"),
    "county": ("县", "区", "县区", "旗", "县级市"),
    "township": ("乡", "镇", "乡镇", "街道"),
    "village": ("村", "社区"),
    "department": ("部门", "单位"),
    "team": ("工作队", "驻村工作队"),
    "cadre": ("干部",),
}
KIND_OF = {alias: kind for kind, aliases in KINDS.items() for alias in (kind, *aliases)}


def level_title(level: str) -> str:
    """A level as people read it: a Chinese name as the ruleset wrote it, an English kind
    (`township`) by its name in the reader's language."""
    return say(f"unit_kind.{level}") if level in KINDS else level
