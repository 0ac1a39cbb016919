"""The staff API: roles, council scoping, validation, on SQLite and PostgreSQL."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support import ADMIN, bearer, council_with_staff, new_case


def test_staff_create_and_read_their_case(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone="07700 900123")
    assert case["council_id"] == council.council_id
    pending = {"state": "pending", "given_by": None, "at": None, "unsure": False, "caller_verified": None}
    assert case["consent"] == pending
    assert case["advocate_involved"] is False
    assert len(case["invite_code"]) == 8
    response = client.get(f"/api/cases/{case['id']}", headers=council.staff)
    assert response.status_code == 200
    assert response.json()["reference"] == "N-1"


def test_staff_cannot_see_another_councils_case(client: TestClient) -> None:
    north = council_with_staff(client, "North Council")
    south = council_with_staff(client, "South Council")
    north_case = new_case(client, north.staff, "N-1")
    new_case(client, south.staff, "S-1", phone="+447700900124")
    assert client.get(f"/api/cases/{north_case['id']}", headers=south.staff).status_code in (403, 404)
    listed = client.get("/api/cases", headers=south.staff).json()
    assert [c["reference"] for c in listed] == ["S-1"]
    body = {"council_id": north.council_id, "reference": "X", "theme": "older_people"}
    assert client.post("/api/cases", json=body, headers=south.staff).status_code == 403


def test_bad_or_missing_token_gets_401(client: TestClient) -> None:
    assert client.get("/api/cases").status_code == 401
    assert client.get("/api/cases", headers=bearer("not-a-real-token")).status_code == 401
    assert client.get("/api/cases", headers={"Authorization": "Basic abc"}).status_code == 401


def test_only_admin_creates_councils_and_tokens(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    assert client.post("/api/councils", json={"name": "X"}, headers=council.staff).status_code == 403
    body = {"role": "team", "name": "t"}
    assert client.post("/api/tokens", json=body, headers=council.staff).status_code == 403


def test_team_sees_every_council(client: TestClient) -> None:
    north = council_with_staff(client, "North Council")
    new_case(client, north.staff, "N-1")
    token = client.post("/api/tokens", json={"role": "team", "name": "team"}, headers=ADMIN).json()["token"]
    assert len(client.get("/api/cases", headers=bearer(token)).json()) == 1


def test_bad_input_gets_a_clear_4xx(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    bad_phone = {"reference": "N-2", "theme": "older_people", "phone": "12345"}
    response = client.post("/api/cases", json=bad_phone, headers=council.staff)
    assert response.status_code == 422
    assert "phone" in response.text
    bad_theme = {"reference": "N-3", "theme": "astronauts"}
    assert client.post("/api/cases", json=bad_theme, headers=council.staff).status_code == 422
    new_case(client, council.staff, "N-4")
    duplicate = {"reference": "N-4", "theme": "older_people"}
    assert client.post("/api/cases", json=duplicate, headers=council.staff).status_code == 409
    assert client.post("/api/councils", content=b"not json", headers=ADMIN).status_code == 422
    assert client.get("/api/cases/999999", headers=council.staff).status_code == 404


def test_phone_numbers_are_stored_in_e164(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone="07700 900 123")
    from server.domain.db import session_scope
    from server.domain.models import Case

    with session_scope() as session:
        stored = session.get(Case, case["id"])
        assert stored is not None
        assert stored.phone == "+447700900123"
