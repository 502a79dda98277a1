"""Bearer tokens with roles. Tokens are stored as SHA-256 hashes and shown once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from .tables import Token

ROLES = ("admin", "editor", "submitter", "auditor")


@dataclass(frozen=True)
class Actor:
    token_id: int
    name: str
    role: str

    @property
    def label(self) -> str:
        return f"{self.name} ({self.role})"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(session: Session, name: str, role: str) -> str:
    """Store a new token's hash and return the token itself (the only time it is seen)."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    token = "kp_" + secrets.token_urlsafe(32)
    session.add(Token(name=name, role=role, token_hash=hash_token(token), created_at=datetime.now(UTC)))
    session.commit()
    return token


_known: dict[str, Actor] = {}


def known_actor(token: str) -> Actor | None:
    """The actor behind a token this process has seen before, without the database."""
    return _known.get(hash_token(token))


def find_actor(session: Session, token: str) -> Actor | None:
    """The actor behind a token. Tokens are never changed once stored, so a token seen
    once is remembered by this process (unknown ones are looked up every time)."""
    digest = hash_token(token)
    actor = _known.get(digest)
    if actor is None:
        row = session.scalars(select(Token).where(Token.token_hash == digest)).first()
        if row is None:
            return None
        actor = _known.setdefault(digest, Actor(row.id, row.name, row.role))
    return actor
