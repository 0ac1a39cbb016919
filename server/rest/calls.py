"""Phone calls to a case's person, started by staff or the team: Twilio calls them and asks /twilio/voice."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from server import notify
from server.auth import CaseManager
from server.clients.twilio import SendError
from server.domain import audit, cases, consent
from server.domain.db import session_scope
from server.domain.errors import Conflict, InvalidInput
from server.rest.params import Id
from server.settings import get_settings

router = APIRouter(prefix="/api/cases", tags=["calls"])


class CallOut(BaseModel):
    status: str


@router.post(
    "/{case_id}/call",
    status_code=202,
    response_model=CallOut,
    responses={502: {"description": "Twilio did not start the call"}, 503: {"description": "No Twilio account"}},
)
async def call(case_id: Id, caller: CaseManager) -> Any:
    """Ask Twilio to call the case's phone; the call then runs through POST /twilio/voice."""
    with session_scope() as session:
        case = cases.get_for(session, caller, case_id)
        if not case.phone:
            raise InvalidInput("This case has no phone number to call.", "phone")
        current = consent.current(session, case.id)
        if current is not None and current.state in ("declined", "withdrawn"):
            raise Conflict("This person said they do not want to take part. We do not call them.")
        phone = case.phone
    gateway = notify.gateway()
    if gateway is None:
        return JSONResponse({"detail": "Calls need a Twilio account. Nobody was called."}, status_code=503)
    url = get_settings().public_base_url.rstrip("/") + "/twilio/voice"
    try:
        await run_in_threadpool(gateway.start_call, phone, url, None)
    except SendError as exc:
        with session_scope() as session:
            audit.append(session, caller.actor, "case.call_failed", case_id, {"error_code": exc.code})
        return JSONResponse({"detail": "Twilio did not start the call. Please try again."}, status_code=502)
    with session_scope() as session:
        audit.append(session, caller.actor, "case.called", case_id, {"channel": "voice"})
    return {"status": "calling"}
