"""Messages that arrived while Rasa was down are answered once it is back, in order, on the person's channel."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from sqlalchemy import select

from server import inbound
from server.clients.rasa import RasaClient, RasaUnavailable
from server.domain.db import session_scope
from server.domain.models import Conversation, Message, utcnow
from server.settings import get_settings

log = logging.getLogger(__name__)


def waiting(limit: int = 50) -> list[inbound.ForRasa]:
    """Unanswered messages old enough that no request is still waiting on them, oldest first."""
    settings = get_settings()
    cutoff = utcnow() - timedelta(seconds=settings.rasa_timeout_seconds + settings.holding_reply_after_seconds)
    with session_scope() as session:
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
                # A code that linked the case, never answered, still means "start the conversation".
                "/greet" if conversation.stage == "start" else inbound.as_command(message.text),
            )
            for message, conversation in rows
            if conversation.case_id is not None
        ]


async def run_once(rasa: RasaClient) -> int:
    answered = 0
    for pending in waiting():
        try:
            messages = await inbound.ask_rasa(rasa, pending)
        except RasaUnavailable:
            return answered  # still down: try again next time
        await inbound.deliver_late(pending, messages)
        answered += 1
    return answered


async def loop(rasa: RasaClient) -> None:
    interval = get_settings().retry_interval_seconds
    while interval > 0:
        try:
            await run_once(rasa)
        except Exception:  # one failed round must not stop the next
            log.exception("retry failed")
        await asyncio.sleep(interval)
