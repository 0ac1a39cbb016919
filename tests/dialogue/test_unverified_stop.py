"""On a conversation whose person we cannot be sure of (a call they made): a wish to stop is read back and
recorded at once when confirmed; a yes to taking part waits for our call back. Including the "no" to the check
before the meeting, which is read back first there."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from actions import port
from dialogue import run as dialogue
from dialogue.reading import NO_MODEL
from server.domain import conversations
from server.domain.db import session_scope
from tests.dialogue.chat import Chat
from tests.support import council_with_staff, new_case


@pytest.fixture
def chat(client: TestClient) -> Chat:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "U-1")
    return Chat(client, council.staff, case["id"])


def unsure_of_them(chat: Chat, words: str) -> list[str]:
    """One message as the server answers it when it cannot be sure who is there (`verified` False)."""
    with session_scope() as session:
        conversation = conversations.get(session, chat.sender)
        assert conversation is not None
        responses = dialogue.answer(port.of(session, conversation), words, NO_MODEL, verified=False)
    return [str(r["response"]) for r in responses]


def test_a_no_to_the_check_before_the_meeting_is_read_back_then_recorded(chat: Chat) -> None:
    chat.to_question()
    chat.turn("yes")
    chat.turn("yes")
    assert chat.consent()["state"] == "given"
    chat.move("reconfirm")
    assert unsure_of_them(chat, "no") == ["utter_stop_readback"]
    assert chat.consent()["state"] == "given", "read back before anything changes"
    assert "utter_stop_withdrawn" in unsure_of_them(chat, "yes")
    assert chat.consent()["state"] == "withdrawn"


def test_a_yes_to_the_check_before_the_meeting_waits_for_the_call_back(chat: Chat) -> None:
    chat.to_question()
    chat.turn("yes")
    chat.turn("yes")
    chat.move("reconfirm")
    assert unsure_of_them(chat, "yes") == ["utter_ring_back_offer"]


def test_correcting_a_yes_to_a_no_at_the_read_back_is_heard_without_a_call_back(chat: Chat) -> None:
    chat.to_question()
    assert unsure_of_them(chat, "yes") == ["utter_readback_yes"]
    said = unsure_of_them(chat, "no wait, I meant no")
    assert "utter_ring_back_offer" not in said and "utter_readback_no" in said, said
    assert chat.consent()["state"] == "pending"
