"""Whole conversations against the real trained model and the real server, as a person would have them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.support import council_with_staff, new_case

pytestmark = pytest.mark.e2e


class Person:
    def __init__(self, http: httpx.Client, invite_code: str | None) -> None:
        self.http = http
        self.sender = uuid.uuid4().hex
        self.invite_code = invite_code

    def say(self, text: str) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": self.sender, "message": text}
        if self.invite_code:
            body["metadata"] = {"invite_code": self.invite_code}
        response = self.http.post("/chat/messages", json=body)
        assert response.status_code == 200, response.text
        messages: list[dict[str, Any]] = response.json()
        assert messages, f"no reply to {text!r}"
        return messages

    @staticmethod
    def words(messages: list[dict[str, Any]]) -> str:
        return " ".join(m["text"] for m in messages)


@pytest.fixture
def council(http: httpx.Client) -> Any:
    return council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")


def consent_of(http: httpx.Client, staff: dict[str, str], case_id: int) -> dict[str, Any]:
    case: dict[str, Any] = http.get(f"/api/cases/{case_id}", headers=staff).json()
    return dict(case["consent"])


def walk_explanation(person: Person) -> list[dict[str, Any]]:
    """Click Next until the consent question comes, returning it."""
    for _ in range(12):
        reply = person.say("/continue")
        if any(b["payload"] == "/unsure" for m in reply for b in m.get("buttons", [])):
            return reply
    raise AssertionError("the consent question never came")


def test_invitation_to_recorded_consent_in_own_words(http: httpx.Client, council: Any) -> None:
    case = new_case(http, council.staff, "E2E-1")
    person = Person(http, case["invite_code"])
    greeting = person.say("/greet")
    assert len(greeting) >= 3
    assert any(m.get("buttons") for m in greeting), "the web gets buttons for every choice"
    # A question in their own words, mid-explanation, is answered and the explanation carries on.
    answer = person.say("can my daughter come with me")
    assert answer[-1]["buttons"][0]["payload"] == "/continue"
    question = walk_explanation(person)
    assert {b["payload"] for b in question[-1]["buttons"]} == {"/affirm", "/deny", "/unsure"}
    readback = person.say("yeah go on then, happy to do it")
    assert {b["payload"] for b in readback[-1]["buttons"]} == {"/affirm", "/deny"}, readback
    assert consent_of(http, council.staff, case["id"])["state"] == "pending"
    person.say("yes thats right")
    consent = consent_of(http, council.staff, case["id"])
    assert consent["state"] == "given"
    assert consent["given_by"] == "person"


def test_refusal_is_recorded_as_declined(http: httpx.Client, council: Any) -> None:
    case = new_case(http, council.staff, "E2E-2", phone="+447700900124")
    person = Person(http, case["invite_code"])
    person.say("/greet")
    walk_explanation(person)
    person.say("no thanks not for me")
    person.say("/affirm")
    assert consent_of(http, council.staff, case["id"])["state"] == "declined"


def test_nonsense_never_changes_pending(http: httpx.Client, council: Any) -> None:
    case = new_case(http, council.staff, "E2E-3", phone="+447700900125")
    person = Person(http, case["invite_code"])
    person.say("/greet")
    walk_explanation(person)
    for text in ("asdkjh qwpoe", "purple monkey dishwasher", "?!?!", "zzzz"):
        person.say(text)
        assert consent_of(http, council.staff, case["id"])["state"] == "pending"


def test_stop_typed_in_words_records_a_refusal(http: httpx.Client, council: Any) -> None:
    case = new_case(http, council.staff, "E2E-4", phone="+447700900126")
    person = Person(http, case["invite_code"])
    person.say("/greet")
    person.say("STOP")
    assert consent_of(http, council.staff, case["id"])["state"] == "declined"


def test_without_a_code_the_chat_asks_for_one_and_limits_guesses(http: httpx.Client, council: Any) -> None:
    case = new_case(http, council.staff, "E2E-5", phone="+447700900127")
    person = Person(http, None)
    assert "code" in Person.words(person.say("/greet")).lower()
    wrong = person.say("ZZZZ-ZZZZ")
    assert "code" in Person.words(wrong).lower()
    greeting = person.say(case["invite_code"].lower())
    assert len(greeting) >= 3
    assert http.get(f"/api/cases/{case['id']}", headers=council.staff).json()["status"] == "engaged"
