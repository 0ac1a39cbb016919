"""Runs one custom action for a conversation: for Rasa's action webhook, and directly when Rasa is not needed
(STOP must work even if Rasa is down)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions import REGISTRY
from actions.base import CAPTURE, Turn
from easyread.languages import requested
from easyread.render import Rendered, render
from server.domain import conversations, councils
from server.domain.models import Case, Conversation

# A response's argument naming the language to render it in, when it is not the one the message came in.
LANGUAGE_ARG = "language"


def _turn(session: Session, conversation: Conversation, intent: str, confidence: float, text: str) -> Turn | None:
    case = session.get(Case, conversation.case_id) if conversation.case_id is not None else None
    if case is None:
        return None
    return Turn(
        session=session,
        conversation=conversation,
        case=case,
        intent=intent,
        confidence=confidence,
        council_name=councils.get(session, case.council_id).name,
        text=text,
    )


def _finish(session: Session, conversation: Conversation, turn: Turn, language: str) -> list[dict[str, object]]:
    if turn.understood:
        conversations.note_understood(session, conversation, understood=True)
    if conversation.language != language:
        # The person switched language this turn: Rasa's message metadata still names the old one, so each
        # response carries the new one to the NLG endpoint.
        return [{**response, LANGUAGE_ARG: conversation.language} for response in turn.responses]
    return turn.responses


def capture(session: Session, conversation: Conversation, text: str) -> list[dict[str, object]] | None:
    """A typed answer to a question with its own choices or free text; None when it is not one (ask Rasa)."""
    handler = CAPTURE.get(conversation.stage)
    if handler is None or text.startswith("/"):
        return None
    if conversation.stage != "pref_language" and requested(text) is not None:
        # "po polsku" while a name or a date is asked for is a request to switch, not the answer (Rasa decides).
        # Asked which language they speak (for an interpreter), naming one is the answer.
        return None
    turn = _turn(session, conversation, "capture", 1.0, text)
    if turn is None or not handler(turn):
        return None
    return _finish(session, conversation, turn, conversation.language)


def run(
    session: Session, conversation: Conversation, action: str, intent: str, confidence: float, text: str = ""
) -> list[dict[str, object]]:
    """The responses (names and arguments) the action chose; the conversation must belong to a case."""
    turn = _turn(session, conversation, intent, confidence, text)
    if turn is None:
        return [{"response": "utter_ask_code"}]
    language = conversation.language
    REGISTRY[action](turn)
    return _finish(session, conversation, turn, language)


def known(action: str) -> bool:
    return action in REGISTRY


def rendered(responses: list[dict[str, object]], language: str, channel: str) -> list[Rendered]:
    out = []
    for response in responses:
        args = {k: v for k, v in response.items() if k not in ("response", LANGUAGE_ARG)}
        message = render(str(response["response"]), str(response.get(LANGUAGE_ARG) or language), channel, args)
        if message is not None:
            out.append(message)
    return out
