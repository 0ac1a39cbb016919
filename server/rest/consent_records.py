"""The consent record download: a case's consent, who gave it, on which wording, and its whole history, as JSON."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from server.auth import Caller
from server.rest.params import Id
from server.services import consent_records
from server.settings import get_settings

router = APIRouter(prefix="/api/cases", tags=["cases"])


@router.get(
    "/{case_id}/consent-record",
    summary="Download the consent record (ISO/IEC TS 27560 fields)",
    responses={200: {"description": "Validates against server/schemas/consent_record.schema.json."}},
)
def download(case_id: Id, caller: Caller) -> JSONResponse:
    """Staff who can see the case (its council's staff, the team, an admin) can download its consent record."""
    body = consent_records.download(caller, case_id, get_settings().controller_name)
    filename = f"consent-record-case-{case_id}.json"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return JSONResponse(body, headers=headers)
