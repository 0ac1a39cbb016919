"""Helpers the tests share: tokens, and councils, staff and cases set up through the real API.

TestClient is an httpx.Client, so the same helpers serve in-process and live tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from twilio.request_validator import RequestValidator

from tests.fakes.twilio_api import FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FAKE_FROM_NUMBER, FakeTwilio

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


def twilio_settings(fake: FakeTwilio, public_base_url: str) -> dict[str, str]:
    return {
        "TWILIO_ACCOUNT_SID": FAKE_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": FAKE_AUTH_TOKEN,
        "TWILIO_FROM_NUMBER": FAKE_FROM_NUMBER,
        "TWILIO_API_BASE_URL": fake.base_url,
        "PUBLIC_BASE_URL": public_base_url,
    }


def twilio_post(
    http: httpx.Client, path: str, params: dict[str, str], public_base_url: str, token: str = FAKE_AUTH_TOKEN
) -> httpx.Response:
    """POST form data signed exactly as Twilio signs it: HMAC-SHA1 of the public URL and sorted parameters."""
    signature = RequestValidator(token).compute_signature(public_base_url.rstrip("/") + path, params)
    return http.post(path, data=params, headers={"X-Twilio-Signature": signature})


def sms_bodies(response: httpx.Response) -> list[str]:
    """The <Message> bodies of a TwiML answer."""
    import xml.etree.ElementTree as ET

    assert response.status_code == 200, response.text
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    return [message.text or "" for message in root.iter("Message")]
