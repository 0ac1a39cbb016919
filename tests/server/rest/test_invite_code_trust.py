"""Invitation codes people can trust: they stop working when the assessment closes or after INVITE_CODE_DAYS,
only the council sees them, and guessing is limited per address, per conversation and over all conversations,
counted in the database, or in Redis across servers (the `limits` package's moving window) when REDIS_URL is set."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

import pytest
import redis
from fastapi.testclient import TestClient
from limits import RateLimitItemPerHour
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import update

from easyread.render import text
from server.domain import handoffs
from server.domain.db import session_scope
from server.domain.models import Case, utcnow
from server.settings import get_settings
from tests.support import ADMIN, bearer, council_with_staff, new_case, page_user, sign_in

REDIS_URL = "redis://127.0.0.1:6379/0"
WRONG = text("bot.code_wrong", "en")
LOCKED = text("bot.code_locked", "en")
WAIT = text("bot.code_wait", "en")
PERSON = text("bot.code_person", "en", helpline=get_settings().helpline_number)


def chat(client: TestClient, message: str, sender: str | None = None, address: str = "") -> tuple[int, list[str]]:
    """One message; from `address` (X-Forwarded-For, believed when TRUSTED_PROXIES is "*") when given."""
    body = {"sender": sender or "chat-" + uuid.uuid4().hex[:12], "message": message}
    headers = {"X-Forwarded-For": address} if address else {}
    response = client.post("/chat/messages", json=body, headers=headers)
    return response.status_code, [m["text"] for m in response.json()]


def opens(client: TestClient, code: str, address: str = "") -> bool:
    """Whether the code opens a conversation (the answer is not one of the code messages)."""
    _, said = chat(client, code, address=address)
    return said not in ([WRONG], [LOCKED], [WAIT], [PERSON], [text("bot.ask_code", "en")])


def opens_link(client: TestClient, case: dict[str, object], sender: str | None = None) -> bool:
    """Whether the case's invitation link opens a conversation: its token, as the page sends it."""
    link = case["invite_link"]
    assert isinstance(link, str)
    token = link.rsplit("/", 1)[1]
    sender = sender or "chat-" + uuid.uuid4().hex[:12]
    body = {"sender": sender, "message": "/greet", "metadata": {"invite_code": token}}
    response = client.post("/chat/messages", json=body)
    said = [m["text"] for m in response.json()]
    return response.status_code == 200 and said[:1] not in ([WRONG], [LOCKED], [WAIT], [PERSON])


def configure(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()


def test_a_code_stops_working_when_the_assessment_closes(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1")
    assert client.post(f"/api/councils/{council.council_id}/close", headers=ADMIN).status_code == 200
    assert chat(client, case["invite_code"]) == (200, [WRONG])


def test_a_code_works_for_invite_code_days_after_the_case_was_made(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    council = council_with_staff(client, "North Council")
    old = new_case(client, council.staff, "N-1", phone="+447700900461")
    recent = new_case(client, council.staff, "N-2", phone="+447700900462")
    with session_scope() as session:
        session.execute(update(Case).where(Case.id == old["id"]).values(created_at=utcnow() - timedelta(days=61)))
        session.execute(update(Case).where(Case.id == recent["id"]).values(created_at=utcnow() - timedelta(days=59)))
    assert chat(client, old["invite_code"]) == (200, [WRONG])
    assert opens(client, recent["invite_code"])
    configure(monkeypatch, INVITE_CODE_DAYS="90")
    assert opens(client, old["invite_code"])


def test_the_team_never_sees_invitation_codes(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "C-1")
    team = bearer(client.post("/api/tokens", json={"role": "team", "name": "Jo"}, headers=ADMIN).json()["token"])
    for path in ("/api/cases", f"/api/cases/{case['id']}", "/api/handoffs"):
        response = client.get(path, headers=team)
        assert response.status_code == 200
        assert case["invite_code"] not in response.text, path
    assert client.get(f"/api/cases/{case['id']}", headers=team).json()["invite_code"] is None
    # Nor on the team's pages: the queue and the hand-off.
    with session_scope() as session:
        handoff_id = handoffs.ready_to_schedule(session, case["id"], "test").id
    assert case["invite_code"] not in client.get("/api/handoffs", headers=team).text
    sign_in(client, page_user(client, "team"))
    for page in ("/team/handoffs", f"/team/handoffs/{handoff_id}"):
        shown = client.get(page)
        assert shown.status_code == 200 and "C-1" in shown.text
        assert case["invite_code"] not in shown.text, page
    # The council, which posts the letters, and admins still do.
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["invite_code"] == case["invite_code"]
    assert client.get(f"/api/cases/{case['id']}", headers=ADMIN).json()["invite_code"] == case["invite_code"]


def test_guessing_is_limited_per_conversation(monkeypatch: pytest.MonkeyPatch, settings_env: str) -> None:
    configure(monkeypatch, CODE_ATTEMPTS_PER_HOUR="100", CODE_ATTEMPTS_PER_CONVERSATION="2")
    from server.app import create_app

    with TestClient(create_app()) as client:
        assert chat(client, "ZZZZZZZZ", "chat-guess-1") == (200, [WRONG])
        assert chat(client, "ZZZZZZZZ", "chat-guess-1") == (200, [WRONG])
        assert chat(client, "ZZZZZZZZ", "chat-guess-1") == (429, [LOCKED])
        assert chat(client, "ZZZZZZZZ", "chat-guess-2") == (200, [WRONG])


def test_guessing_over_all_conversations_slows_everyone_and_then_needs_a_person(
    monkeypatch: pytest.MonkeyPatch, settings_env: str
) -> None:
    configure(
        monkeypatch,
        CODE_ATTEMPTS_OVERALL_PER_HOUR="3",
        CODE_ATTEMPTS_BEFORE_PERSON="6",
        TRUSTED_PROXIES="*",
    )
    from server.app import create_app

    with TestClient(create_app()) as client:
        council = council_with_staff(client, "North Council")
        case = new_case(client, council.staff, "N-1")
        for n in range(3):
            assert chat(client, "ZZZZZZZZ", address=f"198.51.100.{n}") == (200, [WRONG])
        # Over the overall count: a right code from another conversation and address still opens it ...
        assert opens(client, case["invite_code"], address="198.51.100.50")
        # ... while an address that just got one wrong waits before its next try, whichever chat it uses.
        assert chat(client, "ZZZZZZZZ", address="198.51.100.9") == (200, [WRONG])
        assert chat(client, "ZZZZZZZZ", address="198.51.100.9") == (429, [WAIT])
        assert chat(client, case["invite_code"], address="198.51.100.9") == (429, [WAIT])
        for n in range(2):
            assert chat(client, "ZZZZZZZZ", address=f"198.51.100.{20 + n}") == (200, [WRONG])
        # Over the second count: typed codes are not checked, a person helps; the link still opens it.
        assert chat(client, case["invite_code"], address="198.51.100.51") == (200, [PERSON])
        assert opens_link(client, case)
        # Staff were told, once for each: in the outbox for the team, and in the audit trail.
        notices = [m for m in client.get("/api/outbox", headers=ADMIN).json() if m["kind"] == "codes"]
        assert len(notices) == 2, notices
        assert all("ZZZZZZZZ" not in m["body"] and "198.51.100" not in m["body"] for m in notices)


@pytest.fixture
def shared_redis(monkeypatch: pytest.MonkeyPatch, settings_env: str) -> redis.Redis:
    """Real Redis; a secret key of this test's own, so its keyed counts are nobody else's."""
    monkeypatch.setenv("SECRET_KEY", "test-" + uuid.uuid4().hex)
    configure(monkeypatch, REDIS_URL=REDIS_URL)
    return redis.Redis.from_url(REDIS_URL)


def forget(store: redis.Redis, key: str) -> None:
    """Delete a count from Redis, found by its keyed hash (whatever else the limits package puts in its key)."""
    for name in store.scan_iter(f"casetracking:codes:*{key}*"):
        store.delete(name)


def test_wrong_codes_are_counted_in_redis_across_servers(
    monkeypatch: pytest.MonkeyPatch, shared_redis: redis.Redis
) -> None:
    configure(monkeypatch, CODE_ATTEMPTS_PER_CONVERSATION="4")
    from server.app import create_app
    from server.domain.invite_codes import attempt_key

    sender = "chat-" + uuid.uuid4().hex[:12]
    conversation = attempt_key("conversation", f"web:{sender}")
    window = MovingWindowRateLimiter(RedisStorage(REDIS_URL, key_prefix="casetracking:codes"))
    with TestClient(create_app()) as one, TestClient(create_app()) as two:
        for server in (one, two, one, two):
            assert chat(server, "ZZZZZZZZ", sender) == (200, [WRONG])
        # All four are in the conversation's hour in Redis: none of its 4 left.
        assert window.get_window_stats(RateLimitItemPerHour(4), conversation).remaining == 0
        # Both servers see the shared count: the conversation is refused codes on each.
        assert chat(one, "ZZZZZZZZ", sender) == (429, [LOCKED])
        assert chat(two, "ZZZZZZZZ", sender) == (429, [LOCKED])
        # The count is Redis's, not the database's: without it the conversation may try again.
        forget(shared_redis, conversation)
        assert chat(two, "ZZZZZZZZ", sender) == (200, [WRONG])
        assert window.get_window_stats(RateLimitItemPerHour(4), conversation).remaining == 3
    forget(shared_redis, conversation)
    forget(shared_redis, attempt_key("web", "testclient"))
    forget(shared_redis, attempt_key("overall", "overall"))
    # Redis knows the address and the chat only by their keyed hashes.
    assert not list(shared_redis.scan_iter("*testclient*"))
    assert not list(shared_redis.scan_iter(f"*{sender}*"))


def test_with_redis_down_wrong_codes_are_still_limited_in_the_database(
    monkeypatch: pytest.MonkeyPatch, settings_env: str
) -> None:
    # Nothing listens on port 1: every Redis call fails at once.
    configure(monkeypatch, REDIS_URL="redis://127.0.0.1:1/0", CODE_ATTEMPTS_PER_CONVERSATION="2")
    from server.app import create_app

    with TestClient(create_app()) as client:
        assert chat(client, "ZZZZZZZZ", "chat-redis-down") == (200, [WRONG])
        assert chat(client, "ZZZZZZZZ", "chat-redis-down") == (200, [WRONG])
        assert chat(client, "ZZZZZZZZ", "chat-redis-down") == (429, [LOCKED])


def test_in_redis_a_busy_address_is_slowed_not_locked(
    monkeypatch: pytest.MonkeyPatch, shared_redis: redis.Redis
) -> None:
    configure(monkeypatch, CODE_ATTEMPTS_PER_HOUR="2", CODE_WAIT_SECONDS="1")
    from server.app import create_app
    from server.domain.invite_codes import attempt_key
    from server.domain.models import CodeAttempt

    with TestClient(create_app()) as client:
        council = council_with_staff(client, "North Council")
        case = new_case(client, council.staff, "N-1")
        assert chat(client, "ZZZZZZZZ") == (200, [WRONG])
        assert chat(client, "ZZZZZZZZ") == (200, [WRONG])
        # Over the address's count: the next try, right or wrong, waits a moment ...
        assert chat(client, case["invite_code"]) == (429, [WAIT])
        time.sleep(1.2)
        # ... and then the right code opens the conversation: slowed, never locked.
        assert opens(client, case["invite_code"])
    with session_scope() as session:
        assert session.query(CodeAttempt).count() == 0, "counted in Redis, not the database"
    for key in (attempt_key("web", "testclient"), attempt_key("overall", "overall")):
        forget(shared_redis, key)
