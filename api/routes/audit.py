"""The audit chain as a whole."""

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from .. import store
from ..auth import Actor
from ..deps import get_session, require
from ..jsonbody import StrictJsonRoute
from ..schemas import ChainVerifyReport

router = APIRouter(prefix="/audit", tags=["audit"], route_class=StrictJsonRoute)


@router.get(
    "/verify",
    response_model=ChainVerifyReport,
    summary="Walk the chain of score records and administrative events; report the first broken link",
)
def verify_chain(_: Actor = Depends(require("auditor")), session: Session = Depends(get_session)):
    report = store.verify_chain(session)
    return ChainVerifyReport(
        records=report.records,
        events=report.events,
        intact=report.intact,
        first_broken_seq=report.first_broken_seq,
        problem=report.problem,
    )
