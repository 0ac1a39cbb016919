"""A case's consent as a downloadable record, with the fields of an ISO/IEC TS 27560 consent record where they apply.

The record names the person only by a pseudonymous id and a representative only by their role: no phone numbers,
names or anything they typed. Its shape is kept as a JSON Schema in server/schemas/consent_record.schema.json.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import consent
from server.domain.models import Case, ConsentRecord, Meeting, NoticeVersion, iso, utcnow

SCHEMA_VERSION = "1.0"
STANDARD = "ISO/IEC TS 27560:2023"

PURPOSES = (
    {
        "id": "talk-with-assessment-team",
        "description": (
            "Talking with the assessment team (an inspector, sometimes with an Expert by Experience) about "
            "their experience of care and support, as part of case tracking in the council's assessment."
        ),
    },
    {
        "id": "look-at-care-information",
        "description": "Looking at information about their care, for that conversation.",
    },
)

PROCESSING_NOTE = (
    "This is agreement to take part in case tracking: to talk with the assessment team, and for information "
    "about their care to be looked at for that. It is not the legal basis for the council's sharing of records "
    "with the regulator, which has its own statutory basis."
)

WITHDRAWAL_METHOD = "Say or text STOP on any channel: phone, text message or web chat. It works at any time."
WITHDRAWAL_CHANNELS = ("voice", "sms", "web")

# How each kind of answer was taken: consent is recorded only after the answer is read back and confirmed.
METHODS = {
    "given": "answer read back and confirmed",
    "declined": "answer read back and confirmed",
    "withdrawn": "asked to stop; the withdrawal was confirmed back",
}


def record_id(case: Case) -> str:
    return f"urn:casetracking:consent-record:case-{case.id}"


def principal_id(case: Case) -> str:
    """Pseudonymous: it leads to the person only through the council's own list, never to a phone or a name."""
    return f"urn:casetracking:case-{case.id}"


def _event(row: ConsentRecord) -> dict[str, Any]:
    return {
        "id": row.id,
        "state": row.state,
        "at": iso(row.at),
        "channel": row.channel,
        "method": METHODS.get(row.state, "recorded"),
        "given_by": row.given_by,
        "representative_role": row.representative_role,
        "notice_version": row.notice_version,
    }


def _notice(session: Session, version: str) -> dict[str, Any] | None:
    notice = session.get(NoticeVersion, version)
    if notice is None:
        return None
    return {"version": notice.hash, "language": notice.language, "channel": notice.channel, "text": notice.text}


def _reconfirmation(session: Session, case: Case) -> dict[str, Any] | None:
    """From the case's newest meeting: a "no" at the reminder cancels it, and the record still shows that answer."""
    meeting = session.scalars(
        select(Meeting).where(Meeting.case_id == case.id).order_by(Meeting.id.desc()).limit(1)
    ).first()
    if meeting is None:
        return None
    return {
        "status": meeting.reconfirm,
        "asked_at": iso(meeting.reminder_sent_at) if meeting.reminder_sent_at else None,
        "meeting_at": iso(meeting.at),
        "meeting_status": meeting.status,
        "check_consent_at_start": case.check_consent_at_start,
    }


def build(session: Session, case: Case, controller_name: str) -> dict[str, Any]:
    history = consent.history(session, case.id)
    current = history[-1] if history else None
    return {
        "schema_version": SCHEMA_VERSION,
        "conforms_to": STANDARD,
        "record_id": record_id(case),
        "generated_at": iso(utcnow()),
        "pii_principal_id": principal_id(case),
        "controllers": [{"name": controller_name, "role": "controller"}],
        "purposes": [dict(purpose) for purpose in PURPOSES],
        "processing_note": PROCESSING_NOTE,
        "consent_type": "explicit",
        "notice": _notice(session, current.notice_version) if current else None,
        "state": current.state if current else "pending",
        "given_by": current.given_by if current else None,
        "representative_role": current.representative_role if current else None,
        "at": iso(current.at) if current else None,
        "how": {"channel": current.channel, "method": METHODS.get(current.state, "recorded")} if current else None,
        "withdrawal": {"method": WITHDRAWAL_METHOD, "channels": list(WITHDRAWAL_CHANNELS)},
        "history": [_event(row) for row in history],
        "reconfirmation": _reconfirmation(session, case),
    }
