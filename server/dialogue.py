"""Runs one custom action for a conversation: for Rasa's action webhook, and directly when Rasa is not needed
(STOP must work even if Rasa is down)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions import REGISTRY
from actions.base import Turn
from easyread.render import Rendered, render
from server.domain import conversations, councils
from server.domain.models import Case, Conversation


def run(
    session: Session, conversation: Conversation, action: str, intent: str, confidence: float
) -> list[dict[str, object]]:
    """The responses (names and arguments) the action chose; the conversation must belong to a case."""
    case = session.get(Case, conversation.case_id) if conversation.case_id is not None else None
    if case is None:
        return [{"response": "utter_ask_code"}]
    turn = Turn(
        session=session,
        conversation=conversation,
        case=case,
        intent=intent,
        confidence=confidence,
        council_name=councils.get(session, case.council_id).name,
    )
    REGISTRY[action](turn)
    if turn.understood:
        conversations.note_understood(session, conversation, understood=True)
    return turn.responses


def known(action: str) -> bool:
    return action in REGISTRY


def rendered(responses: list[dict[str, object]], language: str, channel: str) -> list[Rendered]:
    out = []
    for response in responses:
        args = {k: v for k, v in response.items() if k != "response"}
        message = render(str(response["response"]), language, channel, args)
        if message is not None:
            out.append(message)
    return out
