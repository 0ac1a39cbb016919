"""Sending the last message of a case (server.domain.closing decides; this sends the texts after the commit)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from server.channels.sms.send import send_sms
from server.domain import closing, handoffs
from server.domain.db import session_scope
from server.domain.models import Case, Handoff, Meeting


async def send(texts: list[closing.Text | None]) -> None:
    for item in texts:
        if item is None:
            continue
        status = await send_sms(item.case_id, "closing", item.to, item.body)
        with session_scope() as session:
            closing.told(session, item.case_id, "sms", status)


def after_handoff(
    session: Session, handoff: Handoff, meeting: Meeting | None, action: str, actor: str
) -> tuple[bool, closing.Text | None]:
    """A hand-off was completed or cancelled by the team: a held meeting gets the thank-you; scheduling cancelled
    gets "we do not need to talk with you now" (saying the booked meeting will not happen, so it takes the place of
    the cancellation text). Other hand-offs (a request for a person) end without a message.

    Returns whether this closed the case, and the text to send."""
    case = session.get(Case, handoff.case_id)
    if case is None or case.closed_reason is not None:
        return False, None
    if action == "completed" and meeting is not None:
        return True, closing.close(session, case, "completed", actor)
    if action == "cancelled" and handoff.reason == handoffs.SCHEDULE:
        called_off = meeting.at if meeting is not None else None
        return True, closing.close(session, case, "handoff_cancelled", actor, called_off=called_off)
    return False, None
