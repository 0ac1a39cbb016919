"""Phone calls to a case's person: who may be rung, and what happened when we tried (audited)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.domain import audit, cases, consent
from server.domain.errors import Conflict, InvalidInput
from server.domain.models import Case
from server.domain.tokens import Principal

REFUSED = ("declined", "withdrawn")


def number_to_ring(session: Session, principal: Principal, case_id: int) -> str:
    """The phone to call for a case the caller can see: never someone who said no or stopped, nor a case
    without a phone (InvalidInput, Conflict)."""
    case = cases.get_for(session, principal, case_id)
    if not case.phone:
        raise InvalidInput("This case has no phone number to call.", "phone")
    current = consent.current(session, case.id)
    if current is not None and current.state in REFUSED:
        raise Conflict("This person said they do not want to take part. We do not call them.")
    return case.phone


def started(session: Session, actor: str, case_id: int) -> None:
    audit.append(session, actor, "case.called", case_id, {"channel": "voice"})


def failed(session: Session, actor: str, case_id: int, error_code: int | None) -> None:
    audit.append(session, actor, "case.call_failed", case_id, {"error_code": error_code})


def ring_back_requested(session: Session, case_id: int, conversation_id: str) -> None:
    """The person on an inbound call asked us to ring them back, so their answer is taken on a call we place."""
    audit.append(session, "person:voice", "call.ring_back_requested", case_id, {"channel": "voice"})


def ring_back_number(session: Session, case_id: int) -> str | None:
    """The number on file for the case: the only number a call back goes to, whoever was on the line."""
    case = session.get(Case, case_id)
    return case.phone if case is not None else None
