"""The dialogue's rules, one turn at a time, on both databases: typed words, and (where words alone cannot tell)
the model's intent ranking as Rasa's /model/parse gives it."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from server.domain import audit
from server.domain.db import session_scope
from tests.dialogue.chat import Chat
from tests.support import council_with_staff, new_case


@pytest.fixture
def chat(client: TestClient) -> Chat:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1")
    return Chat(client, council.staff, case["id"])


def test_yes_is_read_back_and_recorded_only_when_confirmed(chat: Chat) -> None:
    chat.to_question()
    assert chat.turn("yes") == ["utter_readback_yes"]
    assert chat.consent()["state"] == "pending"
    assert chat.turn("yes that is right") == [
        "utter_consent_given",
        "utter_consent_receipt",
        "utter_prefs_intro",
        "utter_ask_how",
    ]
    consent = chat.consent()
    assert consent["state"] == "given"
    assert consent["given_by"] == "person"
    assert consent["at"] is not None


def test_a_wrong_read_back_asks_again(chat: Chat) -> None:
    chat.to_question()
    assert chat.turn("yeah ok") == ["utter_readback_yes"]
    assert chat.turn("no that is wrong") == ["utter_try_again", "utter_ask_consent"]
    assert chat.consent()["state"] == "pending"


def test_no_is_recorded_as_declined_after_read_back(chat: Chat) -> None:
    chat.to_question()
    assert chat.turn("no thank you") == ["utter_readback_no"]
    assert chat.turn("yes") == ["utter_consent_declined"]
    assert chat.consent()["state"] == "declined"


def test_low_confidence_yes_is_asked_again_never_recorded(chat: Chat) -> None:
    chat.to_question()
    # "sort of" says no yes in words: the model thinks it is a yes, but not surely enough to read it back.
    assert chat.turn("sort of", "affirm", 0.6) == ["utter_not_understood", "utter_ask_consent"]
    said = chat.turn("hmm", "nlu_fallback", 0.3)
    assert said[:2] == ["utter_not_understood_again", "utter_hint_yes_no"]
    assert chat.consent()["state"] == "pending"


def test_unsure_is_noted_but_consent_stays_pending(chat: Chat) -> None:
    chat.to_question()
    assert chat.turn("not sure") == ["utter_unsure"]
    consent = chat.consent()
    assert consent["state"] == "pending"
    assert consent["unsure"] is True


def test_a_question_is_answered_then_the_conversation_carries_on(chat: Chat) -> None:
    chat.turn("hello")
    chat.turn("yes it's for me")
    said = chat.turn("can my daughter come with me", "ask_someone_with_me", 0.9)
    assert said == ["utter_answer_someone_with_me", "utter_carry_on"]
    assert chat.turn("ok") == ["utter_explain_someone_with_me", "utter_explain_how_used"]


def test_stop_before_consent_records_a_refusal(chat: Chat) -> None:
    chat.turn("hello")
    assert chat.turn("STOP") == ["utter_stop_declined"]
    assert chat.consent()["state"] == "declined"


def test_stop_after_consent_withdraws_and_is_audited(chat: Chat) -> None:
    chat.to_question()
    chat.turn("yes")
    chat.turn("yes")
    assert chat.turn("stop") == ["utter_stop_withdrawn"]
    assert chat.consent()["state"] == "withdrawn"
    with session_scope() as session:
        actions = [e.action for e in audit.events_for(session, chat.case_id)]
        assert actions[-2:] == ["consent.given", "consent.withdrawn"]
        assert audit.first_broken(session) is None


def test_three_misunderstandings_hand_over_to_a_person_never_the_same_words_twice(chat: Chat) -> None:
    chat.turn("hello")
    first = chat.turn("blue cheese", "nlu_fallback", 0.2)
    second = chat.turn("blue cheese", "nlu_fallback", 0.2)
    third = chat.turn("blue cheese", "nlu_fallback", 0.2)
    assert first == ["utter_not_understood", "utter_ask_who"]
    assert second == ["utter_not_understood_again", "utter_hint_choice", "utter_ask_who"]
    assert third == ["utter_not_understood_twice"]
    from server.domain import handoffs

    with session_scope() as session:
        assert [h.reason for h in handoffs.open_for(session, chat.case_id)] == ["not_understood"]


def test_a_declined_primary_proposes_a_same_theme_reserve_the_council_invites_in_one_call(
    client: TestClient, chat: Chat
) -> None:
    body = {"reference": "R-1", "theme": "older_people", "phone": "+447700900222", "priority": "reserve"}
    reserve = client.post("/api/cases", json=body, headers=chat.staff).json()
    other = {"reference": "R-2", "theme": "unpaid_carer", "phone": "+447700900223", "priority": "reserve"}
    client.post("/api/cases", json=other, headers=chat.staff)
    chat.to_question()
    chat.turn("no")
    chat.turn("yes")
    assert chat.consent()["state"] == "declined"
    proposed = client.get(f"/api/cases/{chat.case_id}/reserve", headers=chat.staff)
    assert proposed.status_code == 200
    assert proposed.json()["id"] == reserve["id"]
    invited = client.post(f"/api/cases/{reserve['id']}/invite", headers=chat.staff).json()
    assert invited["invitation"]["status"] == "outbox"


def test_stop_after_booking_calls_the_meeting_off_and_tells_the_team(client: TestClient, chat: Chat) -> None:
    from datetime import UTC, datetime, timedelta

    from server.domain import handoffs
    from tests.support import ADMIN

    chat.to_question()
    chat.turn("yes")
    chat.turn("yes")
    with session_scope() as session:
        handoff_id = handoffs.ready_to_schedule(session, chat.case_id, "test").id
    at = (datetime.now(UTC) + timedelta(days=4)).isoformat()
    team = client.post("/api/tokens", json={"role": "team", "name": "t"}, headers=ADMIN).json()["token"]
    headers = {"Authorization": f"Bearer {team}"}
    assert client.post(
        f"/api/handoffs/{handoff_id}/schedule", json={"at": at, "how": "phone"}, headers=headers
    ).is_success
    assert chat.turn("STOP") == ["utter_stop_withdrawn"]
    queue = client.get("/api/handoffs", headers=headers).json()
    mine = {h["reason"]: h for h in queue if h["case_id"] == chat.case_id}
    assert "withdrew" in mine and "schedule" not in mine
    case = client.get(f"/api/cases/{chat.case_id}", headers=chat.staff).json()
    assert case["status"] == "answered" and case["consent"]["state"] == "withdrawn"


def test_an_internal_error_says_sorry_changes_nothing_and_keeps_the_message(
    client: TestClient, chat: Chat, monkeypatch: pytest.MonkeyPatch
) -> None:
    from actions import RECORDERS
    from server.domain import conversations
    from server.domain.models import Message

    chat.to_question()

    def broken(*_args: object) -> str | None:
        raise RuntimeError("a bug of ours")

    monkeypatch.setitem(RECORDERS, "consent_answer", broken)
    assert chat.turn("yes") == ["utter_error_try_again"]
    assert chat.consent()["state"] == "pending"
    with session_scope() as session:
        conversation = conversations.get(session, chat.sender)
        assert conversation is not None and conversation.stage == "ask_consent"
    monkeypatch.undo()
    # Typed again once it is mended, the same words go on as they should have.
    assert chat.turn("yes") == ["utter_readback_yes"]
    # Through the chat itself, the message is stored before anything else, and the reply is the easy-read sorry.
    monkeypatch.setitem(RECORDERS, "consent_confirmed", broken)
    sender = "err-test-1"
    code = client.get(f"/api/cases/{chat.case_id}", headers=chat.staff).json()["invite_code"]
    client.post("/chat/messages", json={"sender": sender, "message": code, "metadata": {"invite_code": code}})
    with session_scope() as session:
        web = conversations.get(session, f"web:{sender}")
        assert web is not None
        web.stage, web.pending_answer = "confirm", "yes"
    reply = client.post("/chat/messages", json={"sender": sender, "message": "yes that is right"})
    assert reply.status_code == 200
    assert reply.json()[0]["text"].startswith("Sorry, something went wrong.")
    with session_scope() as session:
        kept = session.query(Message).filter_by(conversation_id=f"web:{sender}", text="yes that is right").one()
        assert kept.processed
    assert chat.consent()["state"] == "pending"


def test_a_question_that_cannot_be_skipped_says_so_and_asks_again(chat: Chat) -> None:
    chat.to_question()
    assert chat.turn("yes") == ["utter_readback_yes"]
    chat.move("rep_join")
    assert chat.turn("skip") == ["utter_cannot_skip", "utter_ask_join"]


def test_after_saying_no_a_typed_yes_is_read_back_before_anything_changes(chat: Chat) -> None:
    chat.to_question()
    chat.turn("no thanks")
    assert chat.turn("yes that's right") == ["utter_consent_declined"]
    assert chat.consent()["state"] == "declined"
    assert chat.turn("yes") == ["utter_readback_yes"]
    assert chat.consent()["state"] == "declined"
    chat.turn("yes")
    assert chat.consent()["state"] == "given"


def test_thanks_and_hello_mid_conversation_are_answered_and_the_question_comes_again(chat: Chat) -> None:
    chat.to_question()
    assert chat.turn("thanks", "thanks", 0.95) == ["utter_you_are_welcome", "utter_ask_consent"]
    assert chat.turn("/greet") == ["utter_welcome_back", "utter_ask_consent"]


def test_a_used_code_in_a_new_chat_shows_nothing_of_the_answer_and_changes_it_only_once_confirmed(
    client: TestClient, chat: Chat
) -> None:
    code = client.get(f"/api/cases/{chat.case_id}", headers=chat.staff).json()["invite_code"]

    def say(sender: str, words: str) -> str:
        body = {"sender": sender, "message": words, "metadata": {"invite_code": code}}
        return " ".join(m["text"] for m in client.post("/chat/messages", json=body).json())

    for words in ("hi", "yes", "ok", "ok", "yes", "yes"):
        say("first-chat-1", words)
    assert chat.consent()["state"] == "given"
    greeting = say("second-chat-1", "hi")
    # Only the greeting: nothing about the answer already given.
    assert "YES" not in greeting and "already" not in greeting
    assert "Is this message for you?" in greeting
    assert "already" not in say("second-chat-1", "yes")
    say("second-chat-1", "ok")
    say("second-chat-1", "ok")
    assert "You said NO" in say("second-chat-1", "no")
    assert chat.consent()["state"] == "given", "a change needs its own read-back"
    say("second-chat-1", "yes that's right")
    assert chat.consent()["state"] == "withdrawn"
