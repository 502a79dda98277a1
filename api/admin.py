"""Operator tasks shared by the CLI: importing ruleset files into the store.

The operator at the command line acts as the system (an administrator of the whole
tree, no user): a ruleset it imports is published at once, its embedded tests still
required, in force for the periods given (default `*`: every period)."""

from __future__ import annotations

import getpass
from pathlib import Path

from sqlalchemy.orm import Session

from engine.points_loader import load_either_file

from . import store
from .auth import Actor, system_actor
from .services import versions


def cli_actor() -> Actor:
    return system_actor(f"cli:{getpass.getuser()}")


def import_rulesets(session: Session, paths: list[Path], periods: list[str] | None = None) -> list[str]:
    """Store each file: a new ruleset, or a new published version when its content
    differs from the latest version; unchanged files are left alone."""
    actor, report, periods = cli_actor(), [], periods or [versions.ANY_PERIOD]
    in_force = "all periods" if periods == [versions.ANY_PERIOD] else ", ".join(periods)
    for path in paths:
        loaded = load_either_file(path)  # a member points ruleset is stored like any
        existing = session.get(store.RulesetRow, loaded.id)
        if existing is None:
            versions.create_ruleset(session, loaded, actor, note=f"imported from {path.name}")
            versions.publish(session, loaded.id, 1, actor, periods)
            report.append(f"{loaded.id}: created, version 1 published (in force: {in_force})")
            continue
        latest = store.get_version(session, loaded.id, existing.latest_version)
        if latest.content_hash == loaded.content_hash:
            report.append(f"{loaded.id}: unchanged (version {latest.number})")
            continue
        version = versions.add_version(
            session, loaded.id, loaded, actor, existing.latest_version, f"imported from {path.name}"
        )
        versions.publish(session, loaded.id, version.number, actor, periods)
        report.append(f"{loaded.id}: version {version.number} added and published (in force: {in_force})")
    return report
