"""Talking in another language: the person asks ("po polsku", "in English please") or picks one from a list.

The new language is the conversation's and the case's from now on; the bot says so in it, then asks again,
in it, whatever the person was being asked.
"""

from __future__ import annotations

from actions import flow
from actions.base import Turn, action
from easyread.languages import available, requested
from server.domain import conversations

# A language's button sends "lang:<code>" (easyread/render.py LANGUAGE_BUTTONS).
PAYLOAD_PREFIX = "lang:"


def chosen(text: str) -> str | None:
    """The language a message asks for: a button's payload, or a language named in words."""
    if text.startswith(PAYLOAD_PREFIX):
        code = text.removeprefix(PAYLOAD_PREFIX).strip()
        return code if code in available() else None
    return requested(text)


@action("action_change_language")
def change_language(turn: Turn) -> None:
    language = chosen(turn.text)
    if language is None:
        # "Another language please": offer the ones we speak; other languages need an interpreter and a person.
        turn.say("choose_language")
        return
    conversations.set_language(turn.session, turn.conversation, language, actor=f"person:{turn.channel}")
    turn.say("language_changed")
    flow.prompt(turn)
