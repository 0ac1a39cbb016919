"""Odd input on the chat and SMS webhooks gets a clear answer (a 4xx, or a normal reply), and what was accepted is
stored exactly as it was sent: emoji, right-to-left text, control characters, SQL and HTML are only ever text."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from easyread.render import text
from server.domain.db import session_scope
from server.domain.models import Case, Message
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN, twilio_post

PUBLIC = "http://testserver"
ODD = [
    "Hello 👋🏽 can my 👨‍👩‍👧 come? ✅",
    "مرحبا، هل يمكن لابني أن يأتي معي؟",
    "שלום abc עברית 123",
    "\u202eright to left override\u202c and back",
    "bell\x07 escape\x1b[31m red\x1b[0m tab\there",
    "line one\nline two\r\nline three",
    "'; DROP TABLE cases; --",
    "Robert'); DELETE FROM messages WHERE ('1'='1",
    "1 OR 1=1 UNION SELECT phone FROM cases",
    "<script>alert('x')</script><b>bold</b> &amp; &lt;",
    '{"json": true, "nested": ["a", {"b": null}]}',
    "%s %d {0} ${HOME} `rm -rf /` $(whoami)",
    "zero\u200bwidth\ufeffand combining e\u0301",
    "x" * 1999,
]
UNREADABLE = text("limits.unreadable", "en")


def stored(conversation_id: str) -> list[str]:
    with session_scope() as session:
        return list(
            session.scalars(
                select(Message.text)
                .where(Message.conversation_id == conversation_id, Message.direction == "in")
                .order_by(Message.id)
            )
        )


@pytest.mark.parametrize("message", ODD, ids=range(len(ODD)))
def test_odd_chat_messages_are_answered_and_stored_as_sent(client: TestClient, message: str) -> None:
    sender = uuid.uuid4().hex
    response = client.post("/chat/messages", json={"sender": sender, "message": message})
    assert response.status_code == 200, response.text
    assert response.json() and all(m["text"] for m in response.json())
    assert stored(f"web:{sender}") == [message]


def test_odd_texts_are_answered_and_stored_as_sent(client: TestClient, twilio_env: FakeTwilio) -> None:
    phone = "+447700900821"
    for body in [*ODD, "y" * 10_000, ""]:
        params = {"From": phone, "To": "+447700900000", "Body": body, "MessageSid": "SM" + uuid.uuid4().hex}
        response = twilio_post(client, "/twilio/sms", params, PUBLIC)
        assert response.status_code == 200, response.text
        assert "<Message>" in response.text
    assert stored(f"sms:{phone}") == [*ODD, "y" * 10_000, ""]


def test_bad_chat_requests_get_a_4xx(client: TestClient) -> None:
    sender = uuid.uuid4().hex
    assert client.post("/chat/messages").status_code == 422
    assert client.post("/chat/messages", content=b"", headers={"Content-Type": "application/json"}).status_code == 422
    assert client.post("/chat/messages", json={}).status_code == 422
    assert (
        client.post("/chat/messages", content=b"{not json", headers={"Content-Type": "application/json"}).status_code
        == 422
    )
    assert client.post("/chat/messages", json={"sender": sender, "message": ""}).status_code == 422
    assert client.post("/chat/messages", json={"sender": sender, "message": "x" * 10_000}).status_code == 422
    assert client.post("/chat/messages", json={"sender": "../../etc", "message": "hi"}).status_code == 422
    assert client.post("/chat/messages", json={"sender": sender, "message": ["a"]}).status_code == 422
    assert stored(f"web:{sender}") == []


def test_a_nul_character_is_refused_with_easy_read_words(client: TestClient, twilio_env: FakeTwilio) -> None:
    """PostgreSQL cannot keep a NUL in text: it is refused at the door, on every route, never a server error."""
    sender = uuid.uuid4().hex
    response = client.post("/chat/messages", json={"sender": sender, "message": "hi\x00there"})
    assert response.status_code == 400 and response.json() == [{"text": UNREADABLE}]
    params = {"From": "+447700900822", "Body": "hi\x00there", "MessageSid": "SMnul"}
    response = twilio_post(client, "/twilio/sms", params, PUBLIC)
    assert response.status_code == 400 and UNREADABLE in response.text
    response = client.post("/api/councils", json={"name": "North\x00"}, headers=ADMIN)
    assert response.status_code == 400 and response.json() == {"detail": UNREADABLE}
    assert client.get("/api/cases?status=%00", headers=ADMIN).status_code == 400
    assert stored(f"web:{sender}") == [] and stored("sms:+447700900822") == []
    # A backslash and "u0000" typed as words are words, not a NUL.
    response = client.post("/chat/messages", json={"sender": sender, "message": "C:\\u0000 100%00"})
    assert response.status_code == 200
    assert stored(f"web:{sender}") == ["C:\\u0000 100%00"]


def test_a_case_reference_with_odd_characters_is_kept_as_given(client: TestClient) -> None:
    council = client.post("/api/councils", json={"name": "<b>North</b> '; --"}, headers=ADMIN)
    assert council.status_code == 201 and council.json()["name"] == "<b>North</b> '; --"
    body = {"reference": "REF-'; DROP TABLE cases; -- 👋", "theme": "older_people", "council_id": council.json()["id"]}
    case = client.post("/api/cases", json=body, headers=ADMIN)
    assert case.status_code == 201, case.text
    with session_scope() as session:
        assert session.get(Case, case.json()["id"]).reference == body["reference"]  # type: ignore[union-attr]


def test_digits_that_are_not_ascii_get_404_not_500(client: TestClient) -> None:
    # "¹".isdigit() is true in Python, and int("¹") fails: Schemathesis found it in the calendar link.
    assert client.get("/meeting/%C2%B9-abc.ics").status_code == 404
    assert client.get("/meeting/%C2%B9.ics").status_code == 404


def test_a_time_far_outside_ours_for_the_jobs_is_refused_not_a_500(client: TestClient) -> None:
    from tests.support import ADMIN

    for now in ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"):
        response = client.post("/api/jobs/run", json={"now": now}, headers=ADMIN)
        assert response.status_code == 422, response.text
    assert client.post("/api/jobs/run", json={"now": "2026-12-01T09:00:00Z"}, headers=ADMIN).status_code == 200
