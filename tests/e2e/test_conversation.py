"""Whole conversations against the real trained model and the real server, as a person would have them."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.people import WebPerson as Person
from tests.e2e.people import case_of
from tests.support import council_with_staff, new_case

pytestmark = pytest.mark.e2e


@pytest.fixture
def council(http: httpx.Client) -> Any:
    return council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")


def consent_of(http: httpx.Client, staff: dict[str, str], case_id: int) -> dict[str, Any]:
    return dict(case_of(http, staff, case_id)["consent"])


def test_invitation_to_recorded_consent_in_own_words(http: httpx.Client, council: Any) -> None:
    case = new_case(http, council.staff, "E2E-1")
    person = Person(http, case["invite_code"])
    greeting = person.say("/greet")
    assert len(greeting) >= 3
    assert Person.payloads(greeting) == ["/identify_self", "/identify_helper"], "the web gets buttons"
    person.say("its me")
    # A question in their own words, mid-explanation, is answered and the explanation carries on.
    answer = person.say("can my daughter come with me")
    assert Person.payloads(answer)[0] == "/continue"
    question = person.to_question()
    assert {b["payload"] for b in question[-1]["buttons"]} == {"/affirm", "/deny", "/unsure"}
    readback = person.say("yeah go on then, happy to do it")
    assert {b["payload"] for b in readback[-1]["buttons"]} == {"/affirm", "/deny"}, readback
    assert consent_of(http, council.staff, case["id"])["state"] == "pending"
    confirmed = Person.words(person.say("yes thats right"))
    consent = consent_of(http, council.staff, case["id"])
    assert consent["state"] == "given"
    assert consent["given_by"] == "person"
    # The receipt: what they agreed to, what happens next, how to stop, who to contact.
    assert "Here is what you agreed to" in confirmed and "STOP" in confirmed and "PERSON" in confirmed

    # Withdrawal in plain words works from anywhere, here in the middle of the meeting questions: read back
    # first, since only the model heard it, and recorded once they say it is right.
    assert "You want to stop taking part." in Person.words(person.say("I don't want to do this any more"))
    assert consent_of(http, council.staff, case["id"])["state"] == "given"
    person.say("yes")
    assert consent_of(http, council.staff, case["id"])["state"] == "withdrawn"


def test_refusal_is_recorded_as_declined(http: httpx.Client, council: Any) -> None:
    case = new_case(http, council.staff, "E2E-2", phone="+447700900124")
    person = Person(http, case["invite_code"])
    person.say("/greet")
    person.say("/identify_self")
    person.to_question()
    person.say("no thanks not for me")
    person.say("/affirm")
    assert consent_of(http, council.staff, case["id"])["state"] == "declined"


def test_nonsense_never_changes_pending(http: httpx.Client, council: Any) -> None:
    case = new_case(http, council.staff, "E2E-3", phone="+447700900125")
    person = Person(http, case["invite_code"])
    person.say("/greet")
    person.say("/identify_self")
    person.to_question()
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
