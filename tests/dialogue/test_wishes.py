"""The wish to talk with someone who has had care too, said in the person's own words at any meeting question, in
English and Polish: recorded, said back as noted, the same question again; then marked in the team's queue, set on
the booking, said in the confirmation and counted on the progress. On both databases."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from dialogue.wishes import asks_for_expert
from easyread.render import text
from easyread.sms_words import plain, without_accents
from server.domain import preferences
from server.domain.db import session_scope
from tests.dialogue.chat import Chat
from tests.server.rest.test_selection import team_token
from tests.support import ADMIN, council_with_staff, new_case

ENGLISH = (
    "can someone who's been through it come",
    "I'd like someone who has had care too",
    "is there a person who gets care like me that could come along",
    "Could an expert by experience be there",
    "somebody with lived experience please",
    "id like sum1... no, SOMEONE who has been there too",
    "someone who knows what it's like",
)
POLISH = (
    "ktoś, kto też miał opiekę",
    "Czy może przyjść ktoś, kto też miał opiekę?",
    "chciałabym rozmawiać z kimś, kto przeszedł to samo",
    "osoba z doświadczeniem opieki",
    "kogoś jak ja",
)
NOT_A_WISH = (
    "someone with me",
    "my daughter will come with me",
    "mondays",
    "I don't want someone who has had care",
    "nie chcę nikogo, kto miał opiekę",
    "I have been through a lot",
    "phone",
    "skip",
    "ktoś ze mną",
)
# Each meeting question and what it asks.
QUESTIONS = {
    "pref_how": "utter_ask_how",
    "pref_support": "utter_ask_support",
    "pref_language": "utter_ask_language",
    "pref_days": "utter_ask_days",
    "pref_times": "utter_ask_times",
    "pref_avoid": "utter_ask_avoid",
    "pref_contact": "utter_ask_contact_by",
}


@pytest.mark.parametrize("words", ENGLISH + POLISH)
def test_the_wish_is_heard_in_many_words(words: str) -> None:
    assert asks_for_expert(words)


@pytest.mark.parametrize("words", NOT_A_WISH)
def test_other_words_are_not_the_wish(words: str) -> None:
    assert not asks_for_expert(words)


def new_chat(client: TestClient, language: str = "en", reference: str = "N-1") -> Chat:
    council = council_with_staff(client, f"Council {reference}")
    case = new_case(client, council.staff, reference, language=language)
    return Chat(client, council.staff, case["id"], language)


def support_of(chat: Chat) -> list[str]:
    with session_scope() as session:
        prefs = preferences.get(session, chat.case_id)
        return list(prefs.support) if prefs is not None else []


def stage_of(chat: Chat) -> str:
    from server.domain import conversations

    with session_scope() as session:
        conversation = conversations.get(session, chat.sender)
        assert conversation is not None
        return conversation.stage


@pytest.mark.parametrize(("stage", "words"), list(zip(QUESTIONS, ENGLISH, strict=False)))
def test_at_every_meeting_question_in_english_it_is_noted_and_the_question_comes_again(
    client: TestClient, stage: str, words: str
) -> None:
    chat = new_chat(client)
    chat.move(stage)
    if stage == "pref_support":
        # There it is one of the choices: the answer, and the next question.
        assert chat.turn(words) == ["utter_ask_days"]
    else:
        assert chat.turn(words) == ["utter_expert_noted", QUESTIONS[stage]]
        assert stage_of(chat) == stage
    assert "lived_experience" in support_of(chat)


@pytest.mark.parametrize(("stage", "words"), list(zip(QUESTIONS, POLISH * 2, strict=False)))
def test_at_every_meeting_question_in_polish_it_is_noted_and_the_question_comes_again(
    client: TestClient, stage: str, words: str
) -> None:
    chat = new_chat(client, "pl")
    chat.move(stage)
    if stage == "pref_support":
        assert chat.turn(words) == ["utter_ask_days"]
    else:
        assert chat.turn(words) == ["utter_expert_noted", QUESTIONS[stage]]
        assert stage_of(chat) == stage
    assert "lived_experience" in support_of(chat)


def test_said_at_the_question_about_help_in_other_words_it_is_kept_with_the_answer(client: TestClient) -> None:
    chat = new_chat(client)
    chat.move("pref_support")
    assert chat.turn("someone who knows what it's like") == ["utter_expert_noted", "utter_ask_support"]
    assert chat.turn("support:breaks") == ["utter_ask_days"]
    assert support_of(chat) == ["breaks", "lived_experience"]


def test_at_the_read_back_it_is_added_and_read_back_again(client: TestClient) -> None:
    chat = new_chat(client)
    chat.move("pref_confirm")
    assert chat.turn("can someone who's been through it come") == ["utter_expert_noted", "utter_prefs_readback"]
    assert support_of(chat) == ["lived_experience"]


def test_stop_and_a_person_win_over_the_wish(client: TestClient) -> None:
    chat = new_chat(client)
    chat.move("pref_days")
    assert chat.turn("PERSON") != ["utter_expert_noted", "utter_ask_days"]
    assert chat.turn("STOP")[0] != "utter_expert_noted"
    assert support_of(chat) == []


def test_the_model_hearing_a_person_in_the_wish_does_not_hand_it_over(client: TestClient) -> None:
    chat = new_chat(client)
    chat.move("pref_times")
    said = chat.turn("I want to talk to someone who has been through it", intent="request_human", confidence=0.95)
    assert said == ["utter_expert_noted", "utter_ask_times"]
    assert support_of(chat) == ["lived_experience"]


def test_said_before_the_question_about_help_it_survives_its_answer_once(client: TestClient) -> None:
    chat = new_chat(client)
    chat.move("pref_how")
    assert chat.turn("can someone who's been through it come") == ["utter_expert_noted", "utter_ask_how"]
    assert chat.turn("how:phone") == ["utter_ask_support"]
    assert chat.turn("support:large_print") == ["utter_ask_days"]
    assert support_of(chat) == ["large_print", "lived_experience"]
    # Going through the questions again, the answer about help is theirs alone.
    chat.move("pref_support")
    chat.turn("none")
    assert support_of(chat) == []


def journey(chat: Chat, wish: str, at: str) -> None:
    """Consent, then every meeting question by buttons, with the wish typed at `at`."""
    chat.to_question()
    chat.turn("/affirm")
    assert chat.turn("/affirm")[-1] == "utter_ask_how"
    presses = {
        "pref_how": "how:phone",
        "pref_support": "support:easy_read",
        "pref_days": "day:monday",
        "pref_times": "time:morning",
        "pref_avoid": "skip",
        "pref_contact": "contact:text",
    }
    for stage, press in presses.items():
        if stage == at:
            assert chat.turn(wish)[0] == "utter_expert_noted"
        chat.turn(press)
    assert chat.turn("/affirm")[0] == "utter_prefs_saved"


@pytest.mark.parametrize(
    ("language", "wish", "at"),
    [
        ("en", "can someone who's been through it come", "pref_times"),
        ("pl", "ktoś, kto też miał opiekę", "pref_avoid"),
    ],
    ids=["english", "polish"],
)
def test_the_wish_is_marked_preset_confirmed_and_counted(client: TestClient, language: str, wish: str, at: str) -> None:
    chat = new_chat(client, language)
    journey(chat, wish, at)
    team = team_token(client)
    queue: list[dict[str, Any]] = client.get("/api/handoffs", headers=team).json()
    item = next(i for i in queue if i["case_id"] == chat.case_id)
    assert item["expert_by_experience_wanted"] is True
    assert "lived_experience" in item["preferences"]["support"] and "easy_read" in item["preferences"]["support"]
    # Booked without saying: as the person asked. The text says who will come.
    booked = client.post(
        f"/api/handoffs/{item['id']}/schedule", json={"at": "2099-03-03T14:00:00+00:00", "how": "phone"}, headers=team
    )
    assert booked.status_code == 200 and booked.json()["meeting"]["expert_by_experience"] is True
    sent = [m["body"] for m in client.get("/api/outbox", headers=ADMIN).json() if m["case_id"] == chat.case_id]
    said = plain(text("closing.expert", language))
    assert any(said in body or without_accents(said) in body for body in sent)
    council_id = item["council_id"]
    progress = client.get(f"/api/councils/{council_id}/progress", headers=team).json()
    assert progress["expert_by_experience_asked"] == 1 and progress["expert_by_experience_arranged"] == 1
    # The team can change it: booked again without one, it is no longer counted as arranged.
    again = {"at": "2099-03-04T14:00:00+00:00", "how": "phone", "expert_by_experience": False}
    client.post(f"/api/handoffs/{item['id']}/schedule", json=again, headers=team)
    progress = client.get(f"/api/councils/{council_id}/progress", headers=team).json()
    assert progress["expert_by_experience_asked"] == 1 and progress["expert_by_experience_arranged"] == 0


def test_without_the_wish_nothing_is_marked(client: TestClient) -> None:
    chat = new_chat(client)
    journey(chat, "", "none")
    team = team_token(client)
    item = next(i for i in client.get("/api/handoffs", headers=team).json() if i["case_id"] == chat.case_id)
    assert item["expert_by_experience_wanted"] is False
    booked = client.post(
        f"/api/handoffs/{item['id']}/schedule", json={"at": "2099-03-03T14:00:00+00:00", "how": "phone"}, headers=team
    )
    assert booked.json()["meeting"]["expert_by_experience"] is False


def test_the_dialogue_and_the_domain_name_the_wish_with_the_same_choice() -> None:
    # The dialogue imports nothing from the server: it names the choice itself, and it must be the one kept.
    from dialogue.answers import SUPPORT_WORDS
    from dialogue.wishes import EXPERT
    from server.domain.experts import WISH

    assert EXPERT == WISH
    assert EXPERT in SUPPORT_WORDS
