"""Meetings the assessment team books from a hand-off, the easy-read text that tells the person, and the calendar file.

Booking sets the case to "scheduled" and the hand-off to "scheduled"; booking again moves the meeting (the old one is
cancelled); completing sets the case to "completed". The person's calendar link carries a token signed with the
server's secret key, so links survive restarts and cannot be guessed from a meeting's number.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
from itsdangerous import Signer
from sqlalchemy import select
from sqlalchemy.orm import Session

from easyread.dates import spoken_datetime
from easyread.render import text
from easyread.sms_words import plain
from server.domain import audit, consent, handoffs, outbound
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.domain.models import Case, Council, Handoff, Meeting, OutboundMessage, Preferences, iso, utcnow
from server.keys import secret_key
from server.settings import get_settings

HOWS = ("phone", "video", "home", "elsewhere")
STATUSES = ("scheduled", "completed", "cancelled")
LENGTH = timedelta(hours=1)
# Consent states that rule a meeting out: the person said no, or stopped.
REFUSED = ("declined", "withdrawn")


def _free_text(value: str | None, field: str) -> str | None:
    value = (value or "").strip()
    if len(value) > 300:
        raise InvalidInput(f"Keep {field} to 300 characters.", field)
    return value or None


def current(session: Session, handoff: Handoff) -> Meeting | None:
    """The hand-off's meeting: the newest, whatever its status."""
    return session.scalars(
        select(Meeting).where(Meeting.handoff_id == handoff.id).order_by(Meeting.id.desc()).limit(1)
    ).first()


def schedule(
    session: Session,
    handoff: Handoff,
    at: datetime,
    how: str,
    where: str | None,
    who: str | None,
    actor: str,
    now: datetime | None = None,
    *,
    expert_by_experience: bool = False,
) -> Meeting:
    """Book (or move) the meeting for a hand-off. `at` must carry its time zone and be in the future.
    `expert_by_experience`: someone who has had care and support too comes with the team."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise InvalidInput("Give the time with its time zone, for example 2026-03-03T14:00:00+00:00.", "at")
    if at <= (now or utcnow()):
        raise InvalidInput("The meeting must be in the future.", "at")
    if how not in HOWS:
        raise InvalidInput(f"How must be one of: {', '.join(HOWS)}.", "how")
    where = _free_text(where, "where")
    who = _free_text(who, "who")
    if how == "elsewhere" and where is None:
        raise InvalidInput("Say where the meeting is.", "where")
    case = session.get(Case, handoff.case_id)
    assert case is not None
    agreed = consent.current(session, case.id)
    if agreed is not None and agreed.state in REFUSED:
        raise Conflict(f"This person's consent is {agreed.state}: a meeting cannot be booked.")
    handoffs.mark_scheduled(session, handoff, actor)
    previous = current(session, handoff)
    if previous is not None and previous.status == "scheduled":
        previous.status = "cancelled"
    meeting = Meeting(
        case_id=case.id,
        handoff_id=handoff.id,
        at=at.astimezone(UTC),
        how=how,
        where=where,
        who=who,
        expert_by_experience=expert_by_experience,
        created_by=actor,
    )
    session.add(meeting)
    case.status = "scheduled"
    session.flush()
    # When and how only: where and who are free text, and may name people or places.
    detail: dict[str, object] = {"meeting_id": meeting.id, "handoff_id": handoff.id, "how": how, "at": iso(meeting.at)}
    if expert_by_experience:
        detail["expert_by_experience"] = True
    if previous is not None and previous.status == "cancelled":
        detail["moved_from_meeting_id"] = previous.id
    audit.append(session, actor, "meeting.scheduled", case.id, detail)
    return meeting


def complete(session: Session, handoff: Handoff, actor: str) -> Meeting | None:
    """The work is done. A scheduling hand-off ends with its meeting held: the case is then "completed"."""
    meeting = current(session, handoff)
    if meeting is None or meeting.status != "scheduled":
        if handoff.reason == handoffs.SCHEDULE:
            raise Conflict("There is no meeting to complete. Schedule one, or cancel the hand-off.")
        handoffs.complete(session, handoff, actor)
        return None
    handoffs.complete(session, handoff, actor)
    meeting.status = "completed"
    case = session.get(Case, handoff.case_id)
    assert case is not None
    case.status = "completed"
    session.flush()
    audit.append(session, actor, "meeting.completed", case.id, {"meeting_id": meeting.id, "handoff_id": handoff.id})
    return meeting


def cancel(session: Session, handoff: Handoff, actor: str) -> Meeting | None:
    """End the hand-off; a booked meeting is called off and the case goes back to "answered"."""
    handoffs.cancel(session, handoff, actor)
    meeting = current(session, handoff)
    if meeting is None or meeting.status != "scheduled":
        return None
    meeting.status = "cancelled"
    case = session.get(Case, handoff.case_id)
    assert case is not None
    if case.status == "scheduled":
        case.status = "answered"
    session.flush()
    audit.append(session, actor, "meeting.cancelled", case.id, {"meeting_id": meeting.id, "handoff_id": handoff.id})
    return meeting


def called_off_by_person(session: Session, case_id: int, actor: str) -> bool:
    """The person withdrew: end their scheduling hand-off and call off a booked meeting.

    Nothing is sent to them (after a withdrawal the only message is its confirmation); True when a booked
    meeting was called off, so the caller can tell the team.
    """
    open_work = session.scalars(
        select(Handoff).where(
            Handoff.case_id == case_id, Handoff.reason == handoffs.SCHEDULE, Handoff.status.not_in(handoffs.CLOSED)
        )
    )
    called_off = False
    for handoff in list(open_work):
        handoffs.withdrawn(session, handoff, actor)
        meeting = current(session, handoff)
        if meeting is not None and meeting.status == "scheduled":
            meeting.status = "cancelled"
            called_off = True
            audit.append(session, actor, "meeting.cancelled", case_id, {"meeting_id": meeting.id, "why": "withdrawn"})
    case = session.get(Case, case_id)
    if called_off and case is not None and case.status == "scheduled":
        case.status = "answered"
    session.flush()
    return called_off


# -- telling the person


def contact_by_representative(session: Session, case_id: int) -> bool:
    """The person asked us to contact them through their representative: the team tells them, not a text."""
    prefs = session.get(Preferences, case_id)
    return prefs is not None and prefs.contact_by == "representative"


def confirmation(session: Session, meeting: Meeting) -> outbound.Text | None:
    """The easy-read text that says the meeting is booked, or None when there is no number to text."""
    case = session.get(Case, meeting.case_id)
    assert case is not None
    if not case.phone or contact_by_representative(session, case.id):
        return None
    language = case.language
    parts = [
        text("team.booked", language, when=spoken_datetime(meeting.at, language)),
        text(f"team.how_{meeting.how}", language),
    ]
    if meeting.where:
        parts.append(text("team.where", language, where=meeting.where))
    if meeting.who:
        parts.append(text("team.who", language, who=meeting.who))
    if meeting.expert_by_experience:
        parts.append(text("closing.expert", language))
    parts.append(text("team.calendar_link", language, link=person_calendar_url(meeting)))
    parts.append(text("team.change", language))
    return outbound.Text(case.id, "confirmation", case.phone, plain("\n".join(parts)))


def cancellation(session: Session, meeting: Meeting) -> outbound.Text | None:
    case = session.get(Case, meeting.case_id)
    assert case is not None
    if not case.phone or contact_by_representative(session, case.id):
        return None
    when = spoken_datetime(meeting.at, case.language)
    return outbound.Text(case.id, "cancellation", case.phone, plain(text("team.cancelled", case.language, when=when)))


def last_text_status(session: Session, case_id: int, kind: str) -> str | None:
    """Where the newest text of this kind to the case got to (outbox, queued, delivered, failed, blocked...)."""
    return session.scalar(
        select(OutboundMessage.status)
        .where(OutboundMessage.case_id == case_id, OutboundMessage.kind == kind)
        .order_by(OutboundMessage.id.desc())
        .limit(1)
    )


def view(session: Session, meeting: Meeting) -> dict[str, object]:
    """The meeting as the team sees it, with where its confirmation text got to."""
    if contact_by_representative(session, meeting.case_id):
        told = "contact_representative"
    else:
        told = last_text_status(session, meeting.case_id, "confirmation") or "not_sent"
    return {
        "id": meeting.id,
        "at": iso(meeting.at),
        "how": meeting.how,
        "where": meeting.where,
        "who": meeting.who,
        "expert_by_experience": meeting.expert_by_experience,
        "status": meeting.status,
        "created_by": meeting.created_by,
        "confirmation": told,
        "calendar_url": f"/api/handoffs/{meeting.handoff_id}/calendar.ics",
        "person_calendar_url": person_calendar_url(meeting),
    }


# -- the calendar file


def ics(meeting: Meeting, council_name: str, language: str = "en") -> bytes:
    """An iCalendar file with the one meeting: UTC start, 1 hour, easy-read title and description."""
    start = meeting.at
    uid = f"case-tracking-meeting-{meeting.id}-{int(meeting.created_at.timestamp())}"
    event = icalendar.Event.new(
        uid=uid,
        summary=text("team.calendar_title", language),
        description="\n".join(
            [text("team.calendar_about", language, council=council_name), text(f"team.how_{meeting.how}", language)]
        ),
        start=start,
        end=start + LENGTH,
        stamp=meeting.created_at,
        location=meeting.where or None,
        status=icalendar.STATUS.CANCELLED if meeting.status == "cancelled" else icalendar.STATUS.CONFIRMED,
    )
    calendar = icalendar.Calendar.new(prodid="-//Case tracking//Meetings//EN", uid=uid, subcomponents=[event])
    return bytes(calendar.to_ical())


def ics_for(session: Session, meeting: Meeting) -> bytes:
    case = session.get(Case, meeting.case_id)
    assert case is not None
    council = session.get(Council, case.council_id)
    assert council is not None
    return ics(meeting, council.name, case.language)


# -- the person's calendar link


def _signer() -> Signer:
    # itsdangerous: an HMAC of the meeting's number, keyed with the server's key and this purpose, in URL-safe
    # base64 without padding (27 letters).
    return Signer(secret_key(), salt="meeting-calendar")


def link_token(meeting_id: int) -> str:
    """`<meeting number>-<signature>`: short and URL-safe, and only the server's key makes a right one."""
    return f"{meeting_id}-{_signer().get_signature(str(meeting_id)).decode()}"


def person_calendar_url(meeting: Meeting) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/meeting/{link_token(meeting.id)}.ics"


def by_token(session: Session, token: str) -> Meeting:
    """The meeting a calendar link is for; a wrong or altered token looks like a missing meeting."""
    number, _, signature = token.partition("-")
    if not (
        number.isascii() and number.isdigit() and len(number) < 12 and _signer().verify_signature(number, signature)
    ):
        raise NotFound("There is no meeting at that address.")
    meeting = session.get(Meeting, int(number))
    case = session.get(Case, meeting.case_id) if meeting is not None else None
    if meeting is None or case is None or case.purged_at is not None:
        raise NotFound("There is no meeting at that address.")
    return meeting
