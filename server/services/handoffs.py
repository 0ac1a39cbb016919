"""Hand-offs: the team's queue; claim one, book (or move) its meeting, complete it, cancel it.

Used by the API (server/rest/handoffs.py) and the team's pages (server/pages/team.py) alike: each change returns
the texts to send once it is saved (an Outgoing), which the caller hands to `texts.send_all`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from server.domain import closing, experts, handoffs, meetings, progress_table, talks, timeliness
from server.domain.db import session_scope
from server.domain.models import Handoff, utcnow
from server.domain.tokens import Principal
from server.services.texts import Outgoing, of


def _item(session: Session, handoff: Handoff) -> dict[str, Any]:
    item = handoffs.view(session, handoff)
    item |= timeliness.timing(session, handoff.case_id, utcnow())
    meeting = meetings.current(session, handoff)
    item["meeting"] = meetings.view(session, meeting) if meeting is not None else None
    return item


def queue() -> list[dict[str, Any]]:
    """Every hand-off not yet completed or cancelled: urgent first, then nearest fieldwork date, then oldest."""
    with session_scope() as session:
        return [_item(session, handoff) for handoff in handoffs.queue(session)]


def queue_and_progress(council_id: int | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The queue (only one council's, when given), and the progress of every council still open, one row each,
    councils at risk first, then the soonest fieldwork (the team's page)."""
    with session_scope() as session:
        found = handoffs.queue(session)
        if council_id is not None:
            found = [handoff for handoff in found if handoffs.council_of(session, handoff) == council_id]
        items = [_item(session, handoff) for handoff in found]
        return items, progress_rows(session)


def progress_rows(session: Session) -> list[dict[str, Any]]:
    now = utcnow()
    rows = [timeliness.progress(session, council_id, now) for council_id in timeliness.open_councils(session)]
    return progress_table.ordered(rows)


def progress_csv() -> str:
    """The team's progress table as CSV, in the same order."""
    with session_scope() as session:
        return progress_table.export(progress_rows(session))


def shown(handoff_id: int) -> dict[str, Any]:
    """One hand-off with its case, consent, helpers, preferences and meeting (NotFound)."""
    with session_scope() as session:
        return _item(session, handoffs.get(session, handoff_id))


def claim(caller: Principal, handoff_id: int) -> None:
    """Take it on (Conflict if someone else has it, or it has ended)."""
    with session_scope() as session:
        handoffs.claim(session, handoffs.get(session, handoff_id), caller.actor)


def book(
    caller: Principal,
    handoff_id: int,
    at: datetime,
    how: str,
    where: str | None,
    who: str | None,
    expert_by_experience: bool | None = None,
) -> Outgoing:
    """Book the meeting (or move it); the easy-read confirmation with a calendar link is to send.
    `expert_by_experience` None: as the meeting being moved had it, else as the person asked."""
    with session_scope() as session:
        handoff = handoffs.get(session, handoff_id)
        if expert_by_experience is None:
            booked = meetings.current(session, handoff)
            if booked is not None and booked.status == "scheduled":
                expert_by_experience = booked.expert_by_experience
            else:
                expert_by_experience = experts.wanted_for(session, handoff.case_id)
        meeting = meetings.schedule(
            session,
            handoff,
            at,
            how,
            where,
            who,
            caller.actor,
            expert_by_experience=expert_by_experience,
        )
        return of([meetings.confirmation(session, meeting)])


def complete(caller: Principal, handoff_id: int) -> Outgoing:
    """The meeting took place (or the request for a person was dealt with); after a meeting the thank-you is to
    send, once. When that talk was the last one the council needed, the reserves still waiting are told too."""
    with session_scope() as session:
        handoff = handoffs.get(session, handoff_id)
        meeting = meetings.complete(session, handoff, caller.actor)
        _, thanks = closing.after_handoff(session, handoff, meeting, "completed", caller.actor)
        council_id = handoffs.council_of(session, handoff)
        return of(last=[thanks, *talks.release(session, council_id)])


def cancel(caller: Principal, handoff_id: int) -> Outgoing:
    """End it without a meeting. Scheduling cancelled closes the case: its last message says a booked meeting will
    not happen, in place of the cancellation text."""
    with session_scope() as session:
        handoff = handoffs.get(session, handoff_id)
        meeting = meetings.cancel(session, handoff, caller.actor)
        ended, last = closing.after_handoff(session, handoff, meeting, "cancelled", caller.actor)
        text = meetings.cancellation(session, meeting) if meeting is not None and not ended else None
        return of([text], [last])


def promised_text(case_id: int, conversation_id: str, channel: str, status: str) -> bool:
    """We told a person we would text them; True when the text went, else a person follows up (a hand-off)."""
    with session_scope() as session:
        return handoffs.promised_text(session, case_id, conversation_id, channel, status)
