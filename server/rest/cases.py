"""Cases: councils load the people selected; staff see status for their own council only."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from server.auth import Caller, CaseManager, CaseWriter
from server.domain.cases import Theme
from server.domain.errors import NotFound
from server.rest.params import Id, IdField
from server.services import cases, texts

router = APIRouter(prefix="/api/cases", tags=["cases"])


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
    # An answer given on a phone call: whether we knew who was on the line (a call we placed, or caller ID fully
    # attested). False: a stop on a call the person made, recorded at once; ring the number on file to check.
    # null when not given on a call.
    caller_verified: bool | None = None


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
    # The invitation link (<PUBLIC_BASE_URL>/start/<token>), for the same people as the code: it opens the person's
    # conversation and is never counted as a guess or refused.
    invite_link: str | None = None
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
    return cases.create(
        caller,
        council_id=body.council_id,
        reference=body.reference,
        theme=body.theme,
        phone=body.phone,
        language=body.language,
        priority=body.priority,
    )


class ContactIn(BaseModel):
    phone: str | None = Field(default=None, min_length=1, max_length=30)
    language: str | None = Field(default=None, min_length=1, max_length=10)


@router.patch("/{case_id}", response_model=CaseOut)
def add_contact(case_id: Id, body: ContactIn, caller: Caller) -> Any:
    """Council staff add the phone number and language of a case the team picked (409 for other cases)."""
    return cases.add_contact(caller, case_id, body.phone, body.language)


@router.get("", response_model=list[CaseOut])
def list_cases(caller: Caller) -> Any:
    return cases.listed(caller)


@router.get("/{case_id}", response_model=CaseOut)
def get_case(case_id: Id, caller: Caller) -> Any:
    return cases.shown(caller, case_id)


@router.post("/{case_id}/invite", response_model=CaseOut)
async def invite(case_id: Id, caller: CaseManager) -> Any:
    """Send the easy-read invitation by text (or to the local outbox when there is no Twilio account)."""
    await texts.send_all(cases.invite(caller, case_id))
    return cases.shown(caller, case_id)


class AuditOut(BaseModel):
    at: str
    action: str
    actor: str


@router.get("/{case_id}/audit", response_model=list[AuditOut])
def case_audit(case_id: Id, caller: Caller) -> Any:
    """What happened to a case's consent and contact, in order; no personal data."""
    return cases.audit_trail(caller, case_id)


class ReserveOut(BaseModel):
    id: int
    reference: str
    theme: str
    for_case_id: int
    invitation: Invitation


def _reserve_or_404(found: dict[str, object] | None) -> dict[str, object]:
    if found is None:
        raise NotFound("No reserve is proposed for this case.")
    return found


@router.get("/{case_id}/reserve", response_model=ReserveOut)
def reserve(case_id: Id, caller: CaseWriter) -> Any:
    """The reserve proposed to replace this primary case, or 404. Reads only: a refusal proposes one at once, the
    jobs apply the no-answer rule, and `POST` applies the rules now.

    Invite it with `POST /api/cases/{reserve id}/invite`.
    """
    return _reserve_or_404(cases.reserve(caller, case_id))


@router.post("/{case_id}/reserve", response_model=ReserveOut)
def propose_reserve(case_id: Id, caller: CaseWriter) -> Any:
    """Propose a reserve now if this primary case needs one (it said no, stopped, or has not answered in time: the
    no-answer rule depends on the clock), and return the one proposed, or 404 (audited when one is proposed)."""
    return _reserve_or_404(cases.propose_reserve(caller, case_id))


@router.post("/{case_id}/not-needed", response_model=CaseOut)
async def not_needed(case_id: Id, caller: CaseWriter) -> Any:
    """We no longer need this person (a reserve invited but not needed): they are told once, in easy read, that we
    do not need to talk with them now and their care will not change. Never sent after STOP, no or stop."""
    await texts.send_all(cases.not_needed(caller, case_id))
    return cases.shown(caller, case_id)
