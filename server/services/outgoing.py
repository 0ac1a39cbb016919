"""What to send once a unit of work is saved: texts as values, sent by `send` after the commit."""

from __future__ import annotations

from dataclasses import dataclass

from server.domain import closing, meetings
from server.domain.db import session_scope
from server.services import texts

# A text to send: case, kind ("invite", "meeting_confirmation", ...), number and words.
Text = meetings.Text


@dataclass(frozen=True)
class Outgoing:
    """Plain texts first (a booking, a cancellation, an invitation), then the case's last message, whose delivery
    is recorded on the case."""

    texts: tuple[Text, ...] = ()
    last: tuple[closing.Text, ...] = ()


NOTHING = Outgoing()


async def send(outgoing: Outgoing) -> list[str]:
    """Send everything (or put it in the local outbox); returns where each plain text got to."""
    statuses = [await texts.send(item.case_id, item.kind, item.to, item.body) for item in outgoing.texts]
    for last in outgoing.last:
        # The case's last message: whether it went is recorded on the case (server.domain.closing decides).
        status = await texts.send(last.case_id, "closing", last.to, last.body)
        with session_scope() as session:
            closing.told(session, last.case_id, "sms", status)
    return statuses


def of(texts: list[Text | None] | None = None, last: list[closing.Text | None] | None = None) -> Outgoing:
    """An Outgoing without the Nones the domain returns for "nothing to send"."""
    return Outgoing(
        tuple(item for item in texts or [] if item is not None), tuple(item for item in last or [] if item is not None)
    )
