"""Re-confirming consent a day or two before the meeting, because capacity can change.

`ask_due` sends the question; `flag_unanswered` marks cases where nobody answered, so the team checks consent
at the start of the meeting. Silence never changes consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import audit, consent, conversations
from server.domain.models import Case, Meeting

ASK_FROM = timedelta(days=1)
ASK_UNTIL = timedelta(days=2)
# After this long before the meeting, an unanswered question counts as no answer.
ANSWER_BY = timedelta(hours=12)


@dataclass(frozen=True)
class Due:
    """A re-confirmation to send: which case, to which number, about which meeting."""

    case_id: int
    meeting_id: int
    phone: str
    language: str
    at: datetime


def due(session: Session, now: datetime) -> list[Due]:
    """Meetings 1 to 2 days away whose person consented and has not been asked yet."""
    found = []
    for meeting in session.scalars(
        select(Meeting).where(Meeting.status == "scheduled", Meeting.reconfirm == "not_asked")
    ):
        if not (now + ASK_FROM <= meeting.at <= now + ASK_UNTIL):
            continue
        case = session.get(Case, meeting.case_id)
        current = consent.current(session, meeting.case_id)
        if case is None or current is None or current.state != "given":
            continue
        if not case.phone:
            # No channel we can reach them on first: the team checks at the start instead.
            _flag(session, case, meeting, "no_channel")
            continue
        found.append(Due(case.id, meeting.id, case.phone, case.language, meeting.at))
    return found


def asked(session: Session, item: Due, stage: str) -> None:
    """The question went out: their next text is read as the answer to it, at `stage` (the dialogue names it)."""
    meeting = session.get(Meeting, item.meeting_id)
    if meeting is None:
        return
    meeting.reconfirm = "asked"
    meeting.reminder_sent_at = datetime.now(tz=item.at.tzinfo)
    conversation = conversations.get_or_create(session, f"sms:{item.phone}", "sms", item.language, stage)
    case = session.get(Case, item.case_id)
    if conversation.case_id is None and case is not None:
        conversations.attach(session, conversation, case)
    conversations.move(session, conversation, conversations.Position(stage))
    audit.append(session, "system", "consent.reconfirm_asked", item.case_id, {"meeting_id": item.meeting_id})


def pending_meeting(session: Session, case_id: int) -> Meeting | None:
    return session.scalars(
        select(Meeting).where(Meeting.case_id == case_id, Meeting.status == "scheduled").order_by(Meeting.at)
    ).first()


def answered(session: Session, case_id: int, confirmed: bool, actor: str) -> None:
    meeting = pending_meeting(session, case_id)
    if meeting is not None:
        meeting.reconfirm = "confirmed" if confirmed else "declined"
        if not confirmed:
            meeting.status = "cancelled"
    case = session.get(Case, case_id)
    if case is not None and confirmed:
        case.check_consent_at_start = False
    session.flush()
    audit.append(session, actor, "consent.reconfirmed" if confirmed else "consent.reconfirm_declined", case_id, {})


def could_not_ask(session: Session, item: Due) -> None:
    case, meeting = session.get(Case, item.case_id), session.get(Meeting, item.meeting_id)
    if case is not None and meeting is not None:
        _flag(session, case, meeting, "not_delivered")


def _flag(session: Session, case: Case, meeting: Meeting, why: str) -> None:
    meeting.reconfirm = "no_answer"
    case.check_consent_at_start = True
    session.flush()
    audit.append(session, "system", "consent.check_at_start", case.id, {"meeting_id": meeting.id, "why": why})


def flag_unanswered(session: Session, now: datetime) -> int:
    """Questions nobody answered in time: flag the case for the team. Returns how many were flagged."""
    flagged = 0
    for meeting in session.scalars(select(Meeting).where(Meeting.status == "scheduled", Meeting.reconfirm == "asked")):
        if meeting.at - ANSWER_BY <= now:
            case = session.get(Case, meeting.case_id)
            if case is not None:
                _flag(session, case, meeting, "no_answer")
                flagged += 1
    return flagged
