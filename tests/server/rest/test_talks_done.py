"""Reserves told when a council's talks are done, through the real server: once each, in easy read, on their channel
(a text by the local fake of Twilio's API, or the web chat); never after STOP, a no or a withdrawal; audited; shown on
the progress; by the last completed talk, by a lower talks target, and by the jobs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from easyread.sms_words import plain
from server.domain import conversations
from server.domain.db import session_scope
from server.domain.models import AuditEvent, Case
from tests.fakes.twilio_api import FakeTwilio
from tests.server.rest.test_closing import booked, closed, council, not_needed, sms
from tests.server.rest.test_progress import answer, run_jobs
from tests.server.rest.test_selection import team_token


def add_case(http: httpx.Client, staff: dict[str, str], reference: str, priority: str, phone: str, **extra: Any) -> int:
    body = {"reference": reference, "theme": "older_people", "phone": phone, "priority": priority, **extra}
    response = http.post("/api/cases", json=body, headers=staff)
    assert response.status_code == 201, response.text
    case_id: int = response.json()["id"]
    return case_id


def progress(http: httpx.Client, council_id: int, headers: dict[str, str]) -> dict[str, Any]:
    response = http.get(f"/api/councils/{council_id}/progress", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def complete_talk(http: httpx.Client, team: dict[str, str], case_id: int) -> None:
    answer(case_id, "given")
    handoff_id = booked(http, team, case_id)
    assert http.post(f"/api/handoffs/{handoff_id}/complete", headers=team).status_code == 200


def on_the_web(case_id: int, language: str) -> str:
    sender = uuid.uuid4().hex[:12]
    with session_scope() as session:
        conversation = conversations.get_or_create(session, f"web:{sender}", "web", language, "start")
        found = session.get(Case, case_id)
        assert found is not None
        conversations.attach(session, conversation, found)
    return sender


def test_the_last_talk_tells_each_waiting_reserve_once_and_nobody_who_said_stop_or_no(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    council_id, staff = council(client)
    team = team_token(client)
    primaries = [add_case(client, staff, f"P-{i}", "primary", f"+44770090090{i}") for i in (1, 2)]
    waiting = add_case(client, staff, "R-1", "reserve", "+447700900911")
    polish = add_case(client, staff, "R-2", "reserve", "+447700900912", language="pl")
    stopped = add_case(client, staff, "R-3", "reserve", "+447700900913")
    declined = add_case(client, staff, "R-4", "reserve", "+447700900914")
    withdrew = add_case(client, staff, "R-5", "reserve", "+447700900915")
    never = add_case(client, staff, "R-6", "reserve", "+447700900916")
    web = add_case(client, staff, "R-7", "reserve", "+447700900917", language="pl")
    for case_id in (waiting, polish, stopped, declined, withdrew, web):
        assert client.post(f"/api/cases/{case_id}/invite", headers=staff).status_code == 200
    sender = on_the_web(web, "pl")
    assert sms(client, "+447700900913", "STOP")
    answer(declined, "declined")
    answer(withdrew, "given")
    answer(withdrew, "withdrawn")
    twilio_env.clear()

    # One talk of 2: nobody is told yet.
    complete_talk(client, team, primaries[0])
    assert twilio_env.sms_to("+447700900911") == []
    assert progress(client, council_id, staff)["talks_done_at"] is None
    # The second: each reserve still waiting is told, in their language, on their channel.
    complete_talk(client, team, primaries[1])
    assert twilio_env.sms_to("+447700900911") == [plain(not_needed("en"))]
    assert twilio_env.sms_to("+447700900912") == [plain(not_needed("pl"))]
    assert client.post("/chat/messages/waiting", json={"sender": sender}).json() == [{"text": not_needed("pl")}]
    assert twilio_env.sms_to("+447700900917") == []
    for number in ("+447700900913", "+447700900914", "+447700900915", "+447700900916"):
        assert twilio_env.sms_to(number) == [], number
    for case_id in (waiting, polish, web):
        ended = closed(client, staff, case_id)
        assert ended is not None and ended["reason"] == "not_needed" and ended["told_at"]
    for case_id in (stopped, declined, withdrew):
        assert closed(client, staff, case_id) == {"reason": "not_needed", "told_at": None}
    assert closed(client, staff, never) is None
    shown = progress(client, council_id, staff)
    assert shown["needed"] == 2 and shown["completed"] == 2 and shown["reserves_told"] == 3
    assert shown["talks_done_at"] is not None

    # Once: the jobs, another target and closing the assessment tell nobody again.
    before = len(twilio_env.sent)
    run_jobs(client, datetime.now(UTC))
    client.patch(f"/api/councils/{council_id}", json={"talks_needed": 1}, headers=team)
    client.post(f"/api/councils/{council_id}/close", headers=team)
    assert len(twilio_env.sent) == before
    with session_scope() as session:
        events = list(session.scalars(select(AuditEvent).order_by(AuditEvent.id)))
    assert [e.action for e in events].count("council.talks_done") == 1
    for case_id in (waiting, polish, web, stopped, declined, withdrew):
        actions = [e.action for e in events if e.case_id == case_id]
        assert actions.count("case.closed") == 1, case_id
    told = [e.case_id for e in events if e.action == "case.closing_message" and e.case_id not in primaries]
    assert sorted(case_id for case_id in told if case_id is not None) == sorted((waiting, polish, web))


def test_a_talks_target_reached_tells_reserves_now_and_a_reserve_after_it_is_not_proposed(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    council_id, staff = council(client)
    team = team_token(client)
    primaries = [add_case(client, staff, f"P-{i}", "primary", f"+44770090092{i}") for i in range(3)]
    reserve = add_case(client, staff, "R-1", "reserve", "+447700900931")
    spare = add_case(client, staff, "R-2", "reserve", "+447700900932")
    client.post(f"/api/cases/{reserve}/invite", headers=staff)
    complete_talk(client, team, primaries[0])
    complete_talk(client, team, primaries[1])
    assert progress(client, council_id, team)["needed"] == 3
    twilio_env.clear()
    # Only the team or an admin set it, 1 to 100.
    assert client.patch(f"/api/councils/{council_id}", json={"talks_needed": 2}, headers=staff).status_code == 403
    assert client.patch(f"/api/councils/{council_id}", json={"talks_needed": 0}, headers=team).status_code == 422
    changed = client.patch(f"/api/councils/{council_id}", json={"talks_needed": 2}, headers=team)
    assert changed.status_code == 200 and changed.json()["talks_needed"] == 2
    assert twilio_env.sms_to("+447700900931") == [plain(not_needed("en"))]
    shown = progress(client, council_id, team)
    assert shown["needed"] == shown["talks_needed"] == 2 and shown["reserves_told"] == 1
    # The third primary says no: with the talks done, no reserve is asked to step in.
    answer(primaries[2], "declined")
    assert client.post(f"/api/cases/{primaries[2]}/reserve", headers=staff).status_code == 404
    with session_scope() as session:
        found = session.get(Case, spare)
        assert found is not None and found.reserve_for_case_id is None and found.closed_reason is None


def test_the_jobs_tell_a_reserve_who_was_invited_after_the_talks_were_done(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    council_id, staff = council(client)
    team = team_token(client)
    primary = add_case(client, staff, "P-1", "primary", "+447700900941")
    late = add_case(client, staff, "R-1", "reserve", "+447700900942")
    complete_talk(client, team, primary)
    assert closed(client, staff, late) is None
    client.post(f"/api/cases/{late}/invite", headers=staff)
    twilio_env.clear()
    assert run_jobs(client, datetime.now(UTC))["reserves_told"] == 1
    assert twilio_env.sms_to("+447700900942") == [plain(not_needed("en"))]
    assert run_jobs(client, datetime.now(UTC))["reserves_told"] == 0
    assert progress(client, council_id, staff)["reserves_told"] == 1
