"""Abuse limits: messages per phone number, per chat and per address (429 and easy-read words), and the size of
request bodies (413). In memory per server, or shared by every server through Redis when REDIS_URL is set."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from easyread.render import text
from server.limits import RedisWindow, key_for
from server.settings import get_settings
from tests.fakes.twilio_api import FakeTwilio
from tests.support import sms_bodies, twilio_post

PUBLIC = "http://testserver"
TOO_MANY = text("limits.too_many", "en")
TOO_BIG = text("limits.too_big", "en")
REDIS_URL = "redis://127.0.0.1:6379/0"


def limit(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()


def texted(client: TestClient, phone: str, body: str = "hello") -> tuple[int, list[str]]:
    params = {"From": phone, "To": "+447700900000", "Body": body, "MessageSid": "SM" + uuid.uuid4().hex}
    response = twilio_post(client, "/twilio/sms", params, PUBLIC)
    status = response.status_code
    response.status_code = 200  # sms_bodies reads the TwiML whatever the status
    return status, sms_bodies(response)


def chat(client: TestClient, sender: str, message: str = "hello") -> tuple[int, list[str]]:
    response = client.post("/chat/messages", json={"sender": sender, "message": message})
    return response.status_code, [m["text"] for m in response.json()]


def test_a_number_that_texts_too_fast_is_asked_to_wait(monkeypatch: pytest.MonkeyPatch, twilio_env: FakeTwilio) -> None:
    limit(monkeypatch, MESSAGES_PER_NUMBER="3")
    from server.app import create_app

    with TestClient(create_app()) as client:
        for _ in range(3):
            assert texted(client, "+447700900811")[0] == 200
        status, bodies = texted(client, "+447700900811")
        assert (status, bodies) == (429, [TOO_MANY])
        # Another number is not held up by it.
        assert texted(client, "+447700900812")[0] == 200


def test_a_chat_or_an_address_that_sends_too_fast_is_asked_to_wait(
    monkeypatch: pytest.MonkeyPatch, settings_env: str
) -> None:
    limit(monkeypatch, MESSAGES_PER_CHAT="2", MESSAGES_PER_ADDRESS="5")
    from server.app import create_app

    with TestClient(create_app()) as client:
        assert chat(client, "chat-one-1")[0] == chat(client, "chat-one-1")[0] == 200
        refused = client.post("/chat/messages", json={"sender": "chat-one-1", "message": "hello"})
        assert refused.status_code == 429 and refused.json() == [{"text": TOO_MANY}]
        assert refused.headers["Retry-After"] == "60"
        # Other chats from the same address go on until the address has sent 5.
        assert chat(client, "chat-two-2")[0] == chat(client, "chat-three-3")[0] == 200
        assert chat(client, "chat-four-4")[0] == 429


def test_a_body_over_64_kb_is_refused_unread(twilio_env: FakeTwilio, client: TestClient) -> None:
    big = "a" * 70_000
    response = client.post("/chat/messages", json={"sender": "chat-big-1", "message": big})
    assert response.status_code == 413 and response.json() == [{"text": TOO_BIG}]
    # Sent in pieces without a length, it is counted as it comes.
    pieces = (b'{"sender": "chat-big-1", "message": "' + b"a" * 1000 for _ in range(70))
    response = client.post("/chat/messages", content=pieces, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    params = {"From": "+447700900813", "Body": big, "MessageSid": "SMbig"}
    response = twilio_post(client, "/twilio/sms", params, PUBLIC)
    assert response.status_code == 413 and TOO_BIG in response.text
    assert client.post("/api/councils", content=b"x" * 70_000).status_code == 413
    # Nothing calls back into the server with the whole conversation any more: no path is exempt.
    assert client.post("/rasa/nlg?token=anything", content=b"x" * 70_000).status_code == 413
    # The staff CSV upload may be bigger (a council's whole list), up to its own limit.
    assert client.post("/staff/upload", content=b"x" * 70_000).status_code != 413
    assert client.post("/staff/upload", content=b"x" * 2_100_000).status_code == 413


@pytest.fixture
def shared_counts(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    phone = "+447700900814"
    store = redis.Redis.from_url(REDIS_URL)
    key = RedisWindow(REDIS_URL, "number", 1, 1).redis_key(key_for("number", phone))
    store.delete(key)
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    yield phone
    store.delete(key)
    store.close()


def test_with_redis_every_server_counts_together(
    monkeypatch: pytest.MonkeyPatch, twilio_env: FakeTwilio, shared_counts: str
) -> None:
    limit(monkeypatch, MESSAGES_PER_NUMBER="2")
    from server.app import create_app

    with TestClient(create_app()) as first, TestClient(create_app()) as second:
        assert texted(first, shared_counts)[0] == 200
        assert texted(second, shared_counts)[0] == 200
        assert texted(first, shared_counts) == (429, [TOO_MANY])
        assert texted(second, shared_counts)[0] == 429
    # Redis holds a hash of the number, never the number.
    assert not list(redis.Redis.from_url(REDIS_URL).scan_iter("*447700900814*"))
