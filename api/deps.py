"""Request dependencies: a database session, and the actor behind the bearer token.

They are coroutines, so FastAPI runs them on the event loop instead of handing each
to a worker thread and back (a hop per dependency costs more than the work): none of
them blocks, except a token's first lookup, which goes to a thread.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from .auth import Actor, find_actor, known_actor
from .problems import ApiProblem

bearer = HTTPBearer(auto_error=False, description="a token from `kaoping token create`")


async def get_session(request: Request) -> AsyncIterator[Session]:
    session = request.app.state.sessions()  # connects only when first used, in the handler's thread
    try:
        yield session
    finally:
        if session.in_transaction():  # giving back its connection talks to the database
            await run_in_threadpool(session.close)
        else:
            session.close()


async def current_actor(
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer), session: Session = Depends(get_session)
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiProblem(
            401, "Not authenticated", "send 'Authorization: Bearer <token>'", headers={"WWW-Authenticate": "Bearer"}
        )
    token = credentials.credentials
    actor = known_actor(token) or await run_in_threadpool(find_actor, session, token)
    if actor is None:
        raise ApiProblem(401, "Invalid token", "the token is unknown", headers={"WWW-Authenticate": "Bearer"})
    return actor


def require(*roles: str):
    """A dependency that lets through the given roles (admin always)."""

    async def check(actor: Actor = Depends(current_actor)) -> Actor:
        if actor.role != "admin" and actor.role not in roles:
            raise ApiProblem(403, "Forbidden", f"this needs the role {' or '.join(roles)}; you are {actor.role}")
        return actor

    return check


ANYONE = ("editor", "submitter", "auditor")
