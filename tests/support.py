"""Helpers the tests share: tokens, and councils, staff and cases set up through the real API.

TestClient is an httpx.Client, so the same helpers serve in-process and live tests.
"""

from __future__ import annotations

from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from server.domain import cases, councils
from server.domain.models import Case
from server.domain.tokens import Principal
from tests.fakes.twilio_api import FAKE_ACCOUNT_SID, FAKE_AUTH_TOKEN, FAKE_FROM_NUMBER, FakeTwilio

ADMIN_TOKEN = "test-admin-token-" + "x" * 16


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


def new_case(
    http: httpx.Client, staff: dict[str, str], reference: str, phone: str = "+447700900123", language: str = "en"
) -> dict[str, Any]:
    body = {"reference": reference, "theme": "older_people", "phone": phone, "language": language}
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


PASSWORD = "correct horse battery staple"


def page_user(http: httpx.Client, role: str, council_id: int | None = None, email: str | None = None) -> str:
    """A person who signs in to the pages (POST /api/users, admin); returns their email. The password is PASSWORD."""
    import uuid

    email = email or f"{role}-{uuid.uuid4().hex[:8]}@example.org"
    body = {"email": email, "password": PASSWORD, "role": role, "council_id": council_id}
    response = http.post("/api/users", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    return email


def csrf_of(page: str) -> str:
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(http: httpx.Client, email: str, password: str = PASSWORD) -> httpx.Response:
    """Sign in through the sign-in form, as a browser does; the client keeps the session cookie."""
    token = csrf_of(http.get("/sign-in").text)
    return http.post("/sign-in", data={"csrf_token": token, "email": email, "password": password})


def run_coroutine[T](coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine on a thread of its own: Playwright's sync API (the browser tests, earlier in the run) may
    have left an event loop running on this one, and asyncio.run() refuses to start inside it."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def stored_case(
    session: Session, reference: str = "N-1", phone: str | None = "+447700900700", language: str = "en"
) -> Case:
    """A council of its own with one primary case, written through the domain as the API writes them."""
    council = councils.create(session, f"Council {reference}", "admin")
    admin = Principal(role="admin", council_id=None, actor="admin")
    return cases.create(
        session,
        admin,
        council_id=council.id,
        reference=reference,
        theme="older_people",
        phone=phone,
        language=language,
        priority="primary",
    )
