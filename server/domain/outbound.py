"""Texts we send: the one value for a text to send (`Text`), recorded before sending, with where each got to, and
the numbers that said STOP.

The opt-out rules of texting live here: a number that said STOP (or any opt-out word) gets nothing more until it
says START; HELP is answered whatever the number's state; START lets texts through again, and is not consent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import audit
from server.domain.models import Case, OutboundMessage, SmsOptOut, utcnow

# Twilio's delivery statuses we act on; anything else is kept as it came.
FAILED = ("failed", "undelivered")
# Every status Twilio gives an outbound message, in its answer or a status callback (its Message resource).
TWILIO_STATUSES = (
    "queued",
    "accepted",
    "scheduled",
    "sending",
    "sent",
    "delivered",
    "read",
    "partially_delivered",
    "failed",
    "undelivered",
    "canceled",
)


@dataclass(frozen=True)
class Text:
    """A text to send: decided inside a unit of work, sent once it is saved (server.services.texts sends it outside
    the database session). `kind` says what it is ("invite", "confirmation", "closing", ...); `body` is the words,
    already in the shape of a text (easyread.sms_words)."""

    case_id: int
    kind: str
    to: str
    body: str


HELP_WORDS = frozenset({"HELP", "INFO"})
# After a STOP, Twilio takes these as opting back in. None of them is consent to take part.
START_WORDS = frozenset({"START", "UNSTOP", "YES"})


class TextRule(StrEnum):
    """How an incoming text is answered, before the conversation sees it."""

    HELP = "help"  # the help text, whatever the conversation is at
    STARTED = "started"  # a number that had opted out opts back in: told so, and texts go again
    SILENT = "silent"  # the number opted out: the text is kept, and nothing is sent back
    CONVERSATION = "conversation"  # the dialogue answers it


def rule_for_text(session: Session, phone: str, word: str, stop: bool) -> TextRule:
    """`word` is the text as one keyword (upper case, no punctuation); `stop` whether it is an opt-out word."""
    opted_out = is_opted_out(session, phone)
    if word in HELP_WORDS:
        return TextRule.HELP
    if opted_out and word in START_WORDS:
        return TextRule.STARTED
    if opted_out and not stop:
        # Nothing is sent to a number that said STOP until it says START; the message is still kept.
        return TextRule.SILENT
    return TextRule.CONVERSATION


def text_answered(session: Session, phone: str, case_id: int | None, rule: TextRule, stop: bool) -> None:
    """After a text was answered (once: never for a retry): START opts the number back in; an opt-out word, which the
    dialogue has just answered with a withdrawal or a decline, stops every text to the number."""
    if rule is TextRule.STARTED:
        opt_in(session, phone, case_id)
    elif rule is TextRule.CONVERSATION and stop:
        opt_out(session, phone, case_id)


def is_opted_out(session: Session, phone: str) -> bool:
    return session.get(SmsOptOut, phone) is not None


def opt_out(session: Session, phone: str, case_id: int | None) -> None:
    if session.get(SmsOptOut, phone) is None:
        session.add(SmsOptOut(phone=phone))
        session.flush()
        audit.append(session, "person:sms", "sms.opted_out", case_id, {})


def opt_in(session: Session, phone: str, case_id: int | None) -> bool:
    """True when the number had opted out (so this START changed something)."""
    row = session.get(SmsOptOut, phone)
    if row is None:
        return False
    session.delete(row)
    session.flush()
    audit.append(session, "person:sms", "sms.opted_in", case_id, {})
    return True


def record(session: Session, case: Case | None, kind: str, to: str, body: str) -> OutboundMessage:
    """A text about to be sent. A number that opted out gets nothing: the row is kept as blocked."""
    status = "blocked" if is_opted_out(session, to) else "sending"
    row = OutboundMessage(case_id=case.id if case else None, kind=kind, channel="sms", to=to, body=body, status=status)
    session.add(row)
    if case is not None and kind == "invite":
        case.invite_status = status
        if case.invited_at is None and status != "blocked":
            # The first invitation starts the clock for proposing a reserve when there is no answer.
            case.invited_at = utcnow()
    session.flush()
    return row


def mark(session: Session, message_id: int, status: str, sid: str | None = None, error_code: int | None = None) -> None:
    row = session.get(OutboundMessage, message_id)
    if row is None:
        return
    row.status = status
    row.provider_sid = sid or row.provider_sid
    row.error_code = error_code
    _update_case(session, row)


def delivery_status(session: Session, sid: str, status: str, error_code: int | None) -> bool:
    """A status callback from Twilio; False when the message is not ours."""
    row = session.scalars(select(OutboundMessage).where(OutboundMessage.provider_sid == sid)).first()
    if row is None:
        return False
    # Callbacks can arrive out of order: never let a late "sent" hide a "delivered" or a failure.
    if row.status in ("delivered", *FAILED) and status in ("queued", "sending", "sent"):
        return True
    row.status = status
    row.error_code = error_code
    _update_case(session, row)
    if status in FAILED and row.case_id is not None:
        audit.append(session, "twilio", f"sms.{status}", row.case_id, {"kind": row.kind, "error_code": error_code})
    return True


def _update_case(session: Session, row: OutboundMessage) -> None:
    if row.case_id is not None and row.kind == "invite":
        case = session.get(Case, row.case_id)
        if case is not None:
            case.invite_status = row.status
            if row.status not in ("blocked", *FAILED) and case.status == "created":
                case.status = "invited"
    session.flush()


def recent(session: Session, limit: int = 100) -> list[OutboundMessage]:
    return list(session.scalars(select(OutboundMessage).order_by(OutboundMessage.id.desc()).limit(limit)))
