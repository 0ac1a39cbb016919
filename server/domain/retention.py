"""Retention: when a council's assessment closes, and removing its cases' personal data a set number of days later.

Purging removes phone numbers, representatives' names and contacts, and everything people typed or were sent, and
deletes conversations whose id carries a phone number ("sms:+44...", "voice:+44..."). It keeps what counts
anonymously (the case rows with theme, priority and status; every consent record's state, time and channel) and
never touches audit events: it adds one per purged case, with counts only, so the chain stays verifiable.

Conversations never tied to a case (a wrong code, a helper's number) have no assessment to wait for: they go, with
their messages, once nobody has written in them for the retention period; so do the hashed records of code
attempts. The words a purged person gave are handed back (PurgeReport.personal_words, never printed) so that
`make purge` can delete the spoken prompts that repeat them (easyread.audio.AudioCache.forget_words).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from server.domain import audit, councils
from server.domain.models import (
    Case,
    CodeAttempt,
    ConsentRecord,
    Conversation,
    Council,
    Handoff,
    Meeting,
    Message,
    OutboundMessage,
    Preferences,
    Representative,
    SmsOptOut,
    as_utc,
    utcnow,
)

# A conversation id with a run of 7 or more digits holds a phone number (texts and calls are keyed by the caller).
_PHONE_IN_ID = re.compile(r"\+?\d{7,}")


def close_assessment(session: Session, council_id: int, actor: str, now: datetime | None = None) -> Council:
    """Mark the council's assessment closed; closing again keeps the first time, so the purge date never moves."""
    council = councils.get(session, council_id)
    if council.assessment_closed_at is None:
        council.assessment_closed_at = now or utcnow()
        session.flush()
        audit.append(session, actor, "council.assessment_closed", None, {"council_id": council.id})
    return council


def purge_after(council: Council, retention_days: int) -> datetime | None:
    if council.assessment_closed_at is None:
        return None
    return council.assessment_closed_at + timedelta(days=retention_days)


@dataclass
class PurgeReport:
    cutoff: datetime
    cases: list[int] = field(default_factory=list)
    # How many of each kind of thing were cleared or deleted: numbers only, never what they held.
    counts: Counter[str] = field(default_factory=Counter)
    # What the purged people typed or gave (answers, names, contacts, numbers), only to find the spoken prompts
    # that repeat them. Personal data: never printed, logged or stored.
    personal_words: list[str] = field(default_factory=list, repr=False)


def due(session: Session, now: datetime, retention_days: int) -> list[Case]:
    """Cases not yet purged whose council's assessment closed more than `retention_days` days before `now`."""
    cutoff = as_utc(now) - timedelta(days=retention_days)
    closed = [
        c.id
        for c in session.scalars(select(Council).where(Council.assessment_closed_at.is_not(None)))
        if c.assessment_closed_at is not None and c.assessment_closed_at < cutoff
    ]
    if not closed:
        return []
    return list(
        session.scalars(select(Case).where(Case.council_id.in_(closed), Case.purged_at.is_(None)).order_by(Case.id))
    )


def purge(session: Session, now: datetime, retention_days: int, actor: str) -> PurgeReport:
    report = PurgeReport(cutoff=as_utc(now) - timedelta(days=retention_days))
    for case in due(session, now, retention_days):
        report.personal_words += words_of(session, case)
        counts = purge_case(session, case, actor, now)
        report.cases.append(case.id)
        report.counts.update(counts)
    purge_unlinked(session, report)
    return report


def words_of(session: Session, case: Case) -> list[str]:
    """Everything the case's person (or their helper) gave us in words, before it is cleared."""
    ids = list(session.scalars(select(Conversation.id).where(Conversation.case_id == case.id)))
    words = [case.phone or ""]
    words += session.scalars(select(Message.text).where(Message.conversation_id.in_(ids), Message.direction == "in"))
    for rep in session.scalars(select(Representative).where(Representative.case_id == case.id)):
        words += [rep.name or "", rep.contact or ""]
    for held in session.scalars(select(Conversation.held).where(Conversation.id.in_(ids))):
        words += [value or "" for value in (held or {}).values()]
    prefs = session.get(Preferences, case.id)
    if prefs is not None:
        words += [prefs.avoid_dates or "", prefs.interpreter_language or ""]
    for meeting in session.scalars(select(Meeting).where(Meeting.case_id == case.id)):
        words += [meeting.where or "", meeting.who or ""]
    return [w for w in words if w.strip()]


def purge_unlinked(session: Session, report: PurgeReport) -> None:
    """Conversations never tied to a case, quiet since before the cutoff, go with their messages; so do code
    attempts from before it (keyed hashes of numbers and addresses, only ever needed for an hour)."""
    cutoff = report.cutoff
    recent = select(Message.conversation_id).where(Message.at >= cutoff).distinct()
    stale = list(
        session.scalars(
            select(Conversation.id).where(
                Conversation.case_id.is_(None),
                func.coalesce(Conversation.updated_at, Conversation.created_at) < cutoff,
                Conversation.id.not_in(recent),
            )
        )
    )
    if stale:
        report.personal_words += [
            w for w in session.scalars(select(Message.text).where(Message.conversation_id.in_(stale))) if w.strip()
        ]
        report.counts["unlinked_messages_deleted"] += _rowcount(
            session.execute(delete(Message).where(Message.conversation_id.in_(stale)))
        )
        report.counts["unlinked_conversations_deleted"] += _rowcount(
            session.execute(delete(Conversation).where(Conversation.id.in_(stale)))
        )
    attempts = _rowcount(session.execute(delete(CodeAttempt).where(CodeAttempt.at < cutoff)))
    if attempts:
        report.counts["code_attempts_deleted"] += attempts


def purge_case(session: Session, case: Case, actor: str, now: datetime) -> Counter[str]:
    counts: Counter[str] = Counter()
    phone = case.phone

    # Conversations keyed by a phone number go, with their messages, once nothing points at them.
    linked = Conversation.case_id == case.id
    if phone:
        # A text or call from the case's number that never got linked to a case is the case's too.
        unlinked = Conversation.id.in_([f"sms:{phone}", f"voice:{phone}"]) & Conversation.case_id.is_(None)
        linked = or_(linked, unlinked)
    conversations = list(session.scalars(select(Conversation).where(linked)))
    keyed_by_phone = [c.id for c in conversations if _PHONE_IN_ID.search(c.id)]
    kept = [c.id for c in conversations if c.id not in keyed_by_phone]
    # Consent records and hand-offs keep their place but no longer name a conversation keyed by a phone number.
    for row in _pointing_at_conversations(session, case.id, keyed_by_phone):
        if row.conversation_id in keyed_by_phone or _PHONE_IN_ID.search(row.conversation_id or ""):
            row.conversation_id = None
            counts[f"{row.__tablename__}_unlinked"] += 1
    session.flush()
    if keyed_by_phone:
        counts["messages_deleted"] += _rowcount(
            session.execute(delete(Message).where(Message.conversation_id.in_(keyed_by_phone)))
        )
        counts["conversations_deleted"] += _rowcount(
            session.execute(delete(Conversation).where(Conversation.id.in_(keyed_by_phone)))
        )
    # Other conversations (web chat) stay, as a count of channels used; what was typed and answered goes.
    if kept:
        counts["messages_cleared"] += _rowcount(
            session.execute(update(Message).where(Message.conversation_id.in_(kept)).values(text="", reply=None))
        )
        # A helper's details held for a read-back that never came.
        session.execute(update(Conversation).where(Conversation.id.in_(kept)).values(held=None))

    # Texts we sent: who to and what they said. Case-less texts to the same number go too.
    to_this_case = OutboundMessage.case_id == case.id
    if phone:
        to_this_case = or_(to_this_case, (OutboundMessage.case_id.is_(None)) & (OutboundMessage.to == phone))
    counts["texts_cleared"] += _rowcount(
        session.execute(update(OutboundMessage).where(to_this_case).values(to="", body=""))
    )

    counts["representatives_cleared"] += _rowcount(
        session.execute(update(Representative).where(Representative.case_id == case.id).values(name=None, contact=None))
    )
    counts["preferences_cleared"] += _rowcount(
        session.execute(
            update(Preferences)
            .where(Preferences.case_id == case.id)
            .values(avoid_dates=None, interpreter_language=None)
        )
    )
    counts["meetings_cleared"] += _rowcount(
        session.execute(update(Meeting).where(Meeting.case_id == case.id).values(where=None, who=None))
    )

    if phone:
        # The opt-out goes with the number unless another live case still has it. Twilio keeps its own opt-out
        # (it refuses sends with error 21610 until START), so the person's STOP still holds.
        shared = session.scalar(
            select(Case.id).where(Case.phone == phone, Case.id != case.id, Case.purged_at.is_(None)).limit(1)
        )
        if shared is None:
            counts["opt_outs_deleted"] += _rowcount(session.execute(delete(SmsOptOut).where(SmsOptOut.phone == phone)))
        case.phone = None
        counts["phone_numbers_cleared"] += 1

    case.purged_at = as_utc(now)
    session.flush()
    detail: dict[str, object] = {"council_id": case.council_id, **dict(sorted(counts.items()))}
    audit.append(session, actor, "case.purged", case.id, detail)
    return counts


def _pointing_at_conversations(session: Session, case_id: int, ids: list[str]) -> list[ConsentRecord | Handoff]:
    """This case's consent records and hand-offs that name a conversation, and any that name one of `ids`."""
    records = session.scalars(
        select(ConsentRecord).where(
            or_(ConsentRecord.case_id == case_id, ConsentRecord.conversation_id.in_(ids)),
            ConsentRecord.conversation_id.is_not(None),
        )
    )
    handoffs = session.scalars(
        select(Handoff).where(
            or_(Handoff.case_id == case_id, Handoff.conversation_id.in_(ids)), Handoff.conversation_id.is_not(None)
        )
    )
    return [*records, *handoffs]


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
