"""Abuse limits: messages per phone number, per chat and per address (429 and easy-read words), and the size of
request bodies (413). Counted by the `limits` package's moving window, in memory per server, or shared by every
server through Redis when REDIS_URL is set (and each server on its own while Redis cannot be reached)."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
import redis
from fastapi.testclient import TestClient

from easyread.render import text
from server.limits import Limits, key_for
from server.settings import get_settings
from tests.fakes.twilio_api import FakeTwilio
from tests.support import run_coroutine, sms_bodies, twilio_post

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


def test_in_memory_a_window_that_has_passed_is_forgotten_and_no_hit_starts_a_thread(
    monkeypatch: pytest.MonkeyPatch, settings_env: str
) -> None:
    limit(monkeypatch, MESSAGES_PER_CHAT="2", RATE_LIMIT_WINDOW_SECONDS="1")
    limits = Limits()

    async def hits() -> None:
        await asyncio.sleep(0.05)
        threads = threading.active_count()
        assert await limits.allow("chat", "early") and await limits.allow("chat", "early")
        assert not await limits.allow("chat", "early")
        # Counting started no thread to sweep up after it (the package's own memory storage starts one, 10 ms after
        # every burst of hits, which cost a message more than the counting).
        assert threading.active_count() <= threads
        await asyncio.sleep(1.1)
        # The window has passed: the sender is let through again, and the hit that found a sweep due swept out
        # the hits that are over (memory keeps only the last window's).
        assert await limits.allow("chat", "late")
        assert kept() == {key_for("chat", "late"): 1}
        assert await limits.allow("chat", "early")
        await asyncio.sleep(1.1)
        assert await limits.allow("chat", "later")
        assert kept() == {key_for("chat", "later"): 1}

    def kept() -> dict[str, int]:
        """The hits memory holds, by sender (the storage's keys are "LIMITER/<kind>/<sender's key>/...")."""
        return {key.split("/")[2]: len(hits) for key, hits in limits._memory.events.items() if hits}

    try:
        run_coroutine(hits())
    finally:
        run_coroutine(limits.close())


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


def redis_keys(store: redis.Redis, phone: str) -> list[bytes]:
    """The keys Redis holds for a number's count: found by the number's hash, the only thing Redis knows it by."""
    return list(store.scan_iter(f"casetracking:limit:*{key_for('number', phone)}*"))


@pytest.fixture
def shared_counts(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    phone = "+447700900814"
    store = redis.Redis.from_url(REDIS_URL)
    for key in redis_keys(store, phone):
        store.delete(key)
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    yield phone
    for key in redis_keys(store, phone):
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
    store = redis.Redis.from_url(REDIS_URL)
    assert redis_keys(store, shared_counts)
    assert not list(store.scan_iter("*447700900814*"))
    store.close()


@pytest.mark.parametrize("shared", [False, True], ids=["memory", "redis"])
def test_a_refused_message_does_not_count(
    monkeypatch: pytest.MonkeyPatch, twilio_env: FakeTwilio, shared_counts: str, shared: bool
) -> None:
    """A sender who keeps trying while asked to wait gets through once the window has moved past what was let in."""
    if not shared:
        monkeypatch.delenv("REDIS_URL")
    window = 5
    limit(monkeypatch, MESSAGES_PER_NUMBER="1", RATE_LIMIT_WINDOW_SECONDS=str(window))
    from server.app import create_app

    with TestClient(create_app()) as first, TestClient(create_app()) as second:
        # With Redis the second server sees the first's count; without, it counts on its own.
        other = second if shared else first
        assert texted(first, shared_counts)[0] == 200
        # Timed from when the first answer came back, not from a fixed sleep: a slow first request (a busy
        # machine) must not move the refused one outside the window.
        let_in_by = time.monotonic()
        time.sleep(1)
        assert texted(other, shared_counts) == (429, [TOO_MANY])
        # Past the window of the one let in, but at most window - 1 s after the refused one: had the refused one
        # counted, this would still be refused.
        time.sleep(max(0.0, let_in_by + window + 0.2 - time.monotonic()))
        assert texted(other, shared_counts)[0] == 200
        assert texted(first, shared_counts)[0] == 429


def test_with_redis_down_each_server_counts_on_its_own(
    monkeypatch: pytest.MonkeyPatch, twilio_env: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    # Nothing listens on port 1: every Redis call fails at once.
    limit(monkeypatch, REDIS_URL="redis://127.0.0.1:1/0", MESSAGES_PER_NUMBER="2")
    from server.app import create_app

    caplog.set_level(logging.WARNING, logger="server.limits")
    with TestClient(create_app()) as client:
        assert texted(client, "+447700900815")[0] == 200
        assert texted(client, "+447700900815")[0] == 200
        assert texted(client, "+447700900815") == (429, [TOO_MANY])
    warned = [r for r in caplog.records if r.name == "server.limits"]
    assert warned and all(r.levelno == logging.WARNING for r in warned)
    assert "counted by this server alone" in warned[0].getMessage()
    # The warning says nothing about who sent: neither the number nor its hash.
    for record in warned:
        logged = str(vars(record))
        assert "7700900815" not in logged and key_for("number", "+447700900815") not in logged


def test_the_address_counted_is_the_one_a_trusted_proxy_forwarded() -> None:
    from server.limits import forwarded_client

    # Not a trusted proxy: whatever it says in X-Forwarded-For is not believed.
    assert forwarded_client("203.0.113.9", ["198.51.100.1"], "127.0.0.1") == "203.0.113.9"
    # A trusted proxy: the nearest address it forwarded that is not one of ours ...
    assert forwarded_client("127.0.0.1", ["198.51.100.1"], "127.0.0.1") == "198.51.100.1"
    # ... skipping our own proxies in the chain, and not believing what the sender put further left.
    chain = ["6.6.6.6, 198.51.100.1, 10.0.0.5"]
    assert forwarded_client("10.0.0.7", chain, "10.0.0.0/8") == "198.51.100.1"
    assert forwarded_client("10.0.0.7", ["6.6.6.6", "198.51.100.1, 10.0.0.5"], "10.0.0.0/8") == "198.51.100.1"
    # IPv6, several entries, and "*" (every peer is a proxy).
    assert forwarded_client("::1", ["2001:db8::7"], "127.0.0.1, ::1") == "2001:db8::7"
    assert forwarded_client("192.0.2.1", ["198.51.100.2"], "*") == "198.51.100.2"
    # No header: the peer itself; nonsense in the setting is ignored, not an error.
    assert forwarded_client("127.0.0.1", [], "127.0.0.1") == "127.0.0.1"
    assert forwarded_client("127.0.0.1", ["198.51.100.3"], "not-an-address, 127.0.0.1") == "198.51.100.3"
    # A port some proxies add is not part of the address.
    assert forwarded_client("127.0.0.1", ["198.51.100.4:4431"], "127.0.0.1") == "198.51.100.4"
    assert forwarded_client("127.0.0.1", ["[2001:db8::9]:443"], "127.0.0.1") == "2001:db8::9"
