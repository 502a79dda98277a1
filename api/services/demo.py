"""A service to try on a fresh machine: the example tree of units, the shipped rulesets
in force, and one account per job (填报, 编辑 twice for four eyes, 审核, 审计, 管理) whose
passwords are made anew at each start and printed once, so a newcomer can sign in to the
pages at once. Nothing here is used by a real deployment."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from engine.messages import say

from ..auth import Actor
from . import people, units

ACCOUNTS = (  # name, role, what they do (the catalogue's words)
    ("demo-submitter", "submitter", "demo.submitter"),
    ("demo-editor", "editor", "demo.editor"),
    ("demo-editor2", "editor", "demo.second_editor"),
    ("demo-reviewer", "reviewer", "demo.reviewer"),
    ("demo-auditor", "auditor", "demo.auditor"),
    ("demo-admin", "admin", "demo.admin"),
)


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    duty: str
    password: str


def prepare(session: Session, actor: Actor, units_file: Path) -> list[Account]:
    """Imports the example units (unchanged ones stay as they are) and gives every demo
    account its role on the whole tree and a fresh password."""
    content = units_file.read_bytes()
    units.import_units(session, actor, units.read_file(units_file.name, content), units_file.name, content)
    accounts = []
    for name, role, duty in ACCOUNTS:
        password = secrets.token_urlsafe(9)
        if people.find_user(session, name) is None:
            people.create_user(session, actor, name, password)
        else:
            people.set_password(session, actor, name, password)
        held = people.grants_of_user(session, name)
        if not any(g.role == role and g.unit_code is None and g.revoked_at is None for g in held):
            people.add_grant(session, actor, name, role, None)
        accounts.append(Account(name, role, say(duty), password))
    session.commit()
    return accounts
