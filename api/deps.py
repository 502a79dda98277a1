"""Request dependencies: a database session, and the actor behind the bearer token.

They are coroutines, so FastAPI runs them on the event loop instead of handing each
to a worker thread and back (a hop per dependency costs more than the work): none of
them blocks, except a token's lookup (at most twice a second per token), which goes
to a thread. Unknown tokens are throttled per client address.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from engine.messages import listing, say

from .auth import Actor, find_actor, known_actor
from .clients import client_host
from .problems import ApiProblem
from .services.throttle import too_many_failures

bearer = HTTPBearer(auto_error=False, description="a token from `kaoping token create` or POST /auth/tokens")


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
    request: Request,
    credentials: HTTPAuthorizationCredentials | None = Depends(bearer),
    session: Session = Depends(get_session),
) -> Actor:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiProblem(
            401,
            "Not authenticated",
            say("detail.not_authenticated"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return await actor_for_token(request, session, credentials.credentials)


async def actor_for_token(request: Request, session: Session, token: str) -> Actor:
    """The actor behind a token (a bearer header's or a page session's); unknown tokens
    are counted against the client and answered 401."""
    actor = known_actor(token)
    if actor is not None:
        return actor
    throttle, client = request.app.state.auth_failures, ("client", client_host(request.scope))
    wait = throttle.wait(client)
    if wait:
        raise too_many_failures(wait)
    actor = await run_in_threadpool(find_actor, session, token)
    if actor is None:
        throttle.failed(client)
        raise ApiProblem(401, "Invalid token", say("detail.invalid_token"), headers={"WWW-Authenticate": "Bearer"})
    return actor


def forbidden(actor: Actor, roles: tuple[str, ...]) -> ApiProblem:
    needed, yours = say("detail.or").join(roles), listing(actor.roles) or say("detail.none")
    return ApiProblem(403, "Forbidden", say("detail.forbidden_role", roles=needed, yours=yours))


def require(*roles: str):
    """A dependency that lets through holders of the given roles somewhere (admin always);
    where in the tree they hold them is decided by api.scope."""

    async def check(actor: Actor = Depends(current_actor)) -> Actor:
        if not actor.holds(*roles):
            raise forbidden(actor, roles)
        return actor

    return check


ANYONE = ("editor", "submitter", "reviewer", "auditor")
