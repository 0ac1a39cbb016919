"""Closing the loop: how each case ended for the person, and the one last message that tells them.

Reasons: `completed` (the talk took place: thank you, what happens next, when the report is expected),
`not_needed` (a reserve, or anyone, the team no longer needs), `handoff_cancelled` (the team ended their scheduling
without a meeting) and `assessment_closed` (the council's assessment closed while they were waiting or part way).
A case closes once: a second close changes nothing and sends nothing. Nobody who said STOP, no or stop is told
anything: their case closes with `told_at` empty. Each close is an audit event; so is each message sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from easyread.dates import month_year, spoken_datetime
from easyread.render import text
from easyread.sms_words import plain
from server.domain import audit, consent, conversations, handoffs, outbound
from server.domain.models import Case, Conversation, Council, Handoff, Meeting, Preferences, utcnow

REASONS = ("completed", "not_needed", "handoff_cancelled", "assessment_closed")
REFUSED = ("declined", "withdrawn")


@dataclass(frozen=True)
class LastMessage:
    """The case's last message by text: the text (kind "closing") is sent once the close is saved, like any other
    (server.services.texts), and then `told` records on the case where it got to."""

    text: outbound.Text


def body(case: Case, council: Council, reason: str, called_off: datetime | None = None) -> str:
    """The words: the thank-you for `completed`, else "we do not need to talk with you now" (saying first that the
    meeting at `called_off` will not happen, when one was booked)."""
    language = case.language
    if reason != "completed":
        parts = [text("closing.hello", language)]
        if called_off is not None:
            parts.append(text("closing.meeting_off", language, when=spoken_datetime(called_off, language)))
        parts.append(text("closing.not_needed", language))
        return " ".join(parts)
    parts = [text("closing.thank_you", language)]
    if council.report_expected:
        year, month = council.report_expected.split("-")
        when = month_year(date(int(year), int(month), 1), language)
        parts.append(text("closing.report_month", language, month=when))
    else:
        parts.append(text("closing.report_later", language))
    parts.append(text("closing.nothing_more", language))
    return " ".join(parts)


def _said_stop(session: Session, case: Case) -> bool:
    """They said STOP (by text, or stopped the conversation anywhere), no, or withdrew: nothing more is sent."""
    current = consent.current(session, case.id)
    if current is not None and current.state in REFUSED:
        return True
    # (A conversation that ended in a stop has recorded its refusal or withdrawal: the consent above says so.)
    return bool(case.phone and outbound.is_opted_out(session, case.phone))


def _channel(session: Session, case: Case) -> tuple[str, str] | None:
    """Where to tell them: the channel they last used (a web chat, or texts for texts and calls), else a text to
    their number; None when they asked to be contacted through their helper or cannot be reached."""
    prefs = session.get(Preferences, case.id)
    if prefs is not None and prefs.contact_by == "representative":
        return None
    last = session.scalars(
        select(Conversation).where(Conversation.case_id == case.id).order_by(Conversation.updated_at.desc()).limit(1)
    ).first()
    if last is not None and last.channel == "web":
        return ("web", last.id)
    if case.phone:
        return ("sms", case.phone)
    return None


def close(
    session: Session,
    case: Case,
    reason: str,
    actor: str,
    now: datetime | None = None,
    *,
    tell: bool = True,
    called_off: datetime | None = None,
) -> LastMessage | None:
    """Close the case for this reason if it is not closed yet. A web message is stored at once; a text is returned
    for the caller to send after the commit (then `told`). None when nothing is to be sent. `called_off`: the time of
    a booked meeting that ends with this close, named in the message."""
    assert reason in REASONS
    now = now or utcnow()
    # Only if still open in the database: two closers cannot both tell the person.
    claimed = session.execute(
        update(Case)
        .where(Case.id == case.id, Case.closed_reason.is_(None))
        .values(closed_reason=reason, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        return None
    session.refresh(case)
    # Someone never contacted never heard of us: nothing to tell them.
    contacted = case.invited_at is not None or case.status != "created"
    route = None if (not tell or not contacted or _said_stop(session, case)) else _channel(session, case)
    audit.append(session, actor, "case.closed", case.id, {"reason": reason, "tell_by": route[0] if route else None})
    if route is None:
        return None
    council = session.get(Council, case.council_id)
    assert council is not None
    words = body(case, council, reason, called_off)
    channel, to = route
    if channel == "web":
        # In the shape of a chat message, as the page fetches late answers (POST /chat/messages/waiting).
        conversations.store_outbound(session, to, json.dumps({"text": words}))
        told(session, case.id, "web", "stored", now)
        return None
    return LastMessage(outbound.Text(case.id, "closing", to, plain(words)))


def told(session: Session, case_id: int, channel: str, status: str, now: datetime | None = None) -> None:
    """Where the closing message got to; told_at is set when it went (or waits in the outbox or the web chat)."""
    case = session.get(Case, case_id)
    if case is None:
        return
    if status in ("queued", "outbox", "stored", "sent", "delivered"):
        case.closed_told_at = now or utcnow()
    session.flush()
    audit.append(session, "system:closing", "case.closing_message", case_id, {"channel": channel, "status": status})


def waiting_or_part_way(session: Session, council_id: int) -> list[Case]:
    """Cases of a council that were approached and have not ended: told when the assessment closes."""
    return [
        case
        for case in session.scalars(
            select(Case)
            .where(
                Case.council_id == council_id,
                Case.closed_reason.is_(None),
                Case.purged_at.is_(None),
                Case.status.not_in(("completed", "voided")),
            )
            .order_by(Case.id)
        )
        if case.invited_at is not None or case.status != "created"
    ]


def after_handoff(
    session: Session, handoff: Handoff, meeting: Meeting | None, action: str, actor: str
) -> tuple[bool, LastMessage | None]:
    """A hand-off was completed or cancelled by the team: a held meeting gets the thank-you; scheduling cancelled
    gets "we do not need to talk with you now" (saying the booked meeting will not happen, so it takes the place of
    the cancellation text). Other hand-offs (a request for a person) end without a message.

    Returns whether this closed the case, and the text to send."""
    case = session.get(Case, handoff.case_id)
    if case is None or case.closed_reason is not None:
        return False, None
    if action == "completed" and meeting is not None:
        return True, close(session, case, "completed", actor)
    if action == "cancelled" and handoff.reason == handoffs.SCHEDULE:
        called_off = meeting.at if meeting is not None else None
        return True, close(session, case, "handoff_cancelled", actor, called_off=called_off)
    return False, None
