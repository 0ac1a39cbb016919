"""A whole conversation by text message, signed as Twilio signs it, against the real model and server."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from tests.e2e.people import Texter, case_of
from tests.fakes.twilio_api import FakeTwilio
from tests.support import council_with_staff, new_case
from tools.stack import Stack

pytestmark = pytest.mark.e2e


def state(http: httpx.Client, staff: dict[str, str], case_id: int) -> dict[str, Any]:
    return case_of(http, staff, case_id)


def test_texting_from_hi_to_consent_then_stop(http: httpx.Client, live: Stack, fake_twilio: FakeTwilio) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "SMS-1", phone="+447700900301")
    invited = http.post(f"/api/cases/{case['id']}/invite", headers=council.staff).json()
    assert invited["invitation"]["status"] == "queued"
    assert case["invite_code"] in fake_twilio.sms_to("+447700900301")[0]

    person = Texter(http, live.server_url, "+447700900301")
    greeting = person.send("hi")
    # The greeting, who we are, why we got in touch and the first question come as one text.
    assert len(greeting) == 1
    assert "Reply 1 for It is for me." in greeting[-1]
    assert "Reply 1 for Next." in person.send("1")[-1]
    person.to_question()
    readback = person.send("yes please")
    assert "YES" in readback[-1] and "Reply 1 for" in readback[-1]
    assert state(http, council.staff, case["id"])["consent"]["state"] == "pending"
    # A retry of the same signed MessageSid changes state once and is answered the same way.
    confirm_sid = f"SM{uuid.uuid4().hex}"
    first = person.send("1", sid=confirm_sid)
    assert person.send("1", sid=confirm_sid) == first
    shown = state(http, council.staff, case["id"])["consent"]
    assert shown["state"] == "given" and shown["given_by"] == "person"

    person.send("STOP")
    assert state(http, council.staff, case["id"])["consent"]["state"] == "withdrawn"
    events = [e["action"] for e in http.get(f"/api/cases/{case['id']}/audit", headers=council.staff).json()]
    assert events.count("consent.given") == 1 and events[-2:] == ["consent.withdrawn", "sms.opted_out"]
    before = len(fake_twilio.sms_to("+447700900301"))
    assert person.send("are you there") == []
    http.post(f"/api/cases/{case['id']}/invite", headers=council.staff)
    assert len(fake_twilio.sms_to("+447700900301")) == before, "nothing is sent after STOP"
    assert person.send("START")
    assert state(http, council.staff, case["id"])["consent"]["state"] == "withdrawn"


def test_a_helper_on_another_phone_joins_with_the_code(http: httpx.Client, live: Stack) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "SMS-2", phone="+447700900302")
    helper = Texter(http, live.server_url, "+447700900399")
    [ask] = helper.send("hello I am texting for my mum")
    assert "code" in ask
    assert "code" in helper.send("ZZZZZZZZ")[0]
    greeting = helper.send(case["invite_code"])
    # The greeting, who we are, why we got in touch and the first question come as one text.
    assert len(greeting) == 1
    assert state(http, council.staff, case["id"])["status"] == "engaged"
