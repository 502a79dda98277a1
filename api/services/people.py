"""People: user accounts with argon2-hashed passwords, their grants (a role on a
subtree) and their tokens (expiring, revocable). Every change is an event of the chain;
no token or password is ever part of one."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.messages import say

from .. import scope, store
from ..auth import ROLES, Actor, forget, hash_token
from ..problems import ApiProblem
from ..tables import Grant, Token, Unit, User
from .throttle import FailureThrottle, too_many_failures

_hasher = PasswordHasher()
_DUMMY = _hasher.hash("kaoping: the cost of a check for a name that does not exist")


def _check_admin(session: Session, actor: Actor, unit_code: str | None, field: str = "unit") -> None:
    """Administrators act within their own subtree."""
    if unit_code is None:
        if None not in actor.paths("admin"):
            raise ApiProblem(403, "Forbidden", say("detail.whole_tree_admin"))
        return
    scope.unit(session, actor, unit_code, "admin", field=field)


def find_user(session: Session, name: str) -> User | None:
    return session.scalars(select(User).where(User.name == name)).first()


def _user(session: Session, name: str) -> User:
    user = find_user(session, name)
    if user is None:
        raise ApiProblem(404, "Unknown user", say("detail.unknown_user", name=name))
    return user


def _weak_password() -> ApiProblem:
    message = say("detail.weak_password")
    return ApiProblem(422, "Weak password", message, [{"field": "password", "message": message}])


def create_user(session: Session, actor: Actor, name: str, password: str | None) -> User:
    if not actor.holds("admin"):
        raise ApiProblem(403, "Forbidden", say("detail.admin_only"))
    if password is not None and len(password) < 8:
        raise _weak_password()
    with store.chain_turn(session) as chain:
        if find_user(session, name) is not None:
            raise ApiProblem(409, "User exists", say("detail.user_exists", name=name))
        user = User(name=name, password_hash=_hasher.hash(password) if password else None, created_at=store.now())
        session.add(user)
        session.flush()
        chain.append("user.created", name, {"user_id": user.id, "password": password is not None}, actor)
    return user


def set_password(session: Session, actor: Actor, name: str, password: str) -> User:
    """An administrator of the whole tree sets a user's password (the event says that it
    was set, never what it is)."""
    if None not in actor.paths("admin"):
        raise ApiProblem(403, "Forbidden", say("detail.whole_tree_password"))
    if len(password) < 8:
        raise _weak_password()
    with store.chain_turn(session) as chain:
        user = _user(session, name)
        user.password_hash = _hasher.hash(password)
        chain.append("user.password_set", name, {"user_id": user.id}, actor)
    return user


def ensure_user(session: Session, actor: Actor, name: str) -> User:
    """The user of that name, created (without a password) when there is none."""
    return find_user(session, name) or create_user(session, actor, name, None)


def add_grant(session: Session, actor: Actor, user_name: str, role: str, unit_code: str | None) -> Grant:
    if role not in ROLES:
        message = say("detail.unknown_role", role=role, roles=", ".join(ROLES))
        raise ApiProblem(422, "Unknown role", message, [{"field": "role", "message": message}])
    _check_admin(session, actor, unit_code)
    user = _user(session, user_name)
    with store.chain_turn(session) as chain:
        _refuse_held(session, user, role, unit_code)
        grant = Grant(user_id=user.id, role=role, unit_code=unit_code, created_at=store.now(), created_by=actor.label)
        session.add(grant)
        session.flush()
        chain.append("grant.added", user_name, {"grant_id": grant.id, "role": role, "unit": unit_code}, actor)
    return grant


def _refuse_held(session: Session, user: User, role: str, unit_code: str | None) -> None:
    """The same grant twice would leave one in force after the other is revoked: refused."""
    on = Grant.unit_code.is_(None) if unit_code is None else Grant.unit_code == unit_code
    same = select(Grant).where(Grant.user_id == user.id, Grant.role == role, on, Grant.revoked_at.is_(None))
    held = session.scalars(same).first()
    if held is not None:
        where = unit_code or say("detail.whole_tree")
        message = say("detail.grant_exists", name=user.name, role=say(f"role.{role}"), unit=where, id=held.id)
        raise ApiProblem(409, "Grant exists", message)


def revoke_grant(session: Session, actor: Actor, grant_id: int) -> Grant:
    grant = session.get(Grant, grant_id)
    if grant is None or grant.revoked_at is not None:
        raise ApiProblem(404, "Unknown grant", say("detail.unknown_grant", id=grant_id))
    _check_admin(session, actor, grant.unit_code, field="grant")
    with store.chain_turn(session) as chain:
        grant = session.get(Grant, grant_id)
        grant.revoked_at = store.now()
        user = session.get(User, grant.user_id)
        chain.append(
            "grant.revoked", user.name, {"grant_id": grant_id, "role": grant.role, "unit": grant.unit_code}, actor
        )
    return grant


def grants_of_user(session: Session, user_name: str) -> list[Grant]:
    user = _user(session, user_name)
    return list(session.scalars(select(Grant).where(Grant.user_id == user.id).order_by(Grant.id)))


@dataclass
class Issued:
    """A new token: the row as stored, and the token itself, shown this once."""

    row: Token
    token: str


def issue_token(session: Session, actor: Actor, user: User, label: str, days: float) -> Issued:
    if not 0 < days <= 3660:
        message = say("detail.bad_lifetime", days=days)
        raise ApiProblem(422, "Bad lifetime", message, [{"field": "days", "message": message}])
    token = "kp_" + secrets.token_urlsafe(32)
    with store.chain_turn(session) as chain:
        moment = store.now()
        row = Token(
            user_id=user.id,
            name=label,
            token_hash=hash_token(token),
            created_at=moment,
            expires_at=moment + timedelta(days=days),
        )
        session.add(row)
        session.flush()
        chain.append("token.issued", user.name, {"token_id": row.id, "expires_at": row.expires_at.isoformat()}, actor)
    return Issued(row, token)


def token_for(session: Session, actor: Actor, name: str, role: str, unit_code: str | None, days: float) -> Issued:
    """What `kaoping token create` does: the user `name` (created if new) holding `role`
    on the unit's subtree (granted if not yet held), and a new token of theirs."""
    if unit_code is not None and session.get(Unit, unit_code) is None:
        raise scope.unknown_unit(unit_code, field="unit")
    user = ensure_user(session, actor, name)
    held = any(
        g.role == role and g.unit_code == unit_code and g.revoked_at is None for g in grants_of_user(session, name)
    )
    if not held:
        add_grant(session, actor, name, role, unit_code)
    return issue_token(session, actor, user, name, days)


def sign_in_counted(
    session: Session, throttle: FailureThrottle, client: str, name: str, password: str, days: float, label: str
) -> Issued:
    """A new token for a user who proves their password; failures are counted per client
    address and per account, and past the allowance refused for a while (429)."""
    keys = (("client", client), ("account", name))
    wait = throttle.wait(*keys)
    if wait:
        raise too_many_failures(wait)
    user = sign_in(session, name, password)
    if user is None:
        throttle.failed(*keys)
        raise ApiProblem(401, "Sign-in failed", say("detail.sign_in_failed"))
    return issue_token(session, signed_in_actor(user), user, label, days)


def signed_in_actor(user: User) -> Actor:
    """A user who has just proved their password, before any token of theirs exists."""
    return Actor(token_id=0, name=user.name, grants=(), user_id=user.id)


def sign_in(session: Session, name: str, password: str) -> User | None:
    """The user when the password is theirs; None otherwise, in about the same time."""
    user = find_user(session, name)
    try:
        _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    return user if user and user.password_hash else None


def revoke_token(session: Session, actor: Actor, token_id: int) -> Token:
    """A user revokes their own tokens; an administrator of the whole tree anyone's."""
    row = session.get(Token, token_id)
    if row is None or (row.user_id != actor.user_id and None not in actor.paths("admin")):
        raise ApiProblem(404, "Unknown token", say("detail.unknown_token", id=token_id))
    with store.chain_turn(session) as chain:
        row = session.get(Token, token_id)
        if row.revoked_at is None:
            row.revoked_at = store.now()
            user = session.get(User, row.user_id)
            chain.append("token.revoked", user.name, {"token_id": token_id}, actor)
    forget(token_id)
    return row
