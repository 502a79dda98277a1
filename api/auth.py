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


def find_actor(session: Session, token: str) -> Actor | None:
    row = session.scalars(select(Token).where(Token.token_hash == hash_token(token))).first()
    return None if row is None else Actor(row.id, row.name, row.role)
