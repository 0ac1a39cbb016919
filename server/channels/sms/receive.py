"""A text in, the texts back: the text as one inbound message, and the bot's messages as few texts as fit
(numbered choices: "Reply 1 for Yes."). Late answers go out as new texts.

What a text gets before the conversation sees it (HELP, START, nothing after a STOP) is the domain's rule, asked
through server.services.texts; everything goes through the same path as the web chat (server.services.inbound).
"""

from __future__ import annotations

from dialogue.reading import is_stop, keyword
from easyread.sms_words import as_texts, choice_for
from server.clients.rasa import RasaClient
from server.domain import cases, invite_codes
from server.domain.outbound import TextRule
from server.services import inbound, texts

CHANNEL = "sms"
# The message key each rule answers with ("" for nothing); the conversation answers the rest.
ANSWERS = {TextRule.HELP: "sms.help", TextRule.STARTED: "sms.started", TextRule.SILENT: ""}


async def receive(rasa: RasaClient, raw_from: str, body: str, sid: str) -> list[str]:
    """The texts to send back (each one SMS) for one incoming text; the same for a retried MessageSid."""
    phone = cases.sender_phone(raw_from)
    conversation_id = f"{CHANNEL}:{phone}"
    stop = is_stop(body)
    before = texts.incoming(phone, conversation_id, keyword(body), stop)
    by_rule = ANSWERS.get(before.rule)
    message = inbound.Inbound(
        channel=CHANNEL,
        conversation_id=conversation_id,
        text=body if by_rule is not None else choice_for(body, before.choices) or body,
        attempt_key=invite_codes.attempt_key(CHANNEL, phone),
        phone=phone,
        external_id=sid,
        answer_with=by_rule,
    )
    reply = await inbound.handle(rasa, message)
    if reply.duplicate_of is not None:
        return reply.duplicate_of
    bodies, offered = as_texts(reply.messages, reply.language)
    texts.answered(before, phone, conversation_id, reply.message_id, reply.case_id, bodies, offered, stop)
    return bodies


async def deliver_late(pending: inbound.ForRasa, answer: inbound.Answer) -> None:
    """An answer that came after Twilio's webhook was answered: send it as new texts."""
    phone = pending.conversation_id.removeprefix(f"{CHANNEL}:")
    bodies, offered = as_texts(answer.messages, answer.language)
    for body in bodies:
        await texts.send(pending.case_id, "reply", phone, body)
    texts.offered(pending.conversation_id, offered)


inbound.DELIVERERS[CHANNEL] = deliver_late
