"""A text in, the texts back: the text as one inbound message, and the bot's messages as few texts as fit
(numbered choices: "Reply 1 for Yes."). Late answers go out as new texts.

What a text gets before the conversation sees it (HELP, START, nothing after a STOP) is the domain's rule
(server.domain.outbound); everything goes through the same path as the web chat (server.inbound).
"""

from __future__ import annotations

from dialogue.reading import is_stop, keyword
from easyread.render import Rendered
from easyread.sms_words import as_texts, choice_for
from server import inbound
from server.channels.sms import send
from server.clients.rasa import RasaClient
from server.domain import cases, conversations, invite_codes, outbound
from server.domain.db import session_scope
from server.domain.outbound import TextRule

CHANNEL = "sms"
# The message key each rule answers with ("" for nothing); the conversation answers the rest.
ANSWERS = {TextRule.HELP: "sms.help", TextRule.STARTED: "sms.started", TextRule.SILENT: ""}


async def receive(rasa: RasaClient, raw_from: str, body: str, sid: str) -> list[str]:
    """The texts to send back (each one SMS) for one incoming text; the same for a retried MessageSid."""
    phone = cases.sender_phone(raw_from)
    conversation_id = f"{CHANNEL}:{phone}"
    stop = is_stop(body)
    with session_scope() as session:
        rule = outbound.rule_for_text(session, phone, keyword(body), stop)
        conversation = conversations.get(session, conversation_id)
        choices = dict(conversation.choices) if conversation else {}
    by_rule = ANSWERS.get(rule)
    message = inbound.Inbound(
        channel=CHANNEL,
        conversation_id=conversation_id,
        text=body if by_rule is not None else choice_for(body, choices) or body,
        attempt_key=invite_codes.attempt_key(CHANNEL, phone),
        phone=phone,
        external_id=sid,
        answer_with=by_rule,
    )
    reply = await inbound.handle(rasa, message)
    if reply.duplicate_of is not None:
        return reply.duplicate_of
    bodies, offered = as_texts(reply.messages, reply.language)
    with session_scope() as session:
        if rule is TextRule.CONVERSATION:
            conversations.offer_choices(session, conversation_id, offered)
        if reply.message_id is not None:
            conversations.save_reply(session, reply.message_id, bodies)
        outbound.text_answered(session, phone, reply.case_id, rule, stop)
    return bodies


async def deliver_late(pending: inbound.ForRasa, messages: list[Rendered]) -> None:
    """An answer that came after Twilio's webhook was answered: send it as new texts."""
    phone = pending.conversation_id.removeprefix(f"{CHANNEL}:")
    bodies, offered = as_texts(messages, inbound.language_now(pending))
    for body in bodies:
        await send.send_sms(pending.case_id, "reply", phone, body)
    with session_scope() as session:
        conversations.offer_choices(session, pending.conversation_id, offered)


inbound.DELIVERERS[CHANNEL] = deliver_late
