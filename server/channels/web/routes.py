"""The web chat channel: POST /chat/messages, in the shape of Rasa's REST channel."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from easyread.render import Rendered, same_for_everyone
from server.channels.web import listen, wire
from server.channels.web.wire import BotMessage, ChatIn, WaitingFor
from server.domain import invite_codes
from server.limits import client_address, limits_of
from server.services import conversations, inbound

router = APIRouter(tags=["web chat"])


@router.post("/chat/messages", response_model=list[BotMessage], response_model_exclude_none=True)
async def chat_message(body: ChatIn, request: Request) -> Any:
    client = client_address(request)
    limits = limits_of(request)
    if not await limits.allow("address", client) or not await limits.allow("chat", body.sender):
        return wire.too_many()
    message = inbound.Inbound(
        channel="web",
        conversation_id=f"web:{body.sender}",
        text=body.message.strip() or body.message,
        invite_code=body.metadata.invite_code if body.metadata else None,
        attempt_key=invite_codes.attempt_key("web", client),
    )
    reply = await inbound.handle(request.app.state.rasa, message, WIRE, request.app.state.linked)
    if reply.message_id is not None:
        # The "Listen" button reads a message aloud in the phone voice, made only when pressed (from the reply the
        # turn kept, or the shared prompts for a fixed message): nothing is written for a button nobody presses.
        for index, m in enumerate(reply.messages):
            if m.text.strip():
                m.audio = m.audio or listen.url(reply.message_id, index, m.text, reply.language)
    messages = [
        wire.with_lang(m.as_dict(), reply.language if reply.case_id is not None else None) for m in reply.messages
    ]
    # Sent as built (each message as `BotMessage` declares it, nothing empty in it): checking our own messages
    # against the model again cost more than the rest of the answer. A refusal is still a list of easy-read
    # messages, so the page can show the person what to do next.
    return JSONResponse(messages, status_code=reply.status)


async def deliver_late(pending: inbound.ForRasa, answer: inbound.Answer) -> None:
    """An answer that came after the page was answered: kept until the page asks for it."""
    # In the language after Rasa answered: the late answer may be the one that switched it.
    language = answer.language if pending.case_id is not None else None
    bodies = [json.dumps(wire.with_lang(message.as_dict(), language)) for message in answer.messages]
    conversations.keep_for_page(pending.conversation_id, bodies)


def for_listen(messages: list[Rendered], language: str) -> tuple[list[str], dict[str, str]]:
    """What the turn keeps with its message, in its own transaction: the words of the reply made for this person (a
    greeting naming their council, a read-back), "" for a fixed message, which Listen finds among the content
    (listen.py reads them when the button is pressed). The web chat offers no numbered choices."""
    return ["" if same_for_everyone(m.text) else m.text for m in messages], {}


WIRE = inbound.Wire("web", encode=for_listen, deliver=deliver_late)


@router.post("/chat/messages/waiting", response_model=list[BotMessage], response_model_exclude_none=True)
def waiting_messages(body: WaitingFor) -> Any:
    """Answers that came late (the helper was busy): the page asks for them after a "we will reply soon". A POST,
    because each answer is handed out once: asking takes them."""
    return [json.loads(late) for late in conversations.waiting(f"web:{body.sender}")]
