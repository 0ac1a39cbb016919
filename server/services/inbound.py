"""One path for every message a person sends, whatever the channel: store it, find its case, understand it
(with Rasa only when the words need it), and answer it with the dialogue (dialogue/).

Channels only translate to and from this; what happens next is decided by the dialogue and the domain.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from dialogue.reading import NO_MODEL, Understanding
from easyread.render import Rendered, render, same_for_everyone
from easyread.render import text as words
from server import dialogue, safety
from server.clients.rasa import RasaClient, RasaUnavailable
from server.domain import cases, conversations, invite_codes
from server.domain.conversations import LinkResult
from server.domain.db import session_scope
from server.domain.models import Conversation, Message
from server.settings import get_settings


@dataclass
class Inbound:
    channel: str
    conversation_id: str
    text: str
    attempt_key: str
    invite_code: str | None = None
    # The sender's number, when the channel knows it: a case's own number joins its conversation.
    phone: str | None = None
    # The provider's id for this message (Twilio's MessageSid), to recognise a retry.
    external_id: str | None = None
    # Whether we know who is on the line (a call we placed, or attested caller ID); see dialogue.turn.Turn.
    verified: bool = True
    # A message key to answer with instead of the conversation, when a rule of the domain already decided the
    # answer (a text's HELP or START); "" to keep the message and answer nothing (a number that said STOP).
    answer_with: str | None = None


@dataclass
class Reply:
    messages: list[Rendered]
    # 200, or the 4xx/5xx a channel that has status codes should answer with (the words are still easy read).
    status: int = 200
    message_id: int | None = None
    case_id: int | None = None
    language: str = "en"
    duplicate_of: list[str] | None = field(default=None)
    # The person asked us to ring them back on the number on file (an inbound call we could not be sure of).
    ring_back: bool = False
    # The conversation's stage after this message (None when it has no case yet).
    stage: str | None = None


def say(name: str, language: str, channel: str, **args: object) -> Rendered:
    message = render(f"utter_{name}", language, channel, args)
    assert message is not None, name
    return message


def _link(session: Session, conversation: Conversation, message: Inbound) -> tuple[Rendered, int] | None:
    """Tie a new conversation to its case; None when linked, else what to tell the person and the status."""
    settings = get_settings()
    language = conversation.language
    if message.phone:
        case = cases.by_phone(session, message.phone)
        if case is not None:
            conversations.attach(session, conversation, case)
            return None
    # A code on its own, or inside a sentence ("my mum got your letter, the code is K7PQ2MXA").
    candidates = [message.invite_code] if message.invite_code else invite_codes.find_codes(message.text)
    if not candidates:
        return say("ask_code", language, message.channel), 200
    result = conversations.link_by_codes(
        session, conversation, candidates, message.attempt_key, settings.code_attempts_per_hour
    )
    if result is LinkResult.LOCKED:
        return say("code_locked", language, message.channel), 429
    if result is LinkResult.WRONG:
        return say("code_wrong", language, message.channel), 200
    return None


@dataclass(frozen=True)
class ForRasa:
    """A stored message whose words need the language model before the dialogue can answer it."""

    message_id: int
    conversation_id: str
    channel: str
    language: str
    case_id: int | None
    text: str
    verified: bool = True


# Channels that can send a late answer by themselves (a text can; a web page fetches it; a call cannot).
Deliver = Callable[[ForRasa, "Answer"], Awaitable[None]]
DELIVERERS: dict[str, Deliver] = {}
_LATE: set[asyncio.Task[None]] = set()


def _answer_directly(session: Session, message: Inbound, reply: Reply) -> ForRasa | None:
    """Everything that needs no model; the message to understand with Rasa otherwise."""
    text = message.text
    conversation = conversations.get_or_create(
        session, message.conversation_id, message.channel, get_settings().default_language
    )
    stored = conversations.store_inbound(session, conversation, text, message.external_id)
    reply.message_id, reply.language = stored.id, conversation.language
    if message.answer_with is not None:
        conversations.mark_answered(session, stored)
        reply.case_id = conversation.case_id
        reply.messages = [Rendered(words(message.answer_with, reply.language))] if message.answer_with else []
        return None
    if conversation.case_id is None:
        problem = _link(session, conversation, message)
        if problem is not None:
            conversations.mark_answered(session, stored)
            reply.messages, reply.status = [problem[0]], problem[1]
            if safety.suggests_risk(text):
                # Harm or distress from someone we cannot place yet: the safe reply still comes first.
                reply.messages, reply.status = [say("safety", reply.language, message.channel)], 200
            return None
    reply.case_id, reply.language = conversation.case_id, conversation.language
    if dialogue.needs_model(session, conversation, text):
        return ForRasa(
            stored.id,
            conversation.id,
            message.channel,
            conversation.language,
            conversation.case_id,
            text,
            message.verified,
        )
    responses = dialogue.answer(session, conversation, text, NO_MODEL, message.verified)
    reply.ring_back = dialogue.rings_back(responses)
    conversations.mark_answered(session, stored)
    reply.language, reply.stage = conversation.language, conversation.stage
    reply.messages = dialogue.rendered(responses, conversation.language, message.channel)
    return None


def _answered(message_id: int) -> None:
    with session_scope() as session:
        conversations.mark_answered(session, session.get(Message, message_id))


@dataclass(frozen=True)
class Answer:
    messages: list[Rendered]
    # The conversation's language after Rasa answered: the person may have just switched it.
    language: str
    ring_back: bool = False
    stage: str | None = None


async def answer_from_rasa(
    rasa: RasaClient, pending: ForRasa, parse: asyncio.Task[Understanding] | None = None
) -> Answer:
    """Understand the words with Rasa (`parse`, when already asked), then answer them; raises RasaUnavailable and
    leaves the message waiting."""
    nlu = await (parse if parse is not None else rasa.parse(dialogue.model_words(pending.text)))
    # One unit of work: the dialogue's turn, and the message marked answered with it.
    with session_scope() as session:
        conversation = conversations.with_case(session, pending.conversation_id)
        if conversation is None or not conversations.claim(session, pending.message_id):
            return Answer([], pending.language)
        responses = dialogue.answer(session, conversation, pending.text, nlu, pending.verified)
        language, stage = conversation.language, conversation.stage
        messages = dialogue.rendered(responses, language, pending.channel)
        _keep_for_listen(session, pending.channel, pending.message_id, messages)
    return Answer(messages, language, dialogue.rings_back(responses), stage)


async def deliver_late(pending: ForRasa, answer: Answer) -> None:
    """A late answer, on the person's channel, in the language the conversation has after it."""
    deliver = DELIVERERS.get(pending.channel)
    if deliver is not None and answer.messages:
        await deliver(pending, answer)


async def _finish_late(task: asyncio.Task[Answer], pending: ForRasa) -> None:
    try:
        answer = await task
    except RasaUnavailable:
        return  # still stored and unanswered: the retry loop answers it when Rasa is back
    await deliver_late(pending, answer)


def _earlier(session: Session, external_id: str | None) -> Reply | None:
    """The one place a repeated message is recognised: a provider's retry (the same MessageSid, the same turn of
    a call) is answered with exactly what was answered the first time, and nothing happens twice."""
    earlier = conversations.by_external_id(session, external_id) if external_id else None
    if earlier is None:
        return None
    return Reply([], duplicate_of=earlier.reply or [])


def _take(message: Inbound) -> tuple[Reply, ForRasa | None]:
    """One unit of work: recognise a retry, store the message, link it, and answer it if it needs no model."""
    reply = Reply([])
    with session_scope() as session:
        repeated = _earlier(session, message.external_id)
        if repeated is not None:
            return repeated, None
        try:
            with session.begin_nested():
                pending = _answer_directly(session, message, reply)
        except IntegrityError:
            # The same message at the same moment (two webhook calls in a race): the one stored first answers.
            repeated = _earlier(session, message.external_id)
            return repeated or Reply([], duplicate_of=[]), None
        if pending is None and reply.message_id is not None:
            _keep_for_listen(session, message.channel, reply.message_id, reply.messages)
    return reply, pending


def _keep_for_listen(session: Session, channel: str, message_id: int, messages: list[Rendered]) -> None:
    """The words of a web chat's reply that were made for this person (a greeting naming their council, a read-back)
    are kept with its message, in the turn's own transaction, one entry a message ("" for a fixed one): the Listen
    button reads them from there when pressed (server/channels/web/listen.py). Fixed messages need nothing kept:
    Listen finds them among the content."""
    if channel != "web":
        return
    made = ["" if same_for_everyone(m.text) else m.text for m in messages]
    if any(made):
        conversations.save_reply(session, message_id, made)


def _parse_ahead(rasa: RasaClient, message: Inbound) -> asyncio.Task[Understanding] | None:
    """Start understanding typed words now, while the message is stored: Rasa works in its own process, so the
    turn costs about one parse rather than a parse plus the storing. Only for a conversation that has its case
    (a stranger's words never reach Rasa), and not for words that plainly need no model (a button, a number, a
    lone "yes"); a parse started for nothing is dropped."""
    if message.answer_with is not None or not dialogue.may_need_model(message.text):
        return None
    with session_scope() as session:
        if not conversations.has_case(session, message.conversation_id):
            return None
    # Started eagerly: on a kept-alive connection the request is on its way to Rasa before this returns, so the
    # storing in a worker thread (next) never holds the interpreter while the request waits to be sent.
    return asyncio.Task(
        rasa.parse(dialogue.model_words(message.text)), loop=asyncio.get_running_loop(), eager_start=True
    )


def _drop(parse: asyncio.Task[Understanding] | None) -> None:
    if parse is not None:
        parse.cancel()
        # Rasa may already have failed: the failure is expected and nobody waits for it.
        parse.add_done_callback(lambda task: task.cancelled() or task.exception())


async def handle(rasa: RasaClient, message: Inbound) -> Reply:
    """Store, link, understand and answer one message. A retry gets `duplicate_of`: the earlier answer's bodies."""
    parse = _parse_ahead(rasa, message)
    try:
        # In a worker thread, so the parse goes out and Rasa works while the database does.
        reply, pending = await run_in_threadpool(_take, message)
    except BaseException:
        _drop(parse)
        raise
    if pending is None:
        _drop(parse)
        return reply
    task = asyncio.create_task(answer_from_rasa(rasa, pending, parse))
    if pending.channel not in DELIVERERS:
        # A phone call cannot be answered later: wait for Rasa, and if it is down say so and let them try again.
        try:
            answer = await task
            reply.messages, reply.language, reply.ring_back = answer.messages, answer.language, answer.ring_back
            reply.stage = answer.stage
        except RasaUnavailable:
            _answered(pending.message_id)
            reply.messages = [say("error_try_again", reply.language, message.channel)]
        return reply
    try:
        answer = await asyncio.wait_for(asyncio.shield(task), get_settings().holding_reply_after_seconds)
        reply.messages, reply.language, reply.stage = answer.messages, answer.language, answer.stage
    except TimeoutError:
        # Slow: answer "we got it" now (Twilio gives up after 15 s) and send the real answer when it comes.
        late = asyncio.create_task(_finish_late(task, pending))
        _LATE.add(late)
        late.add_done_callback(_LATE.discard)
        reply.messages = [say("holding", reply.language, message.channel)]
    except RasaUnavailable:
        # Down: the message is kept, and answered on the person's channel once Rasa is back.
        reply.messages = [say("holding", reply.language, message.channel)]
    return reply
