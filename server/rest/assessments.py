"""Assessments: the team or an admin says when a council's assessment closed, which starts the retention clock."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from server import closing_sender
from server.auth import CaseManager
from server.domain import closing, retention
from server.domain.db import session_scope
from server.domain.models import iso
from server.rest.params import Id
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
    with session_scope() as session:
        council = retention.close_assessment(session, council_id, caller.actor)
        texts = [
            closing.close(session, case, "assessment_closed", caller.actor)
            for case in closing.waiting_or_part_way(session, council_id)
        ]
        closed_at = council.assessment_closed_at
        purge_after = retention.purge_after(council, get_settings().retention_days)
        assert closed_at is not None and purge_after is not None
        out = ClosedOut(
            id=council.id, name=council.name, assessment_closed_at=iso(closed_at), purge_after=iso(purge_after)
        )
    await closing_sender.send(list(texts))
    return out
