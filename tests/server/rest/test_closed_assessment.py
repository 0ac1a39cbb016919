"""A case for a council whose assessment is closed is refused (409, with a clear message), by the API, the staff
upload and a pick: its invitation code could never work, so nobody is sent one. SQLite and PostgreSQL."""

from __future__ import annotations

import html

from fastapi.testclient import TestClient

from easyread.render import text
from server.domain.db import session_scope
from server.domain.models import Case
from tests.server.rest.test_selection import long_list, pick, team_token, upload
from tests.support import ADMIN, council_with_staff, csrf_of, new_case, page_user, sign_in


def test_a_case_for_a_closed_assessment_gets_409_and_no_code(client: TestClient) -> None:
    north = council_with_staff(client, "North")
    open_case = new_case(client, north.staff, "N-1", phone="+447700900301")
    assert client.post(f"/api/councils/{north.council_id}/close", headers=ADMIN).status_code == 200

    body = {"reference": "N-2", "theme": "older_people", "phone": "+447700900302"}
    for headers, payload in ((north.staff, body), (ADMIN, {**body, "council_id": north.council_id})):
        response = client.post("/api/cases", json=payload, headers=headers)
        assert response.status_code == 409, response.text
        assert "assessment is closed" in response.json()["detail"]
    # Nothing was made: no case, so no dead code.
    with session_scope() as session:
        assert session.query(Case).filter(Case.reference == "N-2").count() == 0
    # A case made while it was open is not invited once it closed: its code no longer works.
    response = client.post(f"/api/cases/{open_case['id']}/invite", headers=north.staff)
    assert response.status_code == 409 and "assessment is closed" in response.json()["detail"]

    # Another council, still open, is not affected.
    south = council_with_staff(client, "South")
    assert new_case(client, south.staff, "S-1", phone="+447700900303")["invite_code"]


def test_a_pick_for_a_closed_assessment_gets_409(client: TestClient) -> None:
    north = council_with_staff(client, "North")
    team = team_token(client)
    assert upload(client, north.council_id, north.staff, long_list()).status_code == 201
    assert client.post(f"/api/councils/{north.council_id}/close", headers=ADMIN).status_code == 200
    response = pick(client, north.council_id, team)
    assert response.status_code == 409 and "assessment is closed" in response.json()["detail"]


def test_the_staff_upload_says_the_assessment_is_closed(client: TestClient) -> None:
    north = council_with_staff(client, "North")
    email = page_user(client, "council_staff", north.council_id)
    sign_in(client, email)
    assert client.post(f"/api/councils/{north.council_id}/close", headers=ADMIN).status_code == 200
    page = client.get("/staff/upload")
    data = "reference,theme,phone\nN-9,older_people,+447700900309\n"
    response = client.post(
        "/staff/upload",
        data={"csrf_token": csrf_of(page.text)},
        files={"file": ("cases.csv", data.encode(), "text/csv")},
    )
    assert response.status_code == 409
    assert html.escape(text("pages.problem_assessment_closed", "en")) in response.text
