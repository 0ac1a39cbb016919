"""People who sign in to the pages: made by an admin through the API, kept with an argon2 hash of the password."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from server.domain.db import session_scope
from server.domain.models import AuditEvent, StaffUser
from tests.support import ADMIN, PASSWORD, council_with_staff, page_user


def test_an_admin_makes_users_and_only_a_hash_of_the_password_is_kept(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    email = page_user(client, "council_staff", council.council_id, email="Sam.Staff@North.example.org")
    assert email == "Sam.Staff@North.example.org"
    with session_scope() as session:
        user = session.scalars(select(StaffUser)).one()
        assert user.email == "sam.staff@north.example.org"
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        details = [
            str(e.detail) for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "user.created"))
        ]
    assert details and all("north.example.org" not in d for d in details), "no email in the audit"

    body = {"email": "jo@example.org", "password": PASSWORD, "role": "team"}
    assert client.post("/api/users", json=body, headers=council.staff).status_code == 403
    assert client.post("/api/users", json=body).status_code == 401
    assert client.post("/api/users", json={**body, "password": "short"}, headers=ADMIN).status_code == 422
    assert client.post("/api/users", json={**body, "role": "council_staff"}, headers=ADMIN).status_code == 422
    same = {**body, "email": "SAM.staff@north.example.org"}
    assert client.post("/api/users", json=same, headers=ADMIN).status_code == 409
