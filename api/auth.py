"""Who is asking: the user behind a bearer token, with the grants they hold.

Tokens are stored as SHA-256 hashes and shown once. A process remembers a token it
has looked up for at most CACHE_SECONDS, then reads its row again: a revoked or
expired token, or a revoked grant, stops working in every process within a second.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.messages import CATALOGUE, listing, say

from .tables import Grant, Token, Unit, User

ROLES = ("admin", "editor", "submitter", "reviewer", "auditor")
CACHE_SECONDS = 0.5  # well inside the promise that a revocation counts within a second


@dataclass(frozen=True)
class Reach:
    """One grant as its holder acts with it: a role on the subtree at `path` (None: everywhere)."""

    role: str
    unit: str | None
    path: str | None


@dataclass(frozen=True)
class Actor:
    token_id: int
    name: str
    grants: tuple[Reach, ...]
    user_id: int | None = None
    expires_at: datetime | None = None

    @property
    def roles(self) -> tuple[str, ...]:
        return tuple(sorted({g.role for g in self.grants}))

    @property
    def label(self) -> str:
        return f"{self.name} ({'/'.join(self.roles) or '无角色'})"

    def holds(self, *roles: str) -> bool:
        return any(g.role == "admin" or g.role in roles for g in self.grants)

    def paths(self, *roles: str) -> list[str | None]:
        """The subtrees where this actor has one of the roles (admin counts for all);
        None stands for the whole tree. No roles given: any role."""
        return [g.path for g in self.grants if not roles or g.role == "admin" or g.role in roles]


def system_actor(name: str) -> Actor:
    """An operator at the command line: an administrator of the whole tree, not a user."""
    return Actor(token_id=0, name=name, grants=(Reach("admin", None, None),))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


_known: dict[str, tuple[float, Actor]] = {}


def known_actor(token: str) -> Actor | None:
    """The actor behind a token this process looked up less than CACHE_SECONDS ago."""
    entry = _known.get(hash_token(token))
    if entry is None or time.monotonic() - entry[0] > CACHE_SECONDS:
        return None
    actor = entry[1]
    if actor.expires_at is not None and actor.expires_at <= datetime.now(UTC):
        return None
    return actor


def forget(token_id: int) -> None:
    """A token revoked here stops working here at once (other processes within a second)."""
    for digest, (_, actor) in list(_known.items()):
        if actor.token_id == token_id:
            _known.pop(digest, None)


def verified_token_id(token: str) -> int | None:
    """The id of a token this process has verified, however long ago (for the rate
    limit's buckets; whether it still counts is decided where it is used)."""
    entry = _known.get(hash_token(token))
    return entry[1].token_id if entry is not None else None


def find_actor(session: Session, token: str) -> Actor | None:
    """The actor behind a token, read from the database; None when the token is unknown,
    revoked or expired."""
    digest = hash_token(token)
    row = session.execute(
        select(Token, User.name).join(User, User.id == Token.user_id).where(Token.token_hash == digest)
    ).first()
    moment = datetime.now(UTC)
    if row is None or row[0].revoked_at is not None or (row[0].expires_at and row[0].expires_at <= moment):
        _known.pop(digest, None)
        return None
    token_row, user_name = row
    grants = grants_of(session, token_row.user_id)
    actor = Actor(token_row.id, user_name, grants, token_row.user_id, token_row.expires_at)
    _known[digest] = (time.monotonic(), actor)
    return actor


def grants_of(session: Session, user_id: int) -> tuple[Reach, ...]:
    rows = session.execute(
        select(Grant.role, Grant.unit_code, Unit.path)
        .outerjoin(Unit, Unit.code == Grant.unit_code)
        .where(Grant.user_id == user_id, Grant.revoked_at.is_(None))
        .order_by(Grant.id)
    )
    return tuple(Reach(role, unit, path) for role, unit, path in rows)


# ---------------------------------------------------------------- who acted, for people

# how the service stores who acted (Actor.label): "name (role/role)", role ids as the audit chain holds them
_STORED_LABEL = re.compile(r"^(?P<name>.*) \((?P<roles>[a-z_]+(?:/[a-z_]+)*)\)$")


def role_titles(roles) -> str:
    """Role ids as their Chinese titles (填报员、审核员), or 无角色."""
    return listing(say(f"role.{r}") if f"role.{r}" in CATALOGUE else r for r in roles) or say("role.none")


def readable_label(label: str | None) -> str:
    """A stored actor label as a clerk reads it, "张三 (审核员、审计员)"; any other text as it is."""
    found = _STORED_LABEL.match(label or "")
    if not found:
        return label or ""
    return f"{found['name']} ({role_titles(found['roles'].split('/'))})"
