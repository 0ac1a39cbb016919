"""Messages that arrived while Rasa was down are answered once it is back, in order, on the person's channel.

Several servers may share the database: each message is answered by one of them only (see `claimed`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import func, select

from server.clients.rasa import RasaClient, RasaUnavailable
from server.domain.db import read_scope
from server.domain.models import Conversation, Message, utcnow
from server.services import inbound
from server.settings import get_settings

log = logging.getLogger(__name__)
# PostgreSQL advisory locks are keyed by two numbers: this one says "a waiting message", the other is its id.
LOCK_SPACE = 0x43540001


def waiting(limit: int = 50) -> list[inbound.ForRasa]:
    """Unanswered messages old enough that no request is still waiting on them, oldest first."""
    settings = get_settings()
    cutoff = utcnow() - timedelta(seconds=settings.rasa_timeout_seconds + settings.holding_reply_after_seconds)
    with read_scope() as session:
        rows = session.execute(
            select(Message, Conversation)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Message.direction == "in", Message.processed.is_(False), Message.at <= cutoff)
            .order_by(Message.id)
            .limit(limit)
        ).all()
        return [
            inbound.ForRasa(
                message.id,
                conversation.id,
                conversation.channel,
                conversation.language,
                conversation.case_id,
                message.text,
            )
            for message, conversation in rows
            if conversation.case_id is not None
        ]


@contextmanager
def claimed(message_id: int) -> Iterator[bool]:
    """Whether this server may answer the message now: it still waits, and no other server is answering it.

    On PostgreSQL the claim is a transaction-scoped advisory lock, held until the block ends: if this server dies
    mid-answer, the lock goes with its connection and the message still waits. SQLite has one server only.
    """
    # A read-only unit: on SQLite it must not hold the write lock that answering the message takes.
    with read_scope() as session:
        if session.get_bind().dialect.name == "postgresql":
            lock = func.pg_try_advisory_xact_lock(LOCK_SPACE, message_id % 2**31)
            if not session.scalar(select(lock)):
                yield False
                return
        # Read after taking the lock: another server may have answered it since `waiting` looked.
        still_waiting = session.scalar(select(Message.processed).where(Message.id == message_id)) is False
        yield still_waiting


async def run_once(rasa: RasaClient, wires: Mapping[str, inbound.Wire]) -> int:
    """Answer the messages left waiting, each on its own channel (`wires`: the channels by name)."""
    answered = 0
    for pending in waiting():
        wire = wires.get(pending.channel, inbound.Wire(pending.channel))
        with claimed(pending.message_id) as mine:
            if not mine:
                continue
            try:
                answer = await inbound.answer_from_rasa(rasa, pending, wire)
            except RasaUnavailable:
                return answered  # still down: try again next time
        await inbound.deliver_late(pending, answer, wire)
        answered += 1
    return answered


async def loop(rasa: RasaClient, wires: Mapping[str, inbound.Wire]) -> None:
    interval = get_settings().retry_interval_seconds
    while interval > 0:
        try:
            await run_once(rasa, wires)
        except Exception:  # one failed round must not stop the next
            log.exception("retry failed")
        await asyncio.sleep(interval)
