"""One path for every message a person sends, whatever the channel: store it, find its case, ask Rasa.

Channels only translate to and from this; what happens next is decided by the actions and the domain.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from easyread.languages import fold
from easyread.render import Rendered, picture_alt, render
from server import dialogue, safety
from server.clients.rasa import RasaClient, RasaUnavailable
from server.domain import cases, conversations, invite_codes
from server.domain.conversations import LinkResult
from server.domain.db import session_scope
from server.domain.models import Conversation, Message
from server.settings import get_settings

# Single-word opt-outs (Twilio's list) always stop, whatever the model makes of them, even with Rasa down.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
# "Talk to a person" in one word, in each language we speak (CZŁOWIEK reads CZLOWIEK once its accent is off).
PERSON_WORDS = frozenset({"PERSON", "HUMAN", "CZLOWIEK"})
# A language's button: "lang:pl".
LANGUAGE_CHOICE = re.compile(r"lang:[a-z]{2,3}")


def keyword(text: str) -> str:
    """A one-word message as a keyword: case, accents, spaces and punctuation do not matter."""
    return re.sub(r"[^A-Za-z]", "", fold(text)).upper() if len(text) <= 20 else ""


def as_command(text: str) -> str:
    """One-word requests every channel honours, whatever the model makes of them."""
    return "/request_human" if keyword(text) in PERSON_WORDS else text


def is_stop(text: str) -> bool:
    return text.strip() == "/stop" or keyword(text) in STOP_WORDS


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


@dataclass
class Reply:
    messages: list[Rendered]
    # 200, or the 4xx/5xx a channel that has status codes should answer with (the words are still easy read).
    status: int = 200
    message_id: int | None = None
    case_id: int | None = None
    language: str = "en"
    duplicate_of: list[str] | None = field(default=None)


def say(name: str, language: str, channel: str, **args: object) -> Rendered:
    message = render(f"utter_{name}", language, channel, args)
    assert message is not None, name
    return message


def from_rasa(message: dict[str, Any]) -> Rendered:
    custom = message.get("custom") if isinstance(message.get("custom"), dict) else {}
    return Rendered(
        text=str(message.get("text") or ""),
        buttons=[
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in message.get("buttons") or []
            if isinstance(b, dict)
        ],
        image=message.get("image") or None,
        audio=(custom or {}).get("audio"),
    )


def from_rasa_all(raw: list[dict[str, Any]], language: str) -> list[Rendered]:
    """Rasa's messages as ours. Rasa sends a message's picture as a message of its own, straight after the words:
    it goes back beside them, with its text alternative in the person's language."""
    messages: list[Rendered] = []
    for message in raw:
        if message.get("text"):
            messages.append(from_rasa(message))
        elif message.get("image") and messages and messages[-1].image is None:
            messages[-1].image = str(message["image"])
            messages[-1].alt = picture_alt(messages[-1].image, language)
    return messages


def _link(session: Session, conversation: Conversation, message: Inbound) -> tuple[Rendered, int] | None:
    """Tie a new conversation to its case; None when linked, else what to tell the person and the status."""
    settings = get_settings()
    language = conversation.language
    if message.phone:
        case = cases.by_phone(session, message.phone)
        if case is not None:
            conversations.attach(session, conversation, case)
            return None
    candidate = message.invite_code or (message.text if invite_codes.looks_like_code(message.text) else None)
    if candidate is None:
        return say("ask_code", language, message.channel), 200
    result = conversations.link_by_code(
        session, conversation, candidate, message.attempt_key, settings.code_attempts_per_hour
    )
    if result is LinkResult.LOCKED:
        return say("code_locked", language, message.channel), 429
    if result is LinkResult.WRONG:
        return say("code_wrong", language, message.channel), 200
    return None


@dataclass(frozen=True)
class ForRasa:
    """A stored message that needs the language model to answer it."""

    message_id: int
    conversation_id: str
    channel: str
    language: str
    case_id: int | None
    text: str


# Channels that can send a late answer by themselves (a text can; a web page fetches it; a call cannot).
Deliver = Callable[[ForRasa, list[Rendered]], Awaitable[None]]
DELIVERERS: dict[str, Deliver] = {}
_LATE: set[asyncio.Task[None]] = set()


def _answer_directly(session: Session, message: Inbound, reply: Reply) -> ForRasa | None:
    """Everything that needs no model; the message to send to Rasa otherwise."""
    text = as_command(message.text)
    conversation = conversations.get_or_create(
        session, message.conversation_id, message.channel, get_settings().default_language
    )
    stored = conversations.store_inbound(session, conversation, text, message.external_id)
    reply.message_id, reply.language = stored.id, conversation.language
    # Whatever happens next, this message is answered now, unless it waits for Rasa below.
    stored.processed = True
    if conversation.case_id is None and safety.suggests_risk(text):
        reply.messages = [say("safety", reply.language, message.channel)]
        return None
    if conversation.case_id is None:
        problem = _link(session, conversation, message)
        if problem is not None:
            reply.messages, reply.status = [problem[0]], problem[1]
            return None
        if not is_stop(text):
            # Once the case is known, the conversation starts as if they had said hello.
            text = "/greet"
    reply.case_id, reply.language = conversation.case_id, conversation.language
    # Without the model: STOP always works, risk always gets a person, and typed answers to questions
    # with their own choices (a day, a name) are taken as they are.
    if is_stop(text):
        responses: list[dict[str, object]] | None = dialogue.run(session, conversation, "action_stop", "stop", 1.0)
    elif LANGUAGE_CHOICE.fullmatch(text):
        # A language's button ("lang:pl") needs no model either.
        responses = dialogue.run(session, conversation, "action_change_language", "change_language", 1.0, text)
    elif safety.suggests_risk(text):
        responses = dialogue.run(session, conversation, "action_distress", "distress", 1.0, text)
    else:
        responses = dialogue.capture(session, conversation, text)
    if responses is not None:
        reply.language = conversation.language
        reply.messages = dialogue.rendered(responses, conversation.language, message.channel)
        return None
    stored.processed = False
    return ForRasa(stored.id, conversation.id, message.channel, conversation.language, conversation.case_id, text)


def _answered(message_id: int) -> None:
    with session_scope() as session:
        row = session.get(Message, message_id)
        if row is not None:
            row.processed = True


@dataclass(frozen=True)
class Answer:
    messages: list[Rendered]
    # The conversation's language after Rasa answered: the person may have just switched it.
    language: str


async def answer_from_rasa(rasa: RasaClient, pending: ForRasa) -> Answer:
    """Rasa's answer, with the message marked answered; raises RasaUnavailable and leaves it waiting."""
    raw = await rasa.send(
        pending.conversation_id, pending.text, {"channel": pending.channel, "language": pending.language}
    )
    # One unit of work: marked answered, and the language read in the same round trip to the database.
    with session_scope() as session:
        row = session.get(Message, pending.message_id)
        if row is not None:
            row.processed = True
        conversation = conversations.get(session, pending.conversation_id)
        language = conversation.language if conversation is not None else pending.language
    messages = from_rasa_all(raw, language)
    # Silence would leave the person wondering if anyone heard them; say so and let them try again.
    return Answer(messages or [say("not_understood", language, pending.channel)], language)


async def ask_rasa(rasa: RasaClient, pending: ForRasa) -> list[Rendered]:
    return (await answer_from_rasa(rasa, pending)).messages


def language_now(pending: ForRasa) -> str:
    """The conversation's language after Rasa answered: the person may have just switched it."""
    with session_scope() as session:
        conversation = conversations.get(session, pending.conversation_id)
        return conversation.language if conversation is not None else pending.language


async def deliver_late(pending: ForRasa, messages: list[Rendered]) -> None:
    deliver = DELIVERERS.get(pending.channel)
    if deliver is not None and messages:
        await deliver(pending, messages)


async def _finish_late(task: asyncio.Task[Answer], pending: ForRasa) -> None:
    try:
        answer = await task
    except RasaUnavailable:
        return  # still stored and unanswered: the retry loop answers it when Rasa is back
    await deliver_late(pending, answer.messages)


async def handle(rasa: RasaClient, message: Inbound) -> Reply:
    reply = Reply([])
    with session_scope() as session:
        try:
            with session.begin_nested():
                pending = _answer_directly(session, message, reply)
        except IntegrityError:
            earlier = conversations.by_external_id(session, message.external_id or "")
            return Reply([], duplicate_of=(earlier.reply if earlier else None) or [])
    if pending is None:
        return reply
    task = asyncio.create_task(answer_from_rasa(rasa, pending))
    if pending.channel not in DELIVERERS:
        # A phone call cannot be answered later: wait for Rasa, and if it is down say so and let them try again.
        try:
            answer = await task
            reply.messages, reply.language = answer.messages, answer.language
        except RasaUnavailable:
            _answered(pending.message_id)
            reply.messages = [say("error_try_again", reply.language, message.channel)]
        return reply
    try:
        answer = await asyncio.wait_for(asyncio.shield(task), get_settings().holding_reply_after_seconds)
        reply.messages, reply.language = answer.messages, answer.language
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
