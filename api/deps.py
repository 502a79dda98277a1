"""Request dependencies: a database session, and the actor behind the bearer token."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from .auth import Actor, find_actor
from .problems import ApiProblem

bearer = HTTPBearer(auto_error=False, description="a token from `kaoping token create`")


def get_session(request: Request) -> Iterator[Session]:
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


def current_actor(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer), session: Session = Depends(get_session)
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiProblem(
            401, "Not authenticated", "send 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"}
        )
    actor = find_actor(session, credentials.credentials)
    if actor is None:
        raise ApiProblem(401, "Invalid token", "the token is unknown", headers={"WWW-Authenticate": "Bearer"})
    return actor


def require(*roles: str):
    """A dependency that lets through the given roles (admin always)."""

    def check(actor: Actor = Depends(current_actor)) -> Actor:
        if actor.role != "admin" and actor.role not in roles:
            raise ApiProblem(403, "Forbidden", f"this needs the role {' or '.join(roles)}; you are {actor.role}")
        return actor

    return check


ANYONE = ("editor", "submitter", "auditor")
