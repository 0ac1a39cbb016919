"""Assessments: the team or an admin says when a council's assessment closed, which starts the retention clock."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from server.auth import CaseManager
from server.rest.params import Id
from server.services import assessments, texts
from server.settings import get_settings

router = APIRouter(prefix="/api/councils", tags=["councils"])


class ClosedOut(BaseModel):
    id: int
    name: str
    assessment_closed_at: str
    # From then on `make purge` removes the personal data of this council's cases.
    purge_after: str


@router.post("/{council_id}/close", response_model=ClosedOut)
async def close(council_id: Id, caller: CaseManager) -> ClosedOut:
    """Close the council's assessment (audited). Closing again keeps the first time, so the purge date never moves.

    An admin, or a team member given can_manage_cases; council staff do not close their own assessment. Everyone
    still waiting or part way is told, once, that we do not need to talk with them now (never anyone who said
    STOP, no or stop)."""
    if caller.role == "council_staff":
        raise HTTPException(403, "Your role cannot do this.")
    closed, outgoing = assessments.close(caller, council_id, get_settings().retention_days)
    await texts.send_all(outgoing)
    return ClosedOut.model_validate(closed)
