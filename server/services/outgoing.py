"""What to send once a unit of work is saved: texts as values, sent by `send` after the commit."""

from __future__ import annotations

from dataclasses import dataclass

from server.domain import closing
from server.domain.db import session_scope
from server.domain.outbound import Text
from server.services import texts


@dataclass(frozen=True)
class Outgoing:
    """Plain texts first (a booking, a cancellation, an invitation), then the case's last message, whose delivery
    is recorded on the case."""

    texts: tuple[Text, ...] = ()
    last: tuple[closing.LastMessage, ...] = ()


NOTHING = Outgoing()


async def send(outgoing: Outgoing) -> list[str]:
    """Send everything (or put it in the local outbox); returns where each plain text got to."""
    statuses = [await texts.send(item.case_id, item.kind, item.to, item.body) for item in outgoing.texts]
    for last in outgoing.last:
        # The case's last message: whether it went is recorded on the case (server.domain.closing decides).
        status = await texts.send(last.text.case_id, last.text.kind, last.text.to, last.text.body)
        with session_scope() as session:
            closing.told(session, last.text.case_id, "sms", status)
    return statuses


def of(texts: list[Text | None] | None = None, last: list[closing.LastMessage | None] | None = None) -> Outgoing:
    """An Outgoing without the Nones the domain returns for "nothing to send"."""
    return Outgoing(
        tuple(item for item in texts or [] if item is not None), tuple(item for item in last or [] if item is not None)
    )
