"""Every case on time, through the real server: progress counts that follow a case through each state, due-by dates
and at-risk flags as the clock moves (the jobs take a `now`), the team told once in its queue and by a notice."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from server.domain import consent, handoffs, reserves
from server.domain.db import session_scope
from server.domain.models import Case, OutboundMessage
from tests.server.rest.test_selection import long_list, pick, team_token, upload
from tests.support import ADMIN, bearer

AT = "2099-03-03T14:00:00+00:00"


def council(http: httpx.Client, name: str, fieldwork: date | None) -> tuple[int, dict[str, str]]:
    body: dict[str, Any] = {"name": name, "fieldwork_date": fieldwork.isoformat() if fieldwork else None}
    council_id = http.post("/api/councils", json=body, headers=ADMIN).json()["id"]
    token = http.post(
        "/api/tokens", json={"role": "council_staff", "council_id": council_id, "name": "s"}, headers=ADMIN
    ).json()["token"]
    return council_id, bearer(token)


def answer(case_id: int, state: str) -> None:
    """What the conversation records when the person answers the consent question."""
    with session_scope() as session:
        case = session.get(Case, case_id)
        assert case is not None
        notice = consent.notice_version(session, "en", "sms", "Are you happy to take part?")
        consent.record(
            session,
            case,
            state=state,
            given_by="person",
            notice=notice,
            channel="sms",
            conversation_id=None,
            actor="person:sms",
        )
        if state in ("declined", "withdrawn"):
            reserves.after_refusal(session, case)


def progress(http: httpx.Client, council_id: int, headers: dict[str, str]) -> dict[str, Any]:
    response = http.get(f"/api/councils/{council_id}/progress", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def picked_cases(http: httpx.Client, council_id: int, staff: dict[str, str]) -> tuple[dict[str, Any], list[int]]:
    team = team_token(http)
    upload(http, council_id, staff, long_list())
    made = pick(http, council_id, team, seed=11).json()
    by_ref = {case["reference"]: case["id"] for case in http.get("/api/cases", headers=staff).json()}
    return made, [by_ref[ref] for ref in made["primary"]]


def test_progress_counts_follow_a_case_through_every_state(client: TestClient) -> None:
    fieldwork = date.today() + timedelta(days=90)
    council_id, staff = council(client, "North", fieldwork)
    team = team_token(client)
    _, primaries = picked_cases(client, council_id, staff)
    first, second, third = primaries[:3]
    counts = progress(client, council_id, staff)
    assert counts["needed"] == 6 and counts["approached"] == 0 and counts["reserves_left"] == 4
    assert counts["fieldwork_date"] == fieldwork.isoformat()
    assert counts["due_by"] == (fieldwork - timedelta(days=5)).isoformat()
    assert counts["at_risk"] == []
    for case_id, phone in ((first, "+447700900601"), (second, "+447700900602"), (third, "+447700900603")):
        client.patch(f"/api/cases/{case_id}", json={"phone": phone}, headers=staff)
        assert client.post(f"/api/cases/{case_id}/invite", headers=staff).status_code == 200
    counts = progress(client, council_id, staff)
    assert (counts["approached"], counts["answered"], counts["no_answer"]) == (3, 0, 3)

    answer(first, "given")
    answer(second, "declined")
    counts = progress(client, council_id, team)
    assert (counts["answered"], counts["consented"], counts["declined"], counts["no_answer"]) == (2, 1, 1, 1)
    # The "no" proposes a reserve in its place: one fewer left.
    assert counts["reserves_left"] == 3

    with session_scope() as session:
        handoff_id = handoffs.ready_to_schedule(session, first, "person:sms").id
    assert client.post(f"/api/handoffs/{handoff_id}/schedule", json={"at": AT, "how": "phone"}, headers=team).is_success
    counts = progress(client, council_id, ADMIN)
    assert (counts["consented"], counts["scheduled"]) == (1, 1)
    assert client.post(f"/api/handoffs/{handoff_id}/complete", headers=team).is_success
    counts = progress(client, council_id, staff)
    assert (counts["scheduled"], counts["completed"]) == (0, 1)

    answer(third, "given")
    answer(third, "withdrawn")
    counts = progress(client, council_id, staff)
    assert (counts["consented"], counts["withdrawn"], counts["declined"]) == (1, 1, 1)

    _, other_staff = council(client, "South", None)
    assert client.get(f"/api/councils/{council_id}/progress", headers=other_staff).status_code == 404


def run_jobs(http: httpx.Client, now: datetime) -> dict[str, int]:
    response = http.post("/api/jobs/run", json={"now": now.isoformat()}, headers=ADMIN)
    assert response.status_code == 200, response.text
    body: dict[str, int] = response.json()
    return body


def test_at_risk_as_the_date_moves_and_the_team_is_told_once(client: TestClient) -> None:
    fieldwork = date.today() + timedelta(days=30)
    council_id, staff = council(client, "North", fieldwork)
    team = team_token(client)
    _, primaries = picked_cases(client, council_id, staff)
    today = datetime.now(UTC)
    # 30 days out, due 25 days out: not yet at risk.
    assert run_jobs(client, today)["at_risk"] == 0
    # 19 days on, the due-by date is 6 days away and nothing is booked: all 6 primaries are at risk, told once.
    later = today + timedelta(days=19)
    assert run_jobs(client, later)["at_risk"] == 6
    assert run_jobs(client, later + timedelta(hours=1))["at_risk"] == 0
    queue = client.get("/api/handoffs", headers=team).json()
    assert sorted(item["case_id"] for item in queue if item["reason"] == "at_risk") == sorted(primaries)
    assert all(item["due_by"] == (fieldwork - timedelta(days=5)).isoformat() for item in queue)
    with session_scope() as session:
        notices = list(session.scalars(select(OutboundMessage).where(OutboundMessage.kind == "at_risk")))
        assert len(notices) == 1 and notices[0].channel == "email" and notices[0].status == "outbox"
        assert "Subject: 6 cases at risk for North" in notices[0].body
        references = set(session.scalars(select(Case.reference).where(Case.id.in_(primaries))))
        assert all(f"- {ref} (primary)" in notices[0].body for ref in references)
        assert "+44" not in notices[0].body


def test_no_answer_in_time_is_at_risk_without_a_fieldwork_date(client: TestClient) -> None:
    council_id, staff = council(client, "North", None)
    _, primaries = picked_cases(client, council_id, staff)
    client.patch(f"/api/cases/{primaries[0]}", json={"phone": "+447700900611"}, headers=staff)
    client.post(f"/api/cases/{primaries[0]}/invite", headers=staff)
    now = datetime.now(UTC)
    assert run_jobs(client, now + timedelta(days=1))["at_risk"] == 0
    assert run_jobs(client, now + timedelta(days=8))["at_risk"] == 1
    answer(primaries[0], "given")
    # Answered: no longer at risk (and the flag is cleared, so it could be told again later).
    run_jobs(client, now + timedelta(days=9))
    with session_scope() as session:
        case = session.get(Case, primaries[0])
        assert case is not None and case.at_risk_since is None


def test_the_pages_show_the_progress_panel_and_due_by(client: TestClient) -> None:
    from tests.support import page_user, sign_in

    fieldwork = date.today() + timedelta(days=8)
    council_id, staff = council(client, "North", fieldwork)
    picked_cases(client, council_id, staff)
    sign_in(client, page_user(client, "council_staff", council_id))
    page = client.get("/staff/cases").text
    assert "Progress" in page and "People needed" in page and "Reserves left" in page
    team_client = TestClient(client.app)
    sign_in(team_client, page_user(client, "team"))
    run_jobs(client, datetime.now(UTC))
    queue = team_client.get("/team/handoffs").text
    # The queue first, then one table with a row per council, linking to that council's work.
    assert queue.index('id="queue"') < queue.index('id="councils"')
    assert f'href="/team/handoffs?council={council_id}">North</a>' in queue
    assert "Due by" in queue and "At risk" in queue
