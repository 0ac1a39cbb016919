"""Meetings' calendar files: for the team (by hand-off) and for the person (by the signed link in their text)."""

from __future__ import annotations

from server.domain import handoffs, meetings
from server.domain.db import session_scope
from server.domain.errors import NotFound


def calendar_for_handoff(handoff_id: int) -> tuple[bytes, int]:
    """The .ics of the hand-off's meeting, and the meeting's id (NotFound without one)."""
    with session_scope() as session:
        meeting = meetings.current(session, handoffs.get(session, handoff_id))
        if meeting is None:
            raise NotFound("This hand-off has no meeting.")
        return meetings.ics_for(session, meeting), meeting.id


def calendar_for_link(token: str) -> tuple[bytes, int]:
    """The person's link: a wrong token is NotFound, the same as a missing meeting."""
    with session_scope() as session:
        meeting = meetings.by_token(session, token[:100])
        return meetings.ics_for(session, meeting), meeting.id
