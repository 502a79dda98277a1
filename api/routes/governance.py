"""People, grants, tokens and the tree of units over HTTP; the use cases are in api.services."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Path, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from .. import scope
from ..auth import ROLES, Actor
from ..clients import client_host
from ..deps import ANYONE, get_session, require
from ..jsonbody import StrictJsonRoute
from ..ratelimit import RESPONSES as RATE_LIMITED
from ..services import people, units
from ..tables import User

router = APIRouter(tags=["governance"], route_class=StrictJsonRoute)
THROTTLED = RATE_LIMITED[429]
RowId = Annotated[int, Path(ge=1, le=2_147_483_647, description="the row's id")]  # what both databases hold


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)
    days: float | None = Field(default=None, gt=0, le=3660, description="lifetime (default KAOPING_TOKEN_DAYS)")


class TokenOut(BaseModel):
    id: int
    user: str
    expires_at: datetime | None
    revoked_at: datetime | None = None
    token: str | None = Field(default=None, description="the token itself, shown only in the answer that issues it")


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    password: str | None = Field(default=None, min_length=1, max_length=1000)


class UserOut(BaseModel):
    id: int
    name: str
    created_at: datetime


class GrantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str = Field(min_length=1, max_length=200)
    role: str = Field(description=f"one of {', '.join(ROLES)}")
    unit: str | None = Field(default=None, max_length=64, description="the subtree's unit; null: the whole tree")


class GrantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    user_id: int
    role: str
    unit_code: str | None
    created_at: datetime
    created_by: str
    revoked_at: datetime | None


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    code: str
    name: str
    kind: str
    parent_code: str | None
    path: str


class UnitPage(BaseModel):
    total: int
    offset: int
    limit: int
    items: list[UnitOut]


class ImportOut(BaseModel):
    created: int
    updated: int
    moved: list[dict]
    unchanged: int


def _token_out(issued: people.Issued | None = None, row=None, user: str = "") -> TokenOut:
    row = row if row is not None else issued.row
    token = issued.token if issued is not None else None
    return TokenOut(id=row.id, user=user, expires_at=row.expires_at, revoked_at=row.revoked_at, token=token)


@router.post(
    "/auth/tokens",
    status_code=201,
    response_model=TokenOut,
    summary="Sign in: a new token for a user",
    responses={429: {**THROTTLED, "description": "too many failed sign-ins from this address or for this account"}},
)
def sign_in(body: SignIn, request: Request, session: Session = Depends(get_session)) -> TokenOut:
    days = body.days or request.app.state.settings.token_days
    throttle, client = request.app.state.auth_failures, client_host(request.scope)
    issued = people.sign_in_counted(session, throttle, client, body.user, body.password, days, f"{body.user} (sign-in)")
    return _token_out(issued, user=body.user)


@router.post(
    "/auth/tokens/{token_id}/revoke", response_model=TokenOut, summary="Revoke a token (yours, or any as admin)"
)
def revoke_token(token_id: RowId, actor: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    row = people.revoke_token(session, actor, token_id)
    return _token_out(row=row, user=session.get(User, row.user_id).name)


@router.post("/users", status_code=201, response_model=UserOut, summary="Create a user account")
def create_user(body: UserIn, actor: Actor = Depends(require("admin")), session: Session = Depends(get_session)):
    user = people.create_user(session, actor, body.name, body.password)
    return UserOut(id=user.id, name=user.name, created_at=user.created_at)


@router.post("/grants", status_code=201, response_model=GrantOut, summary="Grant a role on a unit's subtree")
def add_grant(body: GrantIn, actor: Actor = Depends(require("admin")), session: Session = Depends(get_session)):
    return GrantOut.model_validate(people.add_grant(session, actor, body.user, body.role, body.unit))


@router.post("/grants/{grant_id}/revoke", response_model=GrantOut, summary="Revoke a grant")
def revoke_grant(grant_id: RowId, actor: Actor = Depends(require("admin")), session: Session = Depends(get_session)):
    return GrantOut.model_validate(people.revoke_grant(session, actor, grant_id))


@router.get("/units", response_model=UnitPage, summary="The units of your subtrees, in tree order")
def list_units(
    under: str | None = Query(None, max_length=64, description="only this unit and those under it"),
    offset: int = Query(0, ge=0, le=2_147_483_647),
    limit: int = Query(100, ge=1, le=1000),
    actor: Actor = Depends(require(*ANYONE)),
    session: Session = Depends(get_session),
) -> UnitPage:
    total, rows = units.list_units(session, actor, under, offset, limit)
    return UnitPage(total=total, offset=offset, limit=limit, items=[UnitOut.model_validate(u) for u in rows])


@router.get("/units/{code}", response_model=UnitOut, summary="One unit of your subtrees")
def get_unit(code: str, actor: Actor = Depends(require(*ANYONE)), session: Session = Depends(get_session)):
    return UnitOut.model_validate(scope.unit(session, actor, code, field="code"))


@router.post(
    "/units/import",
    response_model=ImportOut,
    summary="Create, rename or move units from a .csv or .xlsx file (编码, 名称, 类型, 上级编码); all or nothing",
)
async def import_units(
    file: UploadFile = File(...),
    actor: Actor = Depends(require("admin")),
    session: Session = Depends(get_session),
) -> ImportOut:
    content = await file.read()
    filename = file.filename or "units.csv"

    def run():
        lines = units.read_file(filename, content)
        return units.import_units(session, actor, lines, filename, content)

    report = await run_in_threadpool(run)
    return ImportOut(
        created=len(report.created), updated=len(report.updated), moved=report.moved, unchanged=report.unchanged
    )
