"""Least privilege for the assessment team: it works the hand-off queue; creating cases, inviting, calling people
and closing assessments need the right, given by an admin to one team member (`can_manage_cases`)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from server.domain import handoffs
from server.domain.db import session_scope
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN, bearer, council_with_staff, csrf_of, new_case, page_user, sign_in


def team_token(client: TestClient, **extra: object) -> dict[str, str]:
    response = client.post("/api/tokens", json={"role": "team", "name": "Jo", **extra}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return bearer(response.json()["token"])


def test_the_team_works_the_queue_but_cannot_create_invite_call_or_close(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone="+447700900451")
    with session_scope() as session:
        handoff_id = handoffs.ready_to_schedule(session, case["id"], "test").id
    team = team_token(client)
    body = {"council_id": council.council_id, "reference": "N-2", "theme": "older_people"}
    assert client.post("/api/cases", json=body, headers=team).status_code == 403
    assert client.post(f"/api/cases/{case['id']}/invite", headers=team).status_code == 403
    assert client.post(f"/api/cases/{case['id']}/call", headers=team).status_code == 403
    assert client.post(f"/api/councils/{council.council_id}/close", headers=team).status_code == 403
    # Nothing happened: no case, no text, no call, the assessment still open.
    assert [c["reference"] for c in client.get("/api/cases", headers=council.staff).json()] == ["N-1"]
    assert twilio_env.sms_to("+447700900451") == []
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["invitation"]["status"] == "not_sent"
    # The team's own work goes on.
    assert [h["case_id"] for h in client.get("/api/handoffs", headers=team).json()] == [case["id"]]
    assert client.post(f"/api/handoffs/{handoff_id}/claim", headers=team).status_code == 200
    assert client.get(f"/api/cases/{case['id']}", headers=team).status_code == 200


def test_a_team_member_given_the_right_can_manage_cases(client: TestClient, twilio_env: FakeTwilio) -> None:
    council = council_with_staff(client, "North Council")
    manager = team_token(client, can_manage_cases=True)
    body = {"council_id": council.council_id, "reference": "N-1", "theme": "older_people", "phone": "+447700900452"}
    created = client.post("/api/cases", json=body, headers=manager)
    assert created.status_code == 201, created.text
    case_id = created.json()["id"]
    assert client.post(f"/api/cases/{case_id}/invite", headers=manager).json()["invitation"]["status"] == "queued"
    assert client.post(f"/api/cases/{case_id}/call", headers=manager).status_code == 202
    assert client.post(f"/api/councils/{council.council_id}/close", headers=manager).status_code == 200


def test_council_staff_still_manage_their_own_cases_but_never_close(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1")
    assert client.post(f"/api/cases/{case['id']}/invite", headers=council.staff).status_code == 200
    assert client.post(f"/api/councils/{council.council_id}/close", headers=council.staff).status_code == 403


def test_the_right_is_only_for_team_members(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    body = {"role": "council_staff", "council_id": council.council_id, "name": "Sam", "can_manage_cases": True}
    refused = client.post("/api/tokens", json=body, headers=ADMIN)
    assert refused.status_code == 422 and "can_manage_cases" in refused.text
    assert (
        client.post(
            "/api/tokens", json={"role": "team", "name": "x", "can_manage_cases": "maybe"}, headers=ADMIN
        ).status_code
        == 422
    )
    # Only an admin gives it.
    body = {"role": "team", "name": "x", "can_manage_cases": True}
    assert client.post("/api/tokens", json=body, headers=team_token(client, can_manage_cases=True)).status_code == 403


def test_page_users_carry_the_right_and_the_team_pages_offer_no_case_management(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1")
    body = {"email": "lead@example.org", "password": "correct horse battery staple", "role": "team"}
    created = client.post("/api/users", json={**body, "can_manage_cases": True}, headers=ADMIN)
    assert created.status_code == 201 and created.json()["can_manage_cases"] is True
    plain = client.post("/api/users", json={**body, "email": "jo@example.org"}, headers=ADMIN)
    assert plain.status_code == 201 and plain.json()["can_manage_cases"] is False
    sign_in(client, page_user(client, "team"))
    queue = client.get("/team/handoffs")
    assert queue.status_code == 200
    # The council's pages (invite, upload) are not the team's: 403, and no invitation goes.
    assert client.get("/staff/cases").status_code == 403
    token = csrf_of(queue.text)
    assert client.post(f"/staff/cases/{case['id']}/invite", data={"csrf_token": token}).status_code == 403
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["invitation"]["status"] == "not_sent"
