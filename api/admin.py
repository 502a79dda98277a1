"""Operator tasks shared by the CLI: importing ruleset files into the store."""

from __future__ import annotations

import getpass
from pathlib import Path

from sqlalchemy.orm import Session

from engine import load_ruleset

from . import store
from .auth import Actor


def cli_actor() -> Actor:
    return Actor(token_id=0, name=f"cli:{getpass.getuser()}", role="admin")


def import_rulesets(session: Session, paths: list[Path]) -> list[str]:
    """Store each file: a new ruleset, or a new published version when its content
    differs from the latest version; unchanged files are left alone."""
    actor, report = cli_actor(), []
    for path in paths:
        loaded = load_ruleset(path)
        existing = session.get(store.RulesetRow, loaded.id)
        if existing is None:
            store.create_ruleset(session, loaded, actor, note=f"imported from {path.name}")
            report.append(f"{loaded.id}: created, version 1 published")
            continue
        latest = store.get_version(session, loaded.id, existing.latest_version)
        if latest.content_hash == loaded.content_hash:
            report.append(f"{loaded.id}: unchanged (version {latest.number})")
            continue
        version = store.add_version(
            session, loaded.id, loaded, actor, existing.latest_version, f"imported from {path.name}"
        )
        store.publish(session, loaded.id, version.number, actor)
        report.append(f"{loaded.id}: version {version.number} added and published")
    return report
