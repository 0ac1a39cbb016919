"""One path for every message a person sends, whatever the channel: the turn around its unit of work.

A turn is read once and saved once. Typed words go to Rasa first: the parse is the only part outside the unit of
work (server/services/turn.py), and it starts before anything else. The reply goes out after the unit of work's
commit, so a crash leaves either the whole turn or none of it.

When Rasa is slow or down the message is kept unanswered with a holding reply and answered on the person's channel
once the model has read it (the late task here, or server/retry.py). A database that stays busy gets the holding
reply too, and the turn is tried again in the background.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from functools import partial

from starlette.concurrency import run_in_threadpool

from dialogue import run as dialogue
from dialogue.reading import Understanding
from server.clients.rasa import RasaClient, RasaUnavailable
from server.domain import conversations, db
from server.services import hearing
from server.services.hearing import Heard, Linked
from server.services.turn import Answer, ForRasa, Inbound, Reply, Wire, late_turn, say, turn, unit
from server.settings import get_settings

# What channels use of a turn; defined with the unit of work (server/services/turn.py).
__all__ = ["Answer", "ForRasa", "Inbound", "Reply", "Wire", "answer_from_rasa", "deliver_late", "handle"]

log = logging.getLogger(__name__)


async def handle(rasa: RasaClient, message: Inbound, wire: Wire, linked: Linked | None = None) -> Reply:
    """Read, answer and save one message. A retry gets `duplicate_of`: the earlier answer in wire format.
    `linked`: the conversations known to have their case (see hearing.Linked), kept up to date here."""
    parse = hearing.parse_ahead(rasa, message.text, message.conversation_id, message.phone, linked)
    heard = hearing.beside(rasa, parse)
    if heard is not None:
        try:
            return await _answer(rasa, message, wire, linked, parse, heard)
        except hearing.NotYet:
            # Rasa was slower than it should be, and nothing of the attempt was kept: wait for it first.
            log.info("turn waits for the model first", extra={"channel": message.channel})
    heard = await hearing.hear(parse, wire.deliver is not None)
    return await _answer(rasa, message, wire, linked, parse, heard)


async def _answer(
    rasa: RasaClient,
    message: Inbound,
    wire: Wire,
    linked: Linked | None,
    parse: asyncio.Task[Understanding] | None,
    heard: Heard,
) -> Reply:
    try:
        reply, pending = await run_in_threadpool(unit, partial(turn, message=message, wire=wire, heard=heard))
    except db.Busy:
        hearing.drop(parse)
        return _busy(rasa, message, wire, heard.settled())
    except hearing.NotYet:
        raise
    except BaseException:
        hearing.drop(parse)
        raise
    if linked is not None and reply.case_id is not None:
        linked.add(message.conversation_id)
    if get_settings().fault_pause_after_commit_seconds > 0:
        await asyncio.sleep(get_settings().fault_pause_after_commit_seconds)
    if pending is None:
        hearing.drop(parse)
        return reply
    if heard.asked:
        if parse is not None and not parse.done():
            _later(_finish_late(rasa, pending, wire, parse))  # slow: answered on their channel when it comes
        return reply  # down: the retry loop answers it when Rasa is back
    return await _ask_now(rasa, pending, wire, reply)


async def _ask_now(rasa: RasaClient, pending: ForRasa, wire: Wire, reply: Reply) -> Reply:
    """A message that turned out to need the model only once its conversation was joined to a case this turn."""
    parse = asyncio.ensure_future(rasa.parse(dialogue.model_words(pending.text)))
    heard = await hearing.hear(parse, wire.deliver is not None)
    if heard.nlu is None:
        if wire.deliver is None:
            reply.messages = [say("error_try_again", reply.language, pending.channel)]
            await run_in_threadpool(_answered, pending.message_id)
            return reply
        if not parse.done():
            _later(_finish_late(rasa, pending, wire, parse))
        reply.messages = [say("holding", reply.language, pending.channel)]
        return reply
    answer = await run_in_threadpool(unit, partial(late_turn, pending=pending, wire=wire, nlu=heard.nlu))
    reply.messages, reply.language, reply.ring_back = answer.messages, answer.language, answer.ring_back
    reply.stage, reply.bodies = answer.stage, answer.bodies
    return reply


def _answered(message_id: int) -> None:
    with db.session_scope() as session:
        conversations.mark_answered(session, message_id)


def _busy(rasa: RasaClient, message: Inbound, wire: Wire, heard: Heard) -> Reply:
    """The database stayed busy: nothing of the turn was kept. The person hears "we got your message" (a call:
    please try again), and the turn is tried again in the background and answered on their channel."""
    log.warning("turn deferred: database busy", extra={"channel": message.channel})
    language = get_settings().default_language
    if wire.deliver is None:
        return Reply([say("error_try_again", language, message.channel)])
    _later(_retry_turn(message, wire, heard))
    return Reply([say("holding", language, message.channel)])


async def _retry_turn(message: Inbound, wire: Wire, heard: Heard, attempts: int = 5) -> None:
    for attempt in range(attempts):
        await asyncio.sleep(0.5 * 2**attempt)
        try:
            reply, pending = await run_in_threadpool(unit, partial(turn, message=message, wire=wire, heard=heard))
        except db.Busy:
            continue
        if pending is None and reply.duplicate_of is None and reply.message_id is not None:
            late = ForRasa(
                reply.message_id, message.conversation_id, message.channel, reply.language, reply.case_id, ""
            )
            answer = Answer(reply.messages, reply.language, reply.ring_back, reply.stage, reply.bodies)
            await deliver_late(late, answer, wire)
        return
    log.error("turn lost: database busy", extra={"channel": message.channel})


async def answer_from_rasa(
    rasa: RasaClient, pending: ForRasa, wire: Wire, parse: asyncio.Task[Understanding] | None = None
) -> Answer:
    """Understand the words with Rasa (`parse`, when already asked), then answer them; raises RasaUnavailable and
    leaves the message waiting."""
    nlu = await (parse if parse is not None else rasa.parse(dialogue.model_words(pending.text)))
    return await run_in_threadpool(unit, partial(late_turn, pending=pending, wire=wire, nlu=nlu))


async def deliver_late(pending: ForRasa, answer: Answer, wire: Wire) -> None:
    """A late answer, on the person's channel, in the language the conversation has after it."""
    if wire.deliver is not None and answer.messages:
        await wire.deliver(pending, answer)


_LATE: set[asyncio.Task[None]] = set()


def _later(work: Awaitable[None]) -> None:
    """Finish something after the request was answered; kept referenced until it is done."""
    task = asyncio.ensure_future(work)
    _LATE.add(task)
    task.add_done_callback(_LATE.discard)


async def _finish_late(rasa: RasaClient, pending: ForRasa, wire: Wire, parse: asyncio.Task[Understanding]) -> None:
    try:
        answer = await answer_from_rasa(rasa, pending, wire, parse)
    except RasaUnavailable:
        return  # still stored and unanswered: the retry loop answers it when Rasa is back
    await deliver_late(pending, answer, wire)
