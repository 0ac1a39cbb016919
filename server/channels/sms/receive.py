"""A text in, the texts back: Twilio's keywords (STOP, START, HELP), numbered choices, and late answers.

Everything else goes through the same path as the web chat (server.inbound).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from dialogue.reading import is_stop, keyword
from easyread.render import Rendered, text
from easyread.sms import as_texts, choice_for
from server import inbound
from server.channels.sms import send
from server.clients.rasa import RasaClient
from server.domain import cases, conversations, invite_codes, outbound
from server.domain.db import session_scope
from server.domain.errors import InvalidInput
from server.settings import get_settings

HELP_WORDS = frozenset({"HELP", "INFO"})
# After a STOP, Twilio takes these as opting back in. None of them is consent to take part.
START_WORDS = frozenset({"START", "UNSTOP", "YES"})


def sender(raw: str) -> str:
    try:
        return cases.normalise_phone(raw)
    except InvalidInput:
        return raw.strip()[:20]


def _answer_directly(phone: str, body: str, sid: str, key: str, opt_in: bool = False) -> list[str]:
    """A keyword answered without the conversation: stored and remembered like any other message."""
    language = get_settings().default_language
    with session_scope() as session:
        conversation = conversations.get_or_create(session, f"sms:{phone}", "sms", language)
        try:
            with session.begin_nested():
                stored = conversations.store_inbound(session, conversation, body, sid)
        except IntegrityError:
            earlier = conversations.by_external_id(session, sid)
            return (earlier.reply if earlier else None) or []
        if opt_in:
            outbound.opt_in(session, phone, conversation.case_id)
        bodies = [text(key, conversation.language)] if key else []
        stored.processed = True
        conversations.save_reply(session, stored.id, bodies)
        return bodies


async def receive(rasa: RasaClient, raw_from: str, body: str, sid: str) -> list[str]:
    """The texts to send back (each one SMS) for one incoming text; the same for a retried MessageSid."""
    phone = sender(raw_from)
    conversation_id = f"sms:{phone}"
    word = keyword(body)
    with session_scope() as session:
        earlier = conversations.by_external_id(session, sid)
        if earlier is not None:
            return earlier.reply or []
        opted_out = outbound.is_opted_out(session, phone)
        conversation = conversations.get(session, conversation_id)
        choices = dict(conversation.choices) if conversation else {}
    if word in HELP_WORDS:
        return _answer_directly(phone, body, sid, "sms.help")
    if opted_out and word in START_WORDS:
        return _answer_directly(phone, body, sid, "sms.started", opt_in=True)
    if opted_out and not is_stop(body):
        # Nothing is sent to a number that said STOP until it says START; the message is still kept.
        return _answer_directly(phone, body, sid, "")
    message = inbound.Inbound(
        channel="sms",
        conversation_id=conversation_id,
        text=choice_for(body, choices) or body,
        attempt_key=invite_codes.attempt_key("sms", phone),
        phone=phone,
        external_id=sid,
    )
    reply = await inbound.handle(rasa, message)
    if reply.duplicate_of is not None:
        return reply.duplicate_of
    bodies, offered = as_texts(reply.messages, reply.language)
    with session_scope() as session:
        conversations.offer_choices(session, conversation_id, offered)
        if reply.message_id is not None:
            conversations.save_reply(session, reply.message_id, bodies)
        if is_stop(body):
            outbound.opt_out(session, phone, reply.case_id)
    return bodies


async def deliver_late(pending: inbound.ForRasa, messages: list[Rendered]) -> None:
    """An answer that came after Twilio's webhook was answered: send it as new texts."""
    phone = pending.conversation_id.removeprefix("sms:")
    bodies, offered = as_texts(messages, inbound.language_now(pending))
    for body in bodies:
        await send.send_sms(pending.case_id, "reply", phone, body)
    with session_scope() as session:
        conversations.offer_choices(session, pending.conversation_id, offered)


inbound.DELIVERERS["sms"] = deliver_late
