"""Closing a council's assessment: the team or an admin only, audited, and the first closing time stands."""

from __future__ import annotations

from datetime import datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from server.domain.db import session_scope
from server.domain.models import AuditEvent, Council
from tests.support import ADMIN, bearer, council_with_staff


def test_admin_or_team_close_an_assessment_once(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    path = f"/api/councils/{council.council_id}/close"
    response = client.post(path, headers=ADMIN)
    assert response.status_code == 200, response.text
    body = response.json()
    closed = datetime.fromisoformat(body["assessment_closed_at"])
    assert datetime.fromisoformat(body["purge_after"]) - closed == timedelta(days=90)
    assert body["id"] == council.council_id

    # A team member closes assessments only with the right an admin gives (tests/server/rest/test_team_rights.py).
    right = {"role": "team", "name": "team", "can_manage_cases": True}
    team = client.post("/api/tokens", json=right, headers=ADMIN).json()["token"]
    again = client.post(path, headers=bearer(team))
    assert again.status_code == 200
    assert again.json()["assessment_closed_at"] == body["assessment_closed_at"]

    with session_scope() as session:
        stored = session.get(Council, council.council_id)
        assert stored is not None and stored.assessment_closed_at is not None
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "council.assessment_closed")))
        assert [(e.actor, e.detail) for e in events] == [("admin", {"council_id": council.council_id})]


def test_council_staff_cannot_close_and_unknown_councils_are_404(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    path = f"/api/councils/{council.council_id}/close"
    assert client.post(path, headers=council.staff).status_code == 403
    assert client.post(path).status_code == 401
    assert client.post("/api/councils/999999/close", headers=ADMIN).status_code == 404
    with session_scope() as session:
        stored = session.get(Council, council.council_id)
        assert stored is not None and stored.assessment_closed_at is None
