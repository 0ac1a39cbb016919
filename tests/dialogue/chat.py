"""A web conversation answered by the dialogue exactly as the server answers a message, for the dialogue's tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from actions import port
from dialogue import run as dialogue
from dialogue.reading import NO_MODEL, Understanding
from easyread.render import RESPONSES
from server.domain import conversations
from server.domain.conversations import Position
from server.domain.db import session_scope
from server.domain.models import Case


class Chat:
    """One web conversation, answered by the dialogue as the server answers it."""

    def __init__(self, client: TestClient, staff: dict[str, str], case_id: int, language: str = "en") -> None:
        self.client = client
        self.staff = staff
        self.case_id = case_id
        self.sender = f"web:test-{case_id}"
        with session_scope() as session:
            conversation = conversations.get_or_create(session, self.sender, "web", language, "start")
            case = session.get(Case, case_id)
            assert case is not None
            conversations.attach(session, conversation, case)

    def turn(self, text: str, intent: str = "", confidence: float = 1.0) -> list[str]:
        """What the bot says to `text`; `intent` is the model's reading of it, when the words need one."""
        return [str(r["response"]) for r in self.responses(text, intent, confidence)]

    def responses(self, text: str, intent: str = "", confidence: float = 1.0) -> list[dict[str, object]]:
        nlu = Understanding(((intent, confidence),)) if intent else NO_MODEL
        try:
            with session_scope() as session:
                conversation = conversations.get(session, self.sender)
                assert conversation is not None
                responses = dialogue.answer(port.of(session, conversation), text, nlu)
        except dialogue.Failed:
            # As the server does (server/services/turn.py, `unit`): the turn undone, and the easy-read sorry.
            responses = dialogue.sorry()
        assert all(r["response"] in RESPONSES for r in responses), responses
        return responses

    def move(self, stage: str) -> None:
        with session_scope() as session:
            conversation = conversations.get(session, self.sender)
            assert conversation is not None
            conversations.move(session, conversation, Position(stage))

    def languages(self) -> tuple[str, str]:
        with session_scope() as session:
            conversation = conversations.get(session, self.sender)
            case = session.get(Case, self.case_id)
            assert conversation is not None and case is not None
            return conversation.language, case.language

    def consent(self) -> dict[str, Any]:
        case: dict[str, Any] = self.client.get(f"/api/cases/{self.case_id}", headers=self.staff).json()
        return dict(case["consent"])

    def to_question(self) -> None:
        assert self.turn("hello") == ["utter_greet", "utter_why_contact", "utter_ask_who"]
        assert self.turn("it's me") == [
            "utter_explain_what_happens",
            "utter_explain_who_talk",
            "utter_explain_what_info",
        ]
        assert self.turn("ok") == ["utter_explain_someone_with_me", "utter_explain_how_used"]
        assert self.turn("ok") == ["utter_explain_can_stop", "utter_explain_contact", "utter_ask_consent"]
