"""Switching language by asking: the conversation and the case change, and the question comes again in it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dialogue import answers
from dialogue import run as dialogue
from easyread.render import render
from server.domain import audit
from server.domain.db import session_scope
from tests.dialogue.chat import Chat
from tests.support import council_with_staff, new_case

SENDER = "test-1"


@pytest.fixture
def chat(client: TestClient) -> Chat:
    council = council_with_staff(client, "West Council")
    case = new_case(client, council.staff, "W-1")
    return Chat(client, council.staff, int(case["id"]))


def words(responses: list[dict[str, object]]) -> list[str]:
    """Each response as the server renders it, in the language it names (the new one after a switch)."""
    said = []
    for item in responses:
        message = render(str(item["response"]), str(item.get(dialogue.LANGUAGE_ARG) or "en"), "web")
        assert message is not None
        said.append(message.text)
    return said


def test_asking_for_polish_switches_and_asks_the_same_thing_again_in_polish(chat: Chat) -> None:
    chat.move("explain_2")
    responses = chat.responses("can we speak Polish please", "change_language", 0.95)
    assert [r["response"] for r in responses] == [
        "utter_language_changed",
        "utter_explain_someone_with_me",
        "utter_explain_how_used",
    ]
    assert all(r["language"] == "pl" for r in responses)
    said = words(responses)
    assert said[0] == render("utter_language_changed", "pl", "web").text  # type: ignore[union-attr]
    assert "po polsku" in said[0]
    # The conversation and the case speak Polish from now on; it is audited, without the person's words.
    assert chat.languages() == ("pl", "pl")
    with session_scope() as session:
        events = [e for e in audit.events_for(session, chat.case_id) if e.action == "conversation.language_changed"]
        assert [(e.detail["from"], e.detail["to"]) for e in events] == [("en", "pl")]
        assert "Polish" not in str(events[0].detail)


def test_back_to_english_in_polish_words(chat: Chat) -> None:
    chat.move("ask_consent")
    chat.turn("po polsku prosze", "change_language", 0.95)
    responses = chat.responses("wolę po angielsku", "change_language", 0.95)
    assert [r["response"] for r in responses] == ["utter_language_changed", "utter_ask_consent"]
    assert words(responses)[0] == "OK. We will talk in English now."
    assert chat.languages() == ("en", "en")


def test_asking_for_another_language_offers_the_ones_we_speak(chat: Chat) -> None:
    chat.move("ask_consent")
    assert chat.turn("can we use another language", "change_language", 0.95) == ["utter_choose_language"]
    question = render("utter_choose_language", "en", "web")
    assert question is not None
    assert [(b["title"], b["payload"]) for b in question.buttons] == [("English", "lang:en"), ("Polski", "lang:pl")]
    assert chat.languages() == ("en", "en")


def test_a_language_button_works_without_the_model(client: TestClient, chat: Chat) -> None:
    chat.move("ask_consent")
    sender = chat.sender.removeprefix("web:")
    reply = client.post("/chat/messages", json={"sender": sender + "-page", "message": "lang:pl"})
    assert reply.status_code == 200, reply.text
    # A new page without a code is asked for it; the same conversation's button switches at once.
    responses = chat.responses("lang:pl")
    assert [r["response"] for r in responses] == ["utter_language_changed", "utter_ask_consent"]
    assert chat.languages() == ("pl", "pl")


def test_a_meeting_answer_that_names_a_language_never_switches_the_conversation(chat: Chat) -> None:
    chat.move("pref_support")
    said = chat.turn("I need an interpreter, I speak Polish")
    assert said == ["utter_ask_language"]
    assert chat.turn("Polish") == ["utter_ask_days"]
    assert chat.languages() == ("en", "en")


def test_a_switch_asked_for_while_a_name_is_asked_is_not_taken_as_the_name(chat: Chat) -> None:
    chat.move("rep_name")
    assert chat.turn("po polsku prosze", "change_language", 0.95)[0] == "utter_language_changed"
    assert chat.languages() == ("pl", "pl")


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
