"""Switching language by asking: the conversation and the case change, and the question comes again in it."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from actions import answers
from easyread.render import render
from server import dialogue
from server.domain import audit, conversations
from server.domain.conversations import Position
from server.domain.db import session_scope
from server.domain.models import Case
from tests.support import INTERNAL_TOKEN, council_with_staff, new_case

SENDER = "langtest-0001"


class Chat:
    """Plays Rasa's part, as in test_flow: one action call per turn, then the NLG call for each response."""

    def __init__(self, client: TestClient, case_id: int, language: str = "en") -> None:
        self.client = client
        self.case_id = case_id
        self.sender = f"web:{SENDER}"
        self.language = language
        with session_scope() as session:
            conversation = conversations.get_or_create(session, self.sender, "web", language)
            case = session.get(Case, case_id)
            assert case is not None
            conversations.attach(session, conversation, case)

    def turn(self, action: str, intent: str, text: str = "") -> list[dict[str, Any]]:
        tracker = {
            "sender_id": self.sender,
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 1.0},
                # What the server sent with the message: the language before any switch.
                "metadata": {"channel": "web", "language": self.language},
            },
        }
        body = {"next_action": action, "sender_id": self.sender, "tracker": tracker, "domain": {}}
        response = self.client.post(f"/rasa/actions?token={INTERNAL_TOKEN}", json=body)
        assert response.status_code == 200, response.text
        responses: list[dict[str, Any]] = response.json()["responses"]
        return responses

    def words(self, responses: list[dict[str, Any]]) -> list[str]:
        """Each response as Rasa's NLG call renders it."""
        said = []
        for item in responses:
            arguments = {k: v for k, v in item.items() if k != "response"}
            body = {"response": item["response"], "arguments": arguments, "tracker": self.tracker(), "channel": {}}
            rendered = self.client.post(f"/rasa/nlg?token={INTERNAL_TOKEN}", json=body).json()
            said.append(rendered["text"])
        return said

    def tracker(self) -> dict[str, Any]:
        return {"sender_id": self.sender, "latest_message": {"metadata": {"channel": "web", "language": self.language}}}

    def move(self, stage: str, step: int = 0) -> None:
        with session_scope() as session:
            conversation = conversations.get(session, self.sender)
            assert conversation is not None
            conversations.move(session, conversation, Position(stage, step))

    def languages(self) -> tuple[str, str]:
        with session_scope() as session:
            conversation = conversations.get(session, self.sender)
            case = session.get(Case, self.case_id)
            assert conversation is not None and case is not None
            return conversation.language, case.language


@pytest.fixture
def case_id(client: TestClient) -> int:
    council = council_with_staff(client, "West Council")
    return int(new_case(client, council.staff, "W-1")["id"])


def test_asking_for_polish_switches_and_asks_the_same_thing_again_in_polish(client: TestClient, case_id: int) -> None:
    chat = Chat(client, case_id)
    chat.move("explain", 2)
    responses = chat.turn("action_change_language", "change_language", "can we speak Polish please")
    assert [r["response"] for r in responses] == ["utter_language_changed", "utter_explain_what_info"]
    assert all(r["language"] == "pl" for r in responses)
    words = chat.words(responses)
    assert words == [
        render("utter_language_changed", "pl", "web").text,  # type: ignore[union-attr]
        render("utter_explain_what_info", "pl", "web").text,  # type: ignore[union-attr]
    ]
    assert "po polsku" in words[0]
    # The conversation and the case speak Polish from now on; it is audited, without the person's words.
    assert chat.languages() == ("pl", "pl")
    with session_scope() as session:
        events = [e for e in audit.events_for(session, case_id) if e.action == "conversation.language_changed"]
        assert [(e.detail["from"], e.detail["to"]) for e in events] == [("en", "pl")]
        assert "Polish" not in str(events[0].detail)


def test_back_to_english_in_polish_words(client: TestClient, case_id: int) -> None:
    chat = Chat(client, case_id)
    chat.move("ask_consent")
    chat.turn("action_change_language", "change_language", "po polsku prosze")
    chat.language = "pl"
    responses = chat.turn("action_change_language", "change_language", "wolę po angielsku")
    assert [r["response"] for r in responses] == ["utter_language_changed", "utter_ask_consent"]
    assert chat.words(responses)[0] == "OK. We will talk in English now."
    assert chat.languages() == ("en", "en")


def test_asking_for_another_language_offers_the_ones_we_speak(client: TestClient, case_id: int) -> None:
    chat = Chat(client, case_id)
    chat.move("ask_consent")
    responses = chat.turn("action_change_language", "change_language", "can we use another language")
    assert [r["response"] for r in responses] == ["utter_choose_language"]
    question = render("utter_choose_language", "en", "web")
    assert question is not None
    assert [(b["title"], b["payload"]) for b in question.buttons] == [("English", "lang:en"), ("Polski", "lang:pl")]
    assert chat.languages() == ("en", "en")


def test_a_language_button_works_without_the_model(client: TestClient, case_id: int) -> None:
    chat = Chat(client, case_id)
    chat.move("ask_consent")
    reply = client.post("/chat/messages", json={"sender": SENDER, "message": "lang:pl"})
    assert reply.status_code == 200, reply.text
    texts = [m["text"] for m in reply.json()]
    assert texts[0] == "Dobrze. Teraz rozmawiamy po polsku."
    assert texts[1].startswith("Czy chcesz wziąć udział?")
    assert [b["title"] for b in reply.json()[1]["buttons"]] == ["Tak", "Nie", "Jeszcze nie wiem"]
    assert chat.languages() == ("pl", "pl")


def test_a_switch_asked_for_while_a_name_is_asked_is_not_taken_as_the_name(client: TestClient, case_id: int) -> None:
    chat = Chat(client, case_id)
    chat.move("rep_name")
    with session_scope() as session:
        conversation = conversations.get(session, chat.sender)
        assert conversation is not None
        assert dialogue.capture(session, conversation, "po polsku prosze") is None
        conversation.stage = "pref_language"
        # Asked which language they speak (for an interpreter), "Polish" is the answer.
        assert dialogue.capture(session, conversation, "Polish") is not None


@pytest.mark.parametrize(
    ("text", "field", "words", "expected"),
    [
        ("środa i piątek", "day", answers.DAY_WORDS, ["wednesday", "friday"]),
        ("sroda, piatek", "day", answers.DAY_WORDS, ["wednesday", "friday"]),
        ("poniedziałki", "day", answers.DAY_WORDS, ["monday"]),
        ("rano", "time", answers.TIME_WORDS, ["morning"]),
        ("wieczorem", "time", answers.TIME_WORDS, ["evening"]),
        ("przez telefon", "how", answers.HOW_WORDS, ["phone"]),
        ("u mnie w domu", "how", answers.HOW_WORDS, ["home"]),
        ("język migowy", "support", answers.SUPPORT_WORDS, ["bsl"]),
        ("duży druk i przerwy", "support", answers.SUPPORT_WORDS, ["large_print", "breaks"]),
        ("SMS", "contact", answers.CONTACT_WORDS, ["text"]),
    ],
)
def test_polish_answers_to_fixed_choices_are_read_with_or_without_accents(
    text: str, field: str, words: dict[str, tuple[str, ...]], expected: list[str]
) -> None:
    assert answers.choices(text, field, words) == expected


def test_polish_roles_skips_and_nones() -> None:
    assert answers.role("jestem jej córką") == "family_member"
    assert answers.role("pomagam mamie") == "family_member"
    assert answers.role("jestem jego opiekunem") == "paid_carer"
    assert answers.role("sąsiadka") == "friend"
    assert answers.role("mam pełnomocnictwo") == "attorney"
    assert answers.role("jestem jej rzecznikiem") == "independent_advocate"
    assert answers.is_skip("Pomiń") and answers.is_skip("pomin")
    assert answers.is_none("nie, dziękuję") and answers.is_none("nic")
    assert answers.is_any("obojętnie") and answers.is_any("każdy dzień")
