"""One path for every message a person sends, whatever the channel: store it, find its case, ask Rasa.

Channels only translate to and from this; what happens next is decided by the actions and the domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from easyread.render import Rendered, render
from server.clients.rasa import RasaClient, RasaUnavailable
from server.domain import conversations, invite_codes
from server.domain.conversations import LinkResult
from server.domain.db import session_scope
from server.domain.models import Message
from server.settings import get_settings

# Single-word opt-outs (Twilio's list) always stop, whatever the model makes of them.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})


def is_stop_word(text: str) -> bool:
    return re.sub(r"[^A-Za-z]", "", text).upper() in STOP_WORDS and len(text) <= 20


@dataclass
class Reply:
    messages: list[Rendered]
    # 200, or the 4xx/5xx a channel that has status codes should answer with (the words are still easy read).
    status: int = 200


def _say(name: str, language: str, channel: str) -> Rendered:
    message = render(f"utter_{name}", language, channel)
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


async def handle(
    rasa: RasaClient, channel: str, conversation_id: str, text: str, invite_code: str | None, attempt_key: str
) -> Reply:
    settings = get_settings()
    with session_scope() as session:
        conversation = conversations.get_or_create(session, conversation_id, channel, settings.default_language)
        stored = conversations.store_inbound(session, conversation, text)
        language = conversation.language
        if conversation.case_id is None:
            candidate = invite_code or (text if invite_codes.looks_like_code(text) else None)
            if candidate is None:
                return Reply([_say("ask_code", language, channel)])
            result = conversations.link_by_code(
                session, conversation, candidate, attempt_key, settings.code_attempts_per_hour
            )
            if result is LinkResult.LOCKED:
                return Reply([_say("code_locked", language, channel)], status=429)
            if result is LinkResult.WRONG:
                return Reply([_say("code_wrong", language, channel)])
            language = conversation.language
            stored.processed = True
            # Once the code is right, the conversation starts as if they had said hello.
            text = "/greet"
        message_id = stored.id
    if is_stop_word(text):
        text = "/stop"
    try:
        raw = await rasa.send(conversation_id, text, {"channel": channel, "language": language})
    except RasaUnavailable:
        return Reply([_say("error_try_again", language, channel)], status=503)
    with session_scope() as session:
        row = session.get(Message, message_id)
        if row is not None:
            row.processed = True
    messages = [from_rasa(m) for m in raw if m.get("text")]
    # Silence would leave the person wondering if anyone heard them; say so and let them try again.
    return Reply(messages or [_say("not_understood", language, channel)])
