"""Phone calls to a case's person, started by staff or the team: Twilio calls them and asks /twilio/voice."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from server.auth import CaseManager
from server.rest.params import Id
from server.services import calls
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
    url = get_settings().public_base_url.rstrip("/") + "/twilio/voice"
    rung = await calls.ring(caller, case_id, url)
    if rung == "no_account":
        return JSONResponse({"detail": "Calls need a Twilio account. Nobody was called."}, status_code=503)
    if rung == "failed":
        return JSONResponse({"detail": "Twilio did not start the call. Please try again."}, status_code=502)
    return {"status": "calling"}
