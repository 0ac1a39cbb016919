"""Closing the loop, through the real server: the thank-you after the talk and "we do not need to talk with you now",
each sent once, in English and Polish, by text (the local fake of Twilio's API) and on the web; never after STOP.
And the Expert by Experience in a booking."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from easyread.render import text
from easyread.sms_words import plain, segments, without_accents
from server.domain import conversations, handoffs
from server.domain.db import session_scope
from server.domain.models import AuditEvent, Case
from tests.fakes.twilio_api import FakeTwilio
from tests.server.rest.test_progress import answer
from tests.server.rest.test_selection import team_token
from tests.support import ADMIN, bearer, new_case, sms_bodies, twilio_post

AT = "2099-03-03T14:00:00+00:00"


def council(http: httpx.Client, report_expected: str | None = "2027-06") -> tuple[int, dict[str, str]]:
    body: dict[str, Any] = {"name": "North", "report_expected": report_expected}
    response = http.post("/api/councils", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    assert response.json()["report_expected"] == report_expected
    council_id = response.json()["id"]
    token = http.post(
        "/api/tokens", json={"role": "council_staff", "council_id": council_id, "name": "s"}, headers=ADMIN
    ).json()["token"]
    return council_id, bearer(token)


def booked(http: httpx.Client, team: dict[str, str], case_id: int, **extra: Any) -> int:
    with session_scope() as session:
        handoff_id = handoffs.ready_to_schedule(session, case_id, "person:sms").id
    response = http.post(f"/api/handoffs/{handoff_id}/schedule", json={"at": AT, "how": "phone", **extra}, headers=team)
    assert response.status_code == 200, response.text
    return handoff_id


def closed(http: httpx.Client, staff: dict[str, str], case_id: int) -> dict[str, Any] | None:
    found: dict[str, Any] | None = http.get(f"/api/cases/{case_id}", headers=staff).json()["closed"]
    return found


def not_needed(language: str) -> str:
    return text("closing.hello", language) + " " + text("closing.not_needed", language)


def thanks(language: str, month: str | None) -> str:
    parts = [text("closing.thank_you", language)]
    if month:
        parts.append(text("closing.report_month", language, month=month))
    else:
        parts.append(text("closing.report_later", language))
    parts.append(text("closing.nothing_more", language))
    return " ".join(parts)


@pytest.mark.parametrize(
    ("language", "month"), [("en", "June 2027"), ("pl", "czerwca 2027")], ids=["english", "polish"]
)
def test_the_thank_you_after_the_talk_is_sent_once_by_text(
    client: TestClient, twilio_env: FakeTwilio, language: str, month: str
) -> None:
    council_id, staff = council(client)
    team = team_token(client)
    case = new_case(client, staff, "N-1", phone="+447700900801", language=language)
    handoff_id = booked(client, team, case["id"])
    assert client.post(f"/api/handoffs/{handoff_id}/complete", headers=team).status_code == 200
    sent = twilio_env.sms_to("+447700900801")
    assert sent[-1] == plain(thanks(language, month))
    assert {"en": "ready by the end of June 2027.", "pl": "gotowy do końca czerwca 2027."}[language] in sent[-1]
    assert segments(sent[-1]).count <= 3
    ended = closed(client, staff, case["id"])
    assert ended is not None and ended["reason"] == "completed" and ended["told_at"]
    # Once: saying later that the case is not needed sends nothing more, and closing the assessment neither.
    before = len(twilio_env.sms_to("+447700900801"))
    client.post(f"/api/cases/{case['id']}/not-needed", headers=staff)
    client.post(f"/api/councils/{council_id}/close", headers=ADMIN)
    assert len(twilio_env.sms_to("+447700900801")) == before
    assert closed(client, staff, case["id"]) == ended
    with session_scope() as session:
        actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.case_id == case["id"]))]
    assert actions.count("case.closed") == 1 and actions.count("case.closing_message") == 1


def test_without_a_report_month_the_thank_you_says_a_report_is_coming(client: TestClient) -> None:
    _, staff = council(client, None)
    team = team_token(client)
    case = new_case(client, staff, "N-1", phone="+447700900802")
    handoff_id = booked(client, team, case["id"])
    client.post(f"/api/handoffs/{handoff_id}/complete", headers=team)
    outbox = [m for m in client.get("/api/outbox", headers=ADMIN).json() if m["kind"] == "closing"]
    assert [m["body"] for m in outbox] == [plain(thanks("en", None))]


def test_report_expected_is_a_month_and_the_team_can_set_it(client: TestClient) -> None:
    council_id, staff = council(client, None)
    team = team_token(client)
    assert (
        client.patch(f"/api/councils/{council_id}", json={"report_expected": "2027-13"}, headers=team).status_code
        == 422
    )
    assert (
        client.patch(f"/api/councils/{council_id}", json={"report_expected": "2027-03"}, headers=staff).status_code
        == 403
    )
    changed = client.patch(f"/api/councils/{council_id}", json={"report_expected": "2027-03"}, headers=team)
    assert changed.status_code == 200 and changed.json()["report_expected"] == "2027-03"


def web_case(http: httpx.Client, staff: dict[str, str], reference: str, language: str) -> tuple[dict[str, Any], str]:
    """A case whose person is talking on the web chat (linked by the code from their letter)."""
    case = new_case(http, staff, reference, phone="+447700900803", language=language)
    sender = uuid.uuid4().hex[:12]
    with session_scope() as session:
        conversation = conversations.get_or_create(session, f"web:{sender}", "web", language, "start")
        found = session.get(Case, case["id"])
        assert found is not None
        conversations.attach(session, conversation, found)
    return case, sender


@pytest.mark.parametrize("language", ["en", "pl"])
def test_we_do_not_need_you_now_on_the_web_once(client: TestClient, language: str) -> None:
    _, staff = council(client)
    case, sender = web_case(client, staff, "R-1", language)
    response = client.post(f"/api/cases/{case['id']}/not-needed", headers=staff)
    assert response.status_code == 200 and response.json()["closed"]["reason"] == "not_needed"
    waiting = client.post("/chat/messages/waiting", json={"sender": sender}).json()
    assert waiting == [{"text": not_needed(language)}]
    client.post(f"/api/cases/{case['id']}/not-needed", headers=staff)
    assert client.post("/chat/messages/waiting", json={"sender": sender}).json() == []
    # It went on the web, not by text.
    assert [m for m in client.get("/api/outbox", headers=ADMIN).json() if m["kind"] == "closing"] == []


def sms(http: httpx.Client, phone: str, body: str) -> list[str]:
    params = {"From": phone, "To": "+447700900000", "Body": body, "MessageSid": "SM" + uuid.uuid4().hex}
    return sms_bodies(twilio_post(http, "/twilio/sms", params, "http://testserver"))


def test_nothing_after_stop_no_or_withdrawing_when_the_assessment_closes(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    council_id, staff = council(client)
    waiting = new_case(client, staff, "N-1", phone="+447700900811")
    stopped = new_case(client, staff, "N-2", phone="+447700900812")
    declined = new_case(client, staff, "N-3", phone="+447700900813")
    withdrew = new_case(client, staff, "N-4", phone="+447700900814", language="pl")
    never = new_case(client, staff, "N-5", phone="+447700900815")
    part_way = new_case(client, staff, "N-6", phone="+447700900816", language="pl")
    for case in (waiting, stopped, declined, withdrew, part_way):
        client.post(f"/api/cases/{case['id']}/invite", headers=staff)
    assert sms(client, "+447700900812", "STOP")
    answer(declined["id"], "declined")
    answer(withdrew["id"], "given")
    answer(withdrew["id"], "withdrawn")
    answer(part_way["id"], "given")
    twilio_env.clear()

    assert client.post(f"/api/councils/{council_id}/close", headers=ADMIN).status_code == 200
    assert twilio_env.sms_to("+447700900811") == [plain(not_needed("en"))]
    assert twilio_env.sms_to("+447700900816") == [plain(not_needed("pl"))]
    for number in ("+447700900812", "+447700900813", "+447700900814", "+447700900815"):
        assert twilio_env.sms_to(number) == [], number
    for case in (waiting, part_way):
        ended = closed(client, staff, case["id"])
        assert ended is not None and ended["reason"] == "assessment_closed" and ended["told_at"]
    for case in (stopped, declined, withdrew):
        assert closed(client, staff, case["id"]) == {"reason": "assessment_closed", "told_at": None}
    # Never contacted: nothing to close.
    assert closed(client, staff, never["id"]) is None
    # Closing again tells nobody twice.
    client.post(f"/api/councils/{council_id}/close", headers=ADMIN)
    assert len(twilio_env.sent) == 2


def test_scheduling_cancelled_by_the_team_tells_the_person_once(client: TestClient, twilio_env: FakeTwilio) -> None:
    _, staff = council(client)
    team = team_token(client)
    case = new_case(client, staff, "N-1", phone="+447700900821")
    answer(case["id"], "given")
    with session_scope() as session:
        handoff_id = handoffs.ready_to_schedule(session, case["id"], "person:sms").id
    assert client.post(f"/api/handoffs/{handoff_id}/cancel", headers=team).status_code == 200
    assert twilio_env.sms_to("+447700900821") == [plain(not_needed("en"))]
    # With a booked meeting, the one message says that it will not happen.
    third = new_case(client, staff, "N-3", phone="+447700900823")
    answer(third["id"], "given")
    handoff = booked(client, team, third["id"])
    client.post(f"/api/handoffs/{handoff}/cancel", headers=team)
    _booking, last = twilio_env.sms_to("+447700900823")
    assert "Tuesday 3 March at 2pm will not happen" in last and "We do not need to talk with you now." in last
    assert closed(client, staff, case["id"])["reason"] == "handoff_cancelled"  # type: ignore[index]
    # A request for a person that the team dealt with ends without a message.
    other = new_case(client, staff, "N-2", phone="+447700900822")
    with session_scope() as session:
        asked = handoffs.request(session, other["id"], None, "asked", "person:sms").id
    client.post(f"/api/handoffs/{asked}/cancel", headers=team)
    assert twilio_env.sms_to("+447700900822") == []


@pytest.mark.parametrize("language", ["en", "pl"])
def test_an_expert_by_experience_is_recorded_and_the_person_told(
    client: TestClient, twilio_env: FakeTwilio, language: str
) -> None:
    _, staff = council(client)
    team = team_token(client)
    case = new_case(client, staff, "N-1", phone="+447700900831", language=language)
    handoff_id = booked(client, team, case["id"], expert_by_experience=True)
    shown = client.get(f"/api/handoffs/{handoff_id}", headers=team).json()
    assert shown["meeting"]["expert_by_experience"] is True
    [confirmation] = twilio_env.sms_to("+447700900831")
    expert = plain(text("closing.expert", language))
    # A Polish booking with its calendar link goes without accents (easyread.sms_words.fitted).
    assert expert in confirmation or without_accents(expert) in confirmation
    assert segments(confirmation).count <= 3
    with session_scope() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "meeting.scheduled")).one()
        assert event.detail["expert_by_experience"] is True


def test_the_closing_messages_are_easy_read_and_fit_in_3_texts() -> None:
    for language in ("en", "pl"):
        for body in (thanks(language, "in September 2027"), not_needed(language)):
            assert segments(plain(body)).count <= 3, (language, body)
    assert json.dumps(not_needed("en")).isascii()


def test_nothing_on_the_web_after_stop(client: TestClient) -> None:
    _, staff = council(client)
    case, sender = web_case(client, staff, "R-2", "en")
    body = {"sender": sender, "message": "STOP", "metadata": {"invite_code": case["invite_code"]}}
    assert client.post("/chat/messages", json=body).status_code == 200
    client.post("/chat/messages/waiting", json={"sender": sender})
    client.post(f"/api/cases/{case['id']}/not-needed", headers=staff)
    assert client.post("/chat/messages/waiting", json={"sender": sender}).json() == []
    assert closed(client, staff, case["id"]) == {"reason": "not_needed", "told_at": None}
