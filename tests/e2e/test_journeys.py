"""Journeys across the service, against the real model and server: someone helping the person, meeting
preferences handed to the team, the check before the meeting, and a message that needs a person at once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.e2e.people import Texter, WebPerson, case_of
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN, bearer, council_with_staff, new_case
from tools.stack import Stack

pytestmark = pytest.mark.e2e


def team(http: httpx.Client) -> dict[str, str]:
    token = http.post("/api/tokens", json={"role": "team", "name": "team"}, headers=ADMIN).json()["token"]
    return bearer(token)


def handoff_for(http: httpx.Client, headers: dict[str, str], case_id: int) -> dict[str, Any]:
    items = [h for h in http.get("/api/handoffs", headers=headers).json() if h["case_id"] == case_id]
    assert items, f"case {case_id} is not in the team's queue"
    return dict(items[0])


def consent_given_on_web(http: httpx.Client, invite_code: str) -> WebPerson:
    person = WebPerson(http, invite_code)
    person.say("/greet")
    person.say("this is for me")
    person.to_question()
    person.say("yes")
    person.say("/affirm")
    return person


def test_a_daughter_answers_for_her_mum_on_the_web(http: httpx.Client) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "REP-1", phone="+447700900401")
    helper = WebPerson(http, case["invite_code"])
    helper.say("/greet")
    assert "name" in WebPerson.words(helper.say("I'm her daughter, I help mum with her post")).lower()
    helper.say("Sam")
    assert "You are Sam." in WebPerson.words(helper.say("+447700900402"))  # read back once before going on
    helper.say("yes that's right")
    helper.say("yes I will come")
    helper.say("/affirm")  # answering for her mum
    helper.to_question()
    helper.say("yes she is happy to")
    helper.say("/affirm")
    shown = case_of(http, council.staff, case["id"])
    assert shown["consent"]["state"] == "given"
    assert shown["consent"]["given_by"] == "representative"
    assert shown["advocate_involved"] is True
    record = http.get(f"/api/cases/{case['id']}/consent-record", headers=council.staff).json()
    assert "family_member" in str(record)
    assert "Sam" not in str(record) and "+447700900402" not in str(record)


def test_an_advocate_answers_by_text(http: httpx.Client, live: Stack) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "REP-2", phone="+447700900403")
    advocate = Texter(http, live.server_url, "+447700900404")
    advocate.send("hello")
    advocate.send(case["invite_code"])
    assert "Who are you to them?" in advocate.send("2")[-1]
    advocate.send("advocate")
    advocate.send("skip")
    readback = "\n".join(advocate.send("this number"))
    assert "07700 900404" in readback, readback  # the number they text from, read back once
    advocate.send("1")  # the details read back are right
    advocate.send("no")  # will not join the meeting
    advocate.send("1")  # answering on their behalf
    advocate.to_question()
    advocate.send("yes")
    advocate.send("1")
    shown = case_of(http, council.staff, case["id"])
    assert shown["consent"]["given_by"] == "representative"
    assert shown["advocate_involved"] is True
    record = http.get(f"/api/cases/{case['id']}/consent-record", headers=council.staff).json()
    assert "independent_advocate" in str(record)


def test_preferences_reach_the_team_who_schedule_and_the_person_is_told(
    http: httpx.Client, fake_twilio: FakeTwilio
) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "PREF-1", phone="+447700900405")
    person = consent_given_on_web(http, case["invite_code"])
    person.say("on the phone please")
    person.say("large print and extra time")
    person.say("mondays or fridays")
    person.say("any time is fine")
    person.say("no")
    readback = person.say("text me")
    assert "Phone" in WebPerson.words(readback) and "Large print" in WebPerson.words(readback)
    person.say("/affirm")

    headers = team(http)
    item = handoff_for(http, headers, case["id"])
    prefs = item["preferences"]
    assert prefs["how"] == ["phone"]
    assert set(prefs["support"]) == {"large_print", "extra_time"}
    assert set(prefs["days"]) == {"monday", "friday"}
    assert prefs["contact_by"] == "text"
    assert http.get("/api/handoffs", headers=council.staff).status_code == 403
    assert "large_print" not in str(case_of(http, council.staff, case["id"]))

    assert http.post(f"/api/handoffs/{item['id']}/claim", headers=headers).status_code == 200
    at = (datetime.now(UTC) + timedelta(days=5)).replace(hour=10, minute=0, second=0, microsecond=0)
    body = {"at": at.isoformat(), "how": "phone"}
    assert http.post(f"/api/handoffs/{item['id']}/schedule", json=body, headers=headers).status_code == 200
    assert any("10am" in sms for sms in fake_twilio.sms_to("+447700900405"))
    assert case_of(http, council.staff, case["id"])["status"] == "scheduled"


def _scheduled(http: httpx.Client, phone: str, hours_ahead: int) -> tuple[Any, dict[str, Any], datetime]:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, f"RC-{uuid.uuid4().hex[:4]}", phone=phone)
    person = consent_given_on_web(http, case["invite_code"])
    for answer in ("skip", "none", "any", "any", "no", "skip"):
        person.say(answer)
    person.say("/affirm")
    headers = team(http)
    item = handoff_for(http, headers, case["id"])
    at = datetime.now(UTC) + timedelta(hours=hours_ahead)
    http.post(f"/api/handoffs/{item['id']}/schedule", json={"at": at.isoformat(), "how": "phone"}, headers=headers)
    return council, case, at


def test_no_at_the_check_before_the_meeting_withdraws(http: httpx.Client, live: Stack, fake_twilio: FakeTwilio) -> None:
    council, case, _ = _scheduled(http, "+447700900406", hours_ahead=36)
    counts = http.post("/api/jobs/run", json={}, headers=ADMIN).json()
    assert counts["asked"] >= 1
    assert any("still happy" in sms for sms in fake_twilio.sms_to("+447700900406"))
    Texter(http, live.server_url, "+447700900406").send("no")
    assert case_of(http, council.staff, case["id"])["consent"]["state"] == "withdrawn"
    reasons = [h["reason"] for h in http.get("/api/handoffs", headers=team(http)).json() if h["case_id"] == case["id"]]
    assert "withdrew" in reasons, "the team is told"


def test_silence_at_the_check_flags_the_case(http: httpx.Client) -> None:
    council, case, at = _scheduled(http, "+447700900407", hours_ahead=30)
    http.post("/api/jobs/run", json={}, headers=ADMIN)
    later = (at - timedelta(hours=6)).isoformat()
    assert http.post("/api/jobs/run", json={"now": later}, headers=ADMIN).json()["flagged"] >= 1
    shown = case_of(http, council.staff, case["id"])
    assert shown["check_consent_at_start"] is True
    assert shown["consent"]["state"] == "given", "silence never changes consent"


def test_a_message_about_harm_gets_the_safe_reply_and_goes_top_of_the_queue(http: httpx.Client) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "SAFE-1", phone="+447700900408")
    person = WebPerson(http, case["invite_code"])
    person.say("/greet")
    reply = person.say("my carer hits me when nobody is here")
    assert "999" in WebPerson.words(reply)
    first = http.get("/api/handoffs", headers=team(http)).json()[0]
    assert first["case_id"] == case["id"] and first["urgent"] is True
    assert case_of(http, council.staff, case["id"])["consent"]["state"] == "pending"
