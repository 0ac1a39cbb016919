"""Helpers the tests share: tokens, and councils, staff and cases set up through the real API.

TestClient is an httpx.Client, so the same helpers serve in-process and live tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

ADMIN_TOKEN = "test-admin-token-" + "x" * 16
INTERNAL_TOKEN = "test-internal-token"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


ADMIN = bearer(ADMIN_TOKEN)


@dataclass(frozen=True)
class CouncilSetup:
    council_id: int
    staff: dict[str, str]


def council_with_staff(http: httpx.Client, name: str) -> CouncilSetup:
    response = http.post("/api/councils", json={"name": name}, headers=ADMIN)
    assert response.status_code == 201, response.text
    council_id = response.json()["id"]
    response = http.post(
        "/api/tokens", json={"role": "council_staff", "council_id": council_id, "name": "staff"}, headers=ADMIN
    )
    assert response.status_code == 201, response.text
    return CouncilSetup(council_id, bearer(response.json()["token"]))


def new_case(http: httpx.Client, staff: dict[str, str], reference: str, phone: str = "+447700900123") -> dict[str, Any]:
    body = {"reference": reference, "theme": "older_people", "phone": phone, "language": "en"}
    response = http.post("/api/cases", json=body, headers=staff)
    assert response.status_code == 201, response.text
    case: dict[str, Any] = response.json()
    return case
