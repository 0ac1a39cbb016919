"""A text in, the texts back: the text as one inbound message, and the bot's messages as few texts as fit
(numbered choices: "Reply 1 for Yes."). Late answers go out as new texts.

The texting rules (HELP, START, nothing after a STOP) and the numbered replies are applied inside the turn's one
unit of work (server.services.inbound), with what this module lends it (`WIRE`).
"""

from __future__ import annotations

from easyread.sms_words import as_texts, choice_for
from server.clients.rasa import RasaClient
from server.domain import cases, invite_codes
from server.services import hearing, inbound, texts

CHANNEL = "sms"


async def receive(
    rasa: RasaClient, raw_from: str, body: str, sid: str, linked: hearing.Linked | None = None
) -> list[str]:
    """The texts to send back (each one SMS) for one incoming text; the same for a retried MessageSid."""
    phone = cases.sender_phone(raw_from)
    message = inbound.Inbound(
        channel=CHANNEL,
        conversation_id=f"{CHANNEL}:{phone}",
        text=body,
        attempt_key=invite_codes.attempt_key(CHANNEL, phone),
        phone=phone,
        external_id=sid,
    )
    reply = await inbound.handle(rasa, message, WIRE, linked)
    if reply.duplicate_of is not None:
        return reply.duplicate_of
    return reply.bodies or as_texts(reply.messages, reply.language)[0]


async def deliver_late(pending: inbound.ForRasa, answer: inbound.Answer) -> None:
    """An answer that came after Twilio's webhook was answered: send it as new texts (the choices they offer were
    saved with the answer)."""
    phone = pending.conversation_id.removeprefix(f"{CHANNEL}:")
    for body in answer.bodies or as_texts(answer.messages, answer.language)[0]:
        await texts.send(pending.case_id, "reply", phone, body)


WIRE = inbound.Wire(CHANNEL, choose=choice_for, encode=as_texts, deliver=deliver_late, texting=True)
