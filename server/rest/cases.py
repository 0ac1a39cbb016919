"""Cases: councils load the people selected; staff see status for their own council only."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from server import closing_sender, invitations
from server.auth import Caller, CaseManager, CaseWriter
from server.domain import audit, cases, closing, reserves
from server.domain.cases import Theme
from server.domain.db import session_scope
from server.domain.errors import NotFound
from server.domain.models import iso
from server.domain.tokens import Principal
from server.rest.params import Id, IdField

router = APIRouter(prefix="/api/cases", tags=["cases"])


def shows_codes(caller: Principal) -> bool:
    """Invitation codes are for whoever posts the letters: the council, and admins. Not the team."""
    return caller.role != "team"


class CaseIn(BaseModel):
    council_id: IdField | None = None
    reference: str = Field(min_length=1, max_length=100)
    theme: Theme
    phone: str | None = Field(default=None, max_length=30)
    language: str = Field(default="en", max_length=10)
    priority: Literal["primary", "reserve"] = "primary"


class Consent(BaseModel):
    state: Literal["pending", "given", "declined", "withdrawn"]
    given_by: Literal["person", "representative"] | None
    at: str | None
    unsure: bool


class Invitation(BaseModel):
    status: str


class Closed(BaseModel):
    reason: Literal["completed", "not_needed", "handoff_cancelled", "assessment_closed"]
    # When the person was told (None: not told, because they said STOP, no or stop, or cannot be reached).
    told_at: str | None


class CaseOut(BaseModel):
    id: int
    council_id: int
    reference: str
    theme: str
    priority: str
    language: str
    # The code on the person's letter: for the council and admins; null for the team, who never need it.
    invite_code: str | None
    status: str
    consent: Consent
    advocate_involved: bool
    invitation: Invitation
    check_consent_at_start: bool
    # The pick the case came from (None: loaded directly), and whether its phone number is in yet.
    selection_id: int | None = None
    has_phone: bool = False
    closed: Closed | None = None
    created_at: str


@router.post("", status_code=201, response_model=CaseOut)
def create_case(body: CaseIn, caller: CaseManager) -> Any:
    with session_scope() as session:
        case = cases.create(
            session,
            caller,
            council_id=body.council_id,
            reference=body.reference,
            theme=body.theme,
            phone=body.phone,
            language=body.language,
            priority=body.priority,
        )
        return cases.view(session, case, shows_codes(caller))


class ContactIn(BaseModel):
    phone: str | None = Field(default=None, min_length=1, max_length=30)
    language: str | None = Field(default=None, min_length=1, max_length=10)


@router.patch("/{case_id}", response_model=CaseOut)
def add_contact(case_id: Id, body: ContactIn, caller: Caller) -> Any:
    """Council staff add the phone number and language of a case the team picked (409 for other cases)."""
    with session_scope() as session:
        case = cases.add_contact(session, caller, case_id, body.phone, body.language)
        return cases.view(session, case, shows_codes(caller))


@router.get("", response_model=list[CaseOut])
def list_cases(caller: Caller) -> Any:
    with session_scope() as session:
        return [cases.view(session, case, shows_codes(caller)) for case in cases.visible_to(session, caller)]


@router.get("/{case_id}", response_model=CaseOut)
def get_case(case_id: Id, caller: Caller) -> Any:
    with session_scope() as session:
        return cases.view(session, cases.get_for(session, caller, case_id), shows_codes(caller))


@router.post("/{case_id}/invite", response_model=CaseOut)
async def invite(case_id: Id, caller: CaseManager) -> Any:
    """Send the easy-read invitation by text (or to the local outbox when there is no Twilio account)."""
    await invitations.send(caller, case_id)
    with session_scope() as session:
        return cases.view(session, cases.get_for(session, caller, case_id), shows_codes(caller))


class AuditOut(BaseModel):
    at: str
    action: str
    actor: str


@router.get("/{case_id}/audit", response_model=list[AuditOut])
def case_audit(case_id: Id, caller: Caller) -> Any:
    """What happened to a case's consent and contact, in order; no personal data."""
    with session_scope() as session:
        case = cases.get_for(session, caller, case_id)
        return [{"at": iso(e.at), "action": e.action, "actor": e.actor} for e in audit.events_for(session, case.id)]


class ReserveOut(BaseModel):
    id: int
    reference: str
    theme: str
    for_case_id: int
    invitation: Invitation


@router.get("/{case_id}/reserve", response_model=ReserveOut)
def reserve(case_id: Id, caller: CaseWriter) -> Any:
    """The reserve proposed to replace this primary case (it said no, stopped, or has not answered in time), or 404.

    Invite it with `POST /api/cases/{reserve id}/invite`.
    """
    with session_scope() as session:
        case = cases.get_for(session, caller, case_id)
        # The no-answer rule depends on the clock: apply it now rather than wait for the next job run.
        reserves.propose_for(session, case)
        found = reserves.proposed_for(session, case.id)
        if found is None:
            raise NotFound("No reserve is proposed for this case.")
        return {
            "id": found.id,
            "reference": found.reference,
            "theme": found.theme,
            "for_case_id": case.id,
            "invitation": {"status": found.invite_status},
        }


@router.post("/{case_id}/not-needed", response_model=CaseOut)
async def not_needed(case_id: Id, caller: CaseWriter) -> Any:
    """We no longer need this person (a reserve invited but not needed): they are told once, in easy read, that we
    do not need to talk with them now and their care will not change. Never sent after STOP, no or stop."""
    with session_scope() as session:
        case = cases.get_for(session, caller, case_id)
        last = closing.close(session, case, "not_needed", caller.actor)
    await closing_sender.send([last])
    with session_scope() as session:
        return cases.view(session, cases.get_for(session, caller, case_id), shows_codes(caller))
