"""A helper's name and contact are checked before they are kept, and read back once, in one message: a question
is never a name or a contact, and a "no" at the read-back clears them and asks again."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from actions import port
from dialogue import run as dialogue
from dialogue.reading import NO_MODEL, Move, Understanding, read
from dialogue.stages import STAGES
from server.domain import conversations, representatives
from server.domain.conversations import Position
from server.domain.db import session_scope
from server.domain.models import Case
from tests.dialogue.chat import Chat
from tests.support import council_with_staff, new_case


@pytest.fixture
def chat(client: TestClient) -> Chat:
    council = council_with_staff(client, "Helper Council")
    case = new_case(client, council.staff, "HELP-1")
    return Chat(client, council.staff, case["id"])


def kept(chat: Chat) -> tuple[str | None, str | None, str | None]:
    with session_scope() as session:
        reps = representatives.for_case(session, chat.case_id)
        return (reps[0].role, reps[0].name, reps[0].contact) if reps else (None, None, None)


def test_a_helper_is_read_back_once_before_going_on(chat: Chat) -> None:
    assert chat.turn("hello")[-1] == "utter_ask_who"
    assert chat.turn("I'm her daughter") == ["utter_ask_rep_name"]
    asked = chat.turn("why do you need my name", "ask_what_info", 0.8)
    assert asked == ["utter_answer_what_info", "utter_ask_rep_name"]
    assert chat.turn("my name is Sam Jones") == ["utter_ask_rep_contact"]
    assert chat.turn("is this a scam", "ask_is_real", 0.9) == ["utter_answer_is_real", "utter_ask_rep_contact"]
    said = chat.responses("07700 900123")
    assert [r["response"] for r in said] == ["utter_rep_readback"]
    assert said[0]["details"] == "You are Sam Jones. You help them as: Family. We can contact you on 07700 900123."
    # Read back, not yet kept: staff see no name or number until the helper says it is right.
    assert kept(chat) == ("family_member", None, None)
    assert chat.turn("yes that's right") == ["utter_ask_join"]
    assert kept(chat) == ("family_member", "Sam Jones", "+447700900123")


def test_a_no_at_the_read_back_clears_the_details_and_asks_again(chat: Chat) -> None:
    chat.turn("hello")
    chat.turn("I'm his friend")
    chat.turn("Sam")
    chat.turn("sam@example.com")
    assert kept(chat) == ("friend", None, None)
    assert chat.turn("no that's wrong") == ["utter_rep_try_again", "utter_ask_role"]
    assert kept(chat) == ("friend", None, None)
    # Given again and confirmed: only the second details are kept.
    chat.turn("I'm his friend")
    chat.turn("Sam Smith")
    chat.turn("sam.smith@example.com")
    assert chat.turn("yes") == ["utter_ask_join"]
    assert kept(chat) == ("friend", "Sam Smith", "sam.smith@example.com")


@pytest.mark.parametrize(
    "text",
    [
        "is this a scam",
        "why do you need it",
        "what if I say no will I lose my carer",
        "I don't want to give it",
        "123",
        "sam@",
        "hello",
        "my number is 0770090",
        "dunno what to put",
    ],
)
def test_a_contact_that_is_not_a_phone_number_or_an_email_is_never_stored(text: str) -> None:
    for nlu in (NO_MODEL, Understanding((("affirm", 0.9),)), Understanding((("ask_is_real", 0.9),))):
        found = read(STAGES["rep_contact"], text, "en", nlu, False)
        assert not (found.move is Move.ANSWER and found.value), (text, nlu, found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900456", "+447700900456"),
        ("you can ring me on 07700900789", "+447700900789"),
        ("sam.jones@example.co.uk", "sam.jones@example.co.uk"),
        ("email me at Ania@example.pl thanks", "Ania@example.pl"),
        ("020 7946 0018", "+442079460018"),
    ],
)
def test_a_phone_number_or_an_email_is_kept_in_one_form(text: str, expected: str) -> None:
    assert read(STAGES["rep_contact"], text, "en", NO_MODEL, False).value == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Sam", "Sam"), ("sam jones", "Sam Jones"), ("I'm Ali", "Ali"), ("Mary-Jane O'Neil", "Mary-Jane O'Neil")],
)
def test_a_name_is_kept_as_a_name(text: str, expected: str) -> None:
    assert read(STAGES["rep_name"], text, "en", NO_MODEL, False).value == expected
    assert read(STAGES["rep_name"], "nazywam się Zofia Nowak", "pl", NO_MODEL, False).value == "Zofia Nowak"


@pytest.mark.parametrize(
    "text",
    ["why do you need my name", "I don't want to say", "is this a scam", "this is stupid", "07700 900123", "yes"],
)
def test_words_that_are_not_a_name_are_never_stored_as_one(text: str) -> None:
    for nlu in (NO_MODEL, Understanding((("affirm", 0.9),))):
        found = read(STAGES["rep_name"], text, "en", nlu, False)
        assert not (found.move is Move.ANSWER and found.value), (text, found)


@pytest.mark.parametrize("words", ["this number", "same one", "use this number", "the number im texting from"])
def test_by_text_this_number_is_the_number_they_text_from(client: TestClient, words: str) -> None:
    council = council_with_staff(client, "Helper Council")
    case = new_case(client, council.staff, "HELP-2")
    sender = "sms:+447700900771"
    with session_scope() as session:
        conversation = conversations.get_or_create(session, sender, "sms", "en", "start")
        found = session.get(Case, case["id"])
        assert found is not None
        conversations.attach(session, conversation, found)
        conversations.move(session, conversation, Position("rep_contact"))
    with session_scope() as session:
        again = conversations.get(session, sender)
        assert again is not None
        said = dialogue.answer(port.of(session, again), words, NO_MODEL)
    assert [r["response"] for r in said] == ["utter_rep_readback"]
    assert "07700 900771" in str(said[0]["details"])


def test_on_the_web_this_number_asks_them_to_type_it(chat: Chat) -> None:
    chat.move("rep_contact")
    assert chat.turn("this number") == ["utter_rep_contact_number"]
    assert kept(chat)[2] is None
