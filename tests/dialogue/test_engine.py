"""The conversation rules, driven through the action webhook exactly as Rasa calls it, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from easyread.render import EXPLAIN_STEPS, RESPONSES
from server.domain import audit, conversations
from server.domain.db import session_scope
from server.domain.models import Case
from tests.support import INTERNAL_TOKEN, council_with_staff, new_case


class Chat:
    """Plays Rasa's part: one action call per turn, with the intent the model would have found."""

    def __init__(self, client: TestClient, staff: dict[str, str], case_id: int) -> None:
        self.client = client
        self.staff = staff
        self.case_id = case_id
        self.sender = f"web:test-{case_id}"
        with session_scope() as session:
            conversation = conversations.get_or_create(session, self.sender, "web", "en")
            case = session.get(Case, case_id)
            assert case is not None
            conversations.attach(session, conversation, case)

    def turn(self, action: str, intent: str, confidence: float = 1.0, text: str = "") -> list[str]:
        body: dict[str, Any] = {
            "next_action": action,
            "sender_id": self.sender,
            "tracker": {
                "sender_id": self.sender,
                "latest_message": {
                    "text": text,
                    "intent": {"name": intent, "confidence": confidence},
                    "metadata": {"channel": "web", "language": "en"},
                },
            },
            "domain": {},
            "version": "3.6.21",
        }
        response = self.client.post(f"/rasa/actions?token={INTERNAL_TOKEN}", json=body)
        assert response.status_code == 200, response.text
        names = [r["response"] for r in response.json()["responses"]]
        assert all(name in RESPONSES for name in names), names
        return names

    def consent(self) -> dict[str, Any]:
        case: dict[str, Any] = self.client.get(f"/api/cases/{self.case_id}", headers=self.staff).json()
        return dict(case["consent"])

    def to_question(self) -> None:
        said = self.turn("action_greet", "greet")
        assert said == ["utter_greet", "utter_why_contact", "utter_ask_who"]
        assert self.turn("action_identify_self", "identify_self") == ["utter_explain_what_happens"]
        for step in EXPLAIN_STEPS[1:]:
            assert self.turn("action_continue", "continue") == [f"utter_explain_{step}"]
        assert self.turn("action_continue", "continue") == ["utter_ask_consent"]


@pytest.fixture
def chat(client: TestClient) -> Chat:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1")
    return Chat(client, council.staff, case["id"])


def test_yes_is_read_back_and_recorded_only_when_confirmed(chat: Chat) -> None:
    chat.to_question()
    assert chat.turn("action_yes", "affirm", 0.97) == ["utter_readback_yes"]
    assert chat.consent()["state"] == "pending"
    assert chat.turn("action_yes", "affirm") == [
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
    assert chat.turn("action_yes", "affirm") == ["utter_readback_yes"]
    assert chat.turn("action_no", "deny") == ["utter_try_again", "utter_ask_consent"]
    assert chat.consent()["state"] == "pending"


def test_no_is_recorded_as_declined_after_read_back(chat: Chat) -> None:
    chat.to_question()
    assert chat.turn("action_no", "deny") == ["utter_readback_no"]
    assert chat.turn("action_yes", "affirm") == ["utter_consent_declined"]
    assert chat.consent()["state"] == "declined"


def test_low_confidence_yes_is_asked_again_never_recorded(chat: Chat) -> None:
    chat.to_question()
    assert chat.turn("action_yes", "affirm", 0.6) == ["utter_not_understood", "utter_ask_consent"]
    assert chat.turn("action_not_understood", "nlu_fallback", 0.3)[0] == "utter_not_understood_twice"
    assert chat.consent()["state"] == "pending"


def test_unsure_is_noted_but_consent_stays_pending(chat: Chat) -> None:
    chat.to_question()
    assert chat.turn("action_unsure", "unsure") == ["utter_unsure"]
    consent = chat.consent()
    assert consent["state"] == "pending"
    assert consent["unsure"] is True


def test_a_question_is_answered_then_the_conversation_carries_on(chat: Chat) -> None:
    chat.turn("action_greet", "greet")
    chat.turn("action_identify_self", "identify_self")
    said = chat.turn("action_answer_question", "ask_someone_with_me")
    assert said == ["utter_answer_someone_with_me", "utter_carry_on"]
    assert chat.turn("action_continue", "continue") == [f"utter_explain_{EXPLAIN_STEPS[1]}"]


def test_stop_before_consent_records_a_refusal(chat: Chat) -> None:
    chat.turn("action_greet", "greet")
    assert chat.turn("action_stop", "stop") == ["utter_stop_declined"]
    assert chat.consent()["state"] == "declined"


def test_stop_after_consent_withdraws_and_is_audited(chat: Chat) -> None:
    chat.to_question()
    chat.turn("action_yes", "affirm")
    chat.turn("action_yes", "affirm")
    assert chat.turn("action_stop", "stop") == ["utter_stop_withdrawn"]
    assert chat.consent()["state"] == "withdrawn"
    with session_scope() as session:
        actions = [e.action for e in audit.events_for(session, chat.case_id)]
        assert actions[-2:] == ["consent.given", "consent.withdrawn"]
        assert audit.first_broken(session) is None


def test_two_misunderstandings_hand_over_to_a_person(chat: Chat) -> None:
    chat.turn("action_greet", "greet")
    assert chat.turn("action_not_understood", "nlu_fallback", 0.2)[0] == "utter_not_understood"
    assert chat.turn("action_not_understood", "nlu_fallback", 0.2) == ["utter_not_understood_twice"]
    from server.domain import handoffs

    with session_scope() as session:
        assert [h.reason for h in handoffs.open_for(session, chat.case_id)] == ["not_understood"]


def test_rasa_callbacks_need_the_internal_token(client: TestClient) -> None:
    assert client.post("/rasa/actions", json={"next_action": "action_yes"}).status_code == 403
    assert client.post("/rasa/nlg?token=wrong", json={"response": "utter_greet"}).status_code == 403


def test_a_declined_primary_proposes_a_same_theme_reserve_the_council_invites_in_one_call(
    client: TestClient, chat: Chat
) -> None:
    body = {"reference": "R-1", "theme": "older_people", "phone": "+447700900222", "priority": "reserve"}
    reserve = client.post("/api/cases", json=body, headers=chat.staff).json()
    other = {"reference": "R-2", "theme": "unpaid_carer", "phone": "+447700900223", "priority": "reserve"}
    client.post("/api/cases", json=other, headers=chat.staff)
    chat.to_question()
    chat.turn("action_no", "deny")
    chat.turn("action_yes", "affirm")
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
    chat.turn("action_yes", "affirm")
    chat.turn("action_yes", "affirm")
    with session_scope() as session:
        handoff_id = handoffs.ready_to_schedule(session, chat.case_id, "test").id
    at = (datetime.now(UTC) + timedelta(days=4)).isoformat()
    team = client.post("/api/tokens", json={"role": "team", "name": "t"}, headers=ADMIN).json()["token"]
    headers = {"Authorization": f"Bearer {team}"}
    assert client.post(
        f"/api/handoffs/{handoff_id}/schedule", json={"at": at, "how": "phone"}, headers=headers
    ).is_success
    assert chat.turn("action_stop", "stop") == ["utter_stop_withdrawn"]
    queue = client.get("/api/handoffs", headers=headers).json()
    mine = {h["reason"]: h for h in queue if h["case_id"] == chat.case_id}
    assert "withdrew" in mine and "schedule" not in mine
    case = client.get(f"/api/cases/{chat.case_id}", headers=chat.staff).json()
    assert case["status"] == "answered" and case["consent"]["state"] == "withdrawn"
