"""A council's talks target: when its completed talks reach `talks_needed` (default: the pick's primaries), every
reserve still waiting is told once, in easy read, on their channel, that we do not need to talk with them now.

"Still waiting": a reserve that was approached (invited, or in touch), whose case has not ended and has no meeting
booked. Their case closes as `not_needed` through server.domain.closing, which tells nobody who said STOP, no or
stop, and each case only once; their open scheduling work leaves the team's queue. The council's `talks_done_at`
is set once, with a `council.talks_done` audit event; a reserve approached later is told by the next run.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.domain import audit, closing, picks
from server.domain.models import Case, Council, Handoff, utcnow

ACTOR = "system:talks"
ENDED = ("completed", "voided", "scheduled")


def target(session: Session, council: Council) -> int | None:
    """How many completed talks the council needs: its own number, else the pick's primaries, else its primary
    cases (loaded without a pick); None when it has none."""
    if council.talks_needed is not None:
        return council.talks_needed
    pick = picks.active_selection(session, council.id)
    if pick is not None:
        return pick.primary_count
    primaries = session.scalar(
        select(func.count(Case.id)).where(
            Case.council_id == council.id, Case.priority == "primary", Case.status != "voided"
        )
    )
    return int(primaries) if primaries else None


def completed(session: Session, council_id: int) -> int:
    query = select(func.count(Case.id)).where(
        Case.council_id == council_id, Case.status == "completed", Case.purged_at.is_(None)
    )
    return int(session.scalar(query) or 0)


def reached(session: Session, council: Council) -> bool:
    needed = target(session, council)
    return needed is not None and completed(session, council.id) >= needed


def waiting_reserves(session: Session, council_id: int) -> list[Case]:
    found = session.scalars(
        select(Case)
        .where(
            Case.council_id == council_id,
            Case.priority == "reserve",
            Case.closed_reason.is_(None),
            Case.purged_at.is_(None),
            Case.status.not_in(ENDED),
        )
        .order_by(Case.id)
    )
    return [case for case in found if case.invited_at is not None or case.status != "created"]


def release(session: Session, council_id: int, now: datetime | None = None) -> list[closing.LastMessage]:
    """If the council's talks are done, close every reserve still waiting (once each); the texts to send after the
    commit. Web chat messages are stored at once by closing.close."""
    now = now or utcnow()
    council = session.get(Council, council_id, with_for_update=True)
    if council is None or council.assessment_closed_at is not None or not reached(session, council):
        return []
    if council.talks_done_at is None:
        council.talks_done_at = now
        session.flush()
        detail: dict[str, object] = {"council_id": council.id, "completed": completed(session, council.id)}
        audit.append(session, ACTOR, "council.talks_done", None, detail | {"needed": target(session, council)})
    texts = []
    for case in waiting_reserves(session, council_id):
        _end_scheduling(session, case)
        text = closing.close(session, case, "not_needed", ACTOR, now)
        if text is not None:
            texts.append(text)
    return texts


def release_all(session: Session, now: datetime | None = None) -> list[closing.LastMessage]:
    """The job: every open council whose talks are done."""
    open_councils = session.scalars(
        select(Council.id).where(Council.assessment_closed_at.is_(None)).order_by(Council.id)
    )
    return [text for council_id in list(open_councils) for text in release(session, council_id, now)]


def _end_scheduling(session: Session, case: Case) -> None:
    """Their scheduling work (no meeting booked) leaves the team's queue."""
    for handoff in session.scalars(
        select(Handoff).where(Handoff.case_id == case.id, Handoff.status.in_(("open", "claimed")))
    ):
        handoff.status = "cancelled"
        handoff.closed_at = utcnow()
        session.flush()
        detail = {"handoff_id": handoff.id, "why": "talks_done"}
        audit.append(session, ACTOR, "handoff.cancelled", case.id, detail)


def told_count(session: Session, council_id: int) -> int:
    """Reserves told that we do not need to talk with them (when the talks were done, or by staff): on the progress
    page."""
    query = select(func.count(Case.id)).where(
        Case.council_id == council_id,
        Case.priority == "reserve",
        Case.closed_reason == "not_needed",
        Case.closed_told_at.is_not(None),
    )
    return int(session.scalar(query) or 0)
