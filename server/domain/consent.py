"""Consent to take part: append-only records, each pointing at the exact wording the person was shown."""

from __future__ import annotations

import hashlib

from sqlalchemy import ColumnElement, bindparam, func, select
from sqlalchemy.orm import Session

from server.domain import audit
from server.domain.errors import InvalidInput
from server.domain.models import Case, ConsentRecord, NoticeVersion

STATES = ("given", "declined", "withdrawn")
GIVERS = ("person", "representative")


def notice_version(session: Session, language: str, channel: str, text: str) -> str:
    """The hash of the wording shown; stored once, never changed, so old records keep their meaning."""
    digest = hashlib.sha256(f"{language}\n{channel}\n{text}".encode()).hexdigest()
    if session.get(NoticeVersion, digest) is None:
        session.add(NoticeVersion(hash=digest, language=language, channel=channel, text=text))
        session.flush()
    return digest


# Built once: every turn reads it (see server.domain.conversations).
_CURRENT = (
    select(ConsentRecord)
    .where(ConsentRecord.case_id == bindparam("case_id"))
    .order_by(ConsentRecord.id.desc())
    .limit(1)
)


_CURRENT_STATE = _CURRENT.with_only_columns(ConsentRecord.state)


def state_of_case() -> ColumnElement[str]:
    """The state of the case's latest record ("pending" before any), as SQL inside a statement that reads cases."""
    latest = (
        select(ConsentRecord.state)
        .where(ConsentRecord.case_id == Case.id)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
        .correlate(Case)
        .scalar_subquery()
    )
    return func.coalesce(latest, "pending")


def current(session: Session, case_id: int) -> ConsentRecord | None:
    return session.scalars(_CURRENT, {"case_id": case_id}).first()


def current_state(session: Session, case_id: int) -> str | None:
    """The latest record's state alone (None: no record yet): what every turn of a conversation looks at."""
    return session.scalars(_CURRENT_STATE, {"case_id": case_id}).first()


def record(
    session: Session,
    case: Case,
    *,
    state: str,
    given_by: str,
    notice: str,
    channel: str,
    conversation_id: str | None,
    actor: str,
    representative_role: str | None = None,
    caller_verified: bool | None = None,
) -> ConsentRecord:
    if state not in STATES:
        raise InvalidInput(f"Consent state must be one of {STATES}.")
    if given_by not in GIVERS:
        raise InvalidInput(f"given_by must be one of {GIVERS}.")
    row = ConsentRecord(
        case_id=case.id,
        state=state,
        given_by=given_by,
        representative_role=representative_role,
        notice_version=notice,
        channel=channel,
        conversation_id=conversation_id,
        caller_verified=caller_verified,
    )
    session.add(row)
    case.status = "answered"
    case.unsure = False
    session.flush()
    audit.append(
        session,
        actor,
        f"consent.{state}",
        case.id,
        {
            "record_id": row.id,
            "given_by": given_by,
            "channel": channel,
            "notice_version": notice,
            # On a call: whether we knew who was on the line (see ConsentRecord.caller_verified).
            **({} if caller_verified is None else {"caller_verified": caller_verified}),
        },
    )
    return row


def history(session: Session, case_id: int) -> list[ConsentRecord]:
    return list(
        session.scalars(select(ConsentRecord).where(ConsentRecord.case_id == case_id).order_by(ConsentRecord.id))
    )
