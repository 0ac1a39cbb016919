"""One path for every message a person sends, whatever the channel: store it, find its case, ask Rasa.

Channels only translate to and from this; what happens next is decided by the actions and the domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from easyread.render import Rendered, render
from server import dialogue, safety
from server.clients.rasa import RasaClient, RasaUnavailable
from server.domain import cases, conversations, invite_codes
from server.domain.conversations import LinkResult
from server.domain.db import session_scope
from server.domain.models import Conversation, Message
from server.settings import get_settings

# Single-word opt-outs (Twilio's list) always stop, whatever the model makes of them, even with Rasa down.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})


def keyword(text: str) -> str:
    """A one-word message as a keyword: case, spaces and punctuation do not matter."""
    return re.sub(r"[^A-Za-z]", "", text).upper() if len(text) <= 20 else ""


def as_command(text: str) -> str:
    """One-word requests every channel honours, whatever the model makes of them."""
    return "/request_human" if keyword(text) in ("PERSON", "HUMAN") else text


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


async def handle(rasa: RasaClient, message: Inbound) -> Reply:
    settings = get_settings()
    text = as_command(message.text)
    with session_scope() as session:
        conversation = conversations.get_or_create(
            session, message.conversation_id, message.channel, settings.default_language
        )
        try:
            with session.begin_nested():
                stored = conversations.store_inbound(session, conversation, text, message.external_id)
        except IntegrityError:
            earlier = conversations.by_external_id(session, message.external_id or "")
            return Reply([], duplicate_of=(earlier.reply if earlier else None) or [])
        reply = Reply([], message_id=stored.id, language=conversation.language)
        if conversation.case_id is None and safety.suggests_risk(text):
            reply.messages = [say("safety", reply.language, message.channel)]
            return reply
        if conversation.case_id is None:
            problem = _link(session, conversation, message)
            if problem is not None:
                reply.messages, reply.status = [problem[0]], problem[1]
                return reply
            if not is_stop(text):
                # Once the case is known, the conversation starts as if they had said hello.
                text = "/greet"
        reply.case_id = conversation.case_id
        reply.language = conversation.language
        # Without the model: STOP always works, risk always gets a person, and typed answers to questions
        # with their own choices (a day, a name) are taken as they are.
        if is_stop(text):
            responses: list[dict[str, object]] | None = dialogue.run(session, conversation, "action_stop", "stop", 1.0)
        elif safety.suggests_risk(text):
            responses = dialogue.run(session, conversation, "action_distress", "distress", 1.0, text)
        else:
            responses = dialogue.capture(session, conversation, text)
        if responses is not None:
            stored.processed = True
            reply.messages = dialogue.rendered(responses, conversation.language, message.channel)
            return reply
    try:
        raw = await rasa.send(message.conversation_id, text, {"channel": message.channel, "language": reply.language})
    except RasaUnavailable:
        reply.messages = [say("error_try_again", reply.language, message.channel)]
        reply.status = 503
        return reply
    with session_scope() as session:
        row = session.get(Message, reply.message_id)
        if row is not None:
            row.processed = True
    messages = [from_rasa(m) for m in raw if m.get("text")]
    # Silence would leave the person wondering if anyone heard them; say so and let them try again.
    reply.messages = messages or [say("not_understood", reply.language, message.channel)]
    return reply
