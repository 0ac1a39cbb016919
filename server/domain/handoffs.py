"""Hand-offs to a person on the team: scheduling a meeting, or talking with someone who needs a person.

A hand-off is open, then claimed by one team member, then scheduled (it has a meeting), and ends completed or
cancelled. The team's queue is every hand-off not yet ended, most urgent first.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from server.domain import audit, consent, experts, users
from server.domain.errors import Conflict, NotFound
from server.domain.models import Case, Council, Handoff, Preferences, Representative, StaffToken, iso, utcnow

REASONS = ("asked", "not_understood")
CLOSED = ("completed", "cancelled")
SCHEDULE = "schedule"
# Why a hand-off was opened: scheduling, or a person needed (asked, not understood twice, distress, withdrew with a
# meeting booked). The team's pages have a word for each.
ALL_REASONS = (SCHEDULE, "asked", "not_understood", "distress", "withdrew")
STATUSES = ("open", "claimed", "scheduled", "completed", "cancelled")


def request(
    session: Session, case_id: int, conversation_id: str | None, reason: str, actor: str, *, urgent: bool = False
) -> Handoff:
    """Open a hand-off unless one is already open for this case, so repeats do not flood the team.

    A "schedule" hand-off is other work (finding a time), so it does not absorb a request for a person; an urgent
    request makes the open one urgent, so it goes to the top of the queue.
    """
    existing = session.scalars(
        select(Handoff).where(Handoff.case_id == case_id, Handoff.status == "open", Handoff.reason != SCHEDULE)
    ).first()
    if existing is not None:
        if urgent and not existing.urgent:
            existing.urgent = True
            session.flush()
            audit.append(session, actor, "handoff.urgent", case_id, {"handoff_id": existing.id, "reason": reason})
        return existing
    row = Handoff(case_id=case_id, conversation_id=conversation_id, reason=reason, urgent=urgent)
    session.add(row)
    session.flush()
    audit.append(session, actor, "handoff.requested", case_id, {"handoff_id": row.id, "reason": reason})
    return row


# Where a text we sent got to when it went (server.services.texts): to Twilio, or into the local outbox.
TEXT_WENT = ("queued", "outbox")


def promised_text(session: Session, case_id: int, conversation_id: str, channel: str, status: str) -> bool:
    """We told a person we would text them (on a call: "press 1 and we will send you a text"). True when the text
    went; when it did not, a person follows up instead, so the promise is kept: a hand-off is opened, and False."""
    if status in TEXT_WENT:
        return True
    request(session, case_id, conversation_id, "asked", actor=f"person:{channel}")
    return False


def open_for(session: Session, case_id: int) -> list[Handoff]:
    return list(session.scalars(select(Handoff).where(Handoff.case_id == case_id, Handoff.status == "open")))


def ready_to_schedule(session: Session, case_id: int, actor: str, conversation_id: str | None = None) -> Handoff:
    """The person's preferences are recorded: the team can find a time. One such hand-off per case until it ends."""
    # Serialises two callers for the same case on PostgreSQL (SQLite has one writer at a time anyway).
    case = session.get(Case, case_id, with_for_update=True)
    if case is None:
        raise NotFound("There is no case with that id.")
    existing = session.scalars(
        select(Handoff).where(Handoff.case_id == case_id, Handoff.reason == SCHEDULE, Handoff.status.not_in(CLOSED))
    ).first()
    if existing is not None:
        return existing
    row = Handoff(case_id=case_id, conversation_id=conversation_id, reason=SCHEDULE)
    session.add(row)
    session.flush()
    audit.append(session, actor, "handoff.requested", case_id, {"handoff_id": row.id, "reason": SCHEDULE})
    return row


def council_of(session: Session, handoff: Handoff) -> int:
    case = session.get(Case, handoff.case_id)
    assert case is not None
    return case.council_id


def get(session: Session, handoff_id: int) -> Handoff:
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise NotFound("There is no hand-off with that id.")
    return handoff


def queue(session: Session) -> list[Handoff]:
    """Hand-offs not ended: urgent first, then the council whose fieldwork is nearest (none set: last), then oldest."""
    query = (
        select(Handoff)
        .join(Case, Case.id == Handoff.case_id)
        .join(Council, Council.id == Case.council_id)
        .where(Handoff.status.not_in(CLOSED), Case.purged_at.is_(None))
        .order_by(
            Handoff.urgent.desc(),
            Council.fieldwork_date.is_(None),
            Council.fieldwork_date,
            Handoff.created_at,
            Handoff.id,
        )
    )
    return list(session.scalars(query))


def _check_open(handoff: Handoff, actor: str) -> None:
    if handoff.status in CLOSED:
        raise Conflict(f"This hand-off is already {handoff.status}.")
    if handoff.claimed_by is not None and handoff.claimed_by != actor:
        raise Conflict("Someone else on the team has claimed this hand-off.")


def claim(session: Session, handoff: Handoff, actor: str) -> Handoff:
    """Take a hand-off on. Claiming your own again is fine; one claimed by someone else is a conflict."""
    _check_open(handoff, actor)
    if handoff.claimed_by == actor:
        return handoff
    # Only if still unclaimed in the database: two people claiming at once cannot both win.
    result = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff.id, Handoff.claimed_by.is_(None), Handoff.status.not_in(CLOSED))
        .values(claimed_by=actor, claimed_at=utcnow(), status="claimed")
        .execution_options(synchronize_session=False)
    )
    session.refresh(handoff)
    if getattr(result, "rowcount", 0) != 1:
        _check_open(handoff, actor)
        raise Conflict("This hand-off changed while you claimed it. Look again.")
    audit.append(session, actor, "handoff.claimed", handoff.case_id, {"handoff_id": handoff.id})
    return handoff


def mark_scheduled(session: Session, handoff: Handoff, actor: str) -> None:
    """A meeting was booked for it (server.domain.meetings does the booking). Claims it for the booker if unclaimed."""
    if handoff.claimed_by is None:
        claim(session, handoff, actor)
    _check_open(handoff, actor)
    handoff.status = "scheduled"
    session.flush()


def complete(session: Session, handoff: Handoff, actor: str) -> Handoff:
    return _close(session, handoff, actor, "completed")


def cancel(session: Session, handoff: Handoff, actor: str) -> Handoff:
    return _close(session, handoff, actor, "cancelled")


def withdrawn(session: Session, handoff: Handoff, actor: str) -> Handoff:
    """The person withdrew: their scheduling work ends, whoever on the team had claimed it."""
    if handoff.status in CLOSED:
        return handoff
    handoff.status = "cancelled"
    handoff.closed_at = utcnow()
    session.flush()
    audit.append(session, actor, "handoff.cancelled", handoff.case_id, {"handoff_id": handoff.id, "why": "withdrawn"})
    return handoff


def _close(session: Session, handoff: Handoff, actor: str, status: str) -> Handoff:
    _check_open(handoff, actor)
    handoff.status = status
    handoff.closed_at = utcnow()
    if handoff.claimed_by is None:
        handoff.claimed_by = actor
        handoff.claimed_at = handoff.closed_at
    session.flush()
    audit.append(session, actor, f"handoff.{status}", handoff.case_id, {"handoff_id": handoff.id})
    return handoff


def view(session: Session, handoff: Handoff) -> dict[str, object]:
    """What the team sees: the case's consent, who helps the person and how to reach them, and their needs.

    For the team only: it holds personal data (the phone number, the representative's name and contact).
    """
    case = session.get(Case, handoff.case_id)
    assert case is not None
    council = session.get(Council, case.council_id)
    assert council is not None
    current = consent.current(session, case.id)
    reps = session.scalars(
        select(Representative).where(Representative.case_id == case.id).order_by(Representative.id.desc())
    ).all()
    prefs = session.get(Preferences, case.id)
    claimer = _token_name(session, handoff.claimed_by)
    return {
        "id": handoff.id,
        "case_id": case.id,
        "reference": case.reference,
        "council_id": council.id,
        "council_name": council.name,
        "fieldwork_date": council.fieldwork_date.isoformat() if council.fieldwork_date else None,
        "theme": case.theme,
        "language": case.language,
        "phone": case.phone,
        "reason": handoff.reason,
        "urgent": handoff.urgent,
        "status": handoff.status,
        "claimed_by": handoff.claimed_by,
        "claimed_by_name": claimer,
        "claimed_at": iso(handoff.claimed_at) if handoff.claimed_at else None,
        "created_at": iso(handoff.created_at),
        "consent": {
            "state": current.state if current else "pending",
            "given_by": current.given_by if current else None,
            "at": iso(current.at) if current else None,
            "check_at_start": case.check_consent_at_start,
            # Said "not sure" (nothing recorded): the team can talk it through with them.
            "unsure": case.unsure,
        },
        "representatives": [
            {
                "role": rep.role,
                "joins_meeting": rep.joins_meeting,
                "on_behalf": rep.on_behalf,
                "name": rep.name,
                "contact": rep.contact,
            }
            for rep in reps
        ],
        "preferences": _preferences(prefs) if prefs is not None else None,
        "expert_by_experience_wanted": experts.wanted(prefs),
    }


def _preferences(prefs: Preferences) -> dict[str, object]:
    return {
        "how": list(prefs.how or []),
        "support": list(prefs.support or []),
        "interpreter_language": prefs.interpreter_language,
        "days": list(prefs.days or []),
        "times": list(prefs.times or []),
        "avoid_dates": prefs.avoid_dates,
        "contact_by": prefs.contact_by,
        "completed": prefs.completed,
    }


def _token_name(session: Session, actor: str | None) -> str | None:
    """The name a team member's token was issued under ("token:7" -> "Jo"), or the email of someone signed in to the
    pages ("user:3"), so the team sees who has it."""
    if actor is None:
        return None
    if actor.startswith("user:"):
        return users.email_of(session, actor)
    if not actor.startswith("token:"):
        return actor
    token_id = actor.removeprefix("token:")
    if not token_id.isdigit():
        return None
    return session.scalar(select(StaffToken.name).where(StaffToken.id == int(token_id)))
