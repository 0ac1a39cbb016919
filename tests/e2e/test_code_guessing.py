"""Invitation codes and links through the real server (uvicorn, as `make run` starts it, without Rasa: joining by a
code needs no model), on SQLite and PostgreSQL, with addresses as a proxy in front of it forwards them.

Mistakes from one shared address lock nobody out; a guessing run from many addresses is slowed, staff are told,
and then typed codes go to a person, while every link still opens its conversation. And only the proxies named in
TRUSTED_PROXIES are believed about whose address a request is.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from easyread.render import text
from server.settings import Settings
from tests.support import ADMIN, ADMIN_TOKEN, council_with_staff, new_case
from tools import stack

WRONG = text("bot.code_wrong", "en")
LOCKED = text("bot.code_locked", "en")
WAIT = text("bot.code_wait", "en")
PERSON = text("bot.code_person", "en", helpline=Settings().helpline_number)
CODE_MESSAGES = (WRONG, LOCKED, WAIT, PERSON, text("bot.ask_code", "en"))

Start = Callable[..., httpx.Client]


@pytest.fixture
def start(database_url: str, tmp_path: Path) -> Iterator[Start]:
    """Start the real server on this test's database with some settings; stopped after the test."""
    running: list[tuple[Any, httpx.Client]] = []

    def started(**settings: str) -> httpx.Client:
        port = stack.free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            "DATABASE_URL": database_url,
            "ADMIN_TOKEN": ADMIN_TOKEN,
            "PUBLIC_BASE_URL": base,
            "RASA_URL": f"http://127.0.0.1:{stack.free_port()}",
            "AUDIT_CHECKPOINT_PATH": str(tmp_path / "audit-checkpoints.jsonl"),
            "AUDIO_CACHE_DIR": str(tmp_path / "audio"),
            "JOBS_INTERVAL_SECONDS": "0",
            "REDIS_URL": "",
            # Keyed hashes of this test's own: counts left by other runs are nobody's here.
            "SECRET_KEY": "test-" + uuid.uuid4().hex,
            **settings,
        }
        log = tmp_path / f"server-{port}.log"
        process = stack.start_server(port, env, log)
        stack.wait_until_up(f"{base}/healthz", process, 60, log)
        http = httpx.Client(base_url=base, timeout=30)
        running.append((process, http))
        return http

    yield started
    for process, http in running:
        http.close()
        process.terminate()
        process.wait(timeout=15)


def chat(http: httpx.Client, message: str, address: str, sender: str = "", code: str = "") -> tuple[int, list[str]]:
    """One chat message from `address`, as a proxy on loopback forwards it (X-Forwarded-For)."""
    body: dict[str, Any] = {"sender": sender or "chat-" + uuid.uuid4().hex[:12], "message": message}
    if code:
        body["metadata"] = {"invite_code": code}
    response = http.post("/chat/messages", json=body, headers={"X-Forwarded-For": address})
    return response.status_code, [m["text"] for m in response.json()]


def opened(answer: tuple[int, list[str]]) -> bool:
    """The conversation opened: the greeting, not one of the code messages."""
    status, said = answer
    return status == 200 and bool(said) and said[0] not in CODE_MESSAGES


def token_of(case: dict[str, Any]) -> str:
    link = case["invite_link"]
    found = re.fullmatch(r"http://127\.0\.0\.1:\d+/start/([A-Za-z0-9_-]{32})", link)
    assert found, link
    return found.group(1)


def test_ten_wrong_codes_from_one_address_stop_nobody_with_a_link_or_the_right_code(start: Start) -> None:
    http = start()
    council = council_with_staff(http, "North")
    case = new_case(http, council.staff, "N-1", phone="+447700900501", language="pl")
    code, token = case["invite_code"], token_of(case)
    assert token != code and len(token) == 32
    day_centre = "203.0.113.7"
    # Two people at a day centre mistype 5 codes each: 10 wrong codes from one address.
    first, second = "chat-" + uuid.uuid4().hex[:12], "chat-" + uuid.uuid4().hex[:12]
    for sender in (first, second):
        for _ in range(5):
            assert chat(http, "ZZZZ2345", day_centre, sender) == (200, [WRONG])
    # The first one's own chat gets no more tries at typing this hour ...
    assert chat(http, code, day_centre, first) == (429, [LOCKED])
    # ... but their link opens it, never counted and never refused.
    assert opened(chat(http, "/greet", day_centre, first, code=token))
    # Someone else at the same address types the right code: it works.
    assert opened(chat(http, code, day_centre))
    # And from another address, the code and the link both work.
    assert opened(chat(http, code, "198.51.100.20"))
    assert opened(chat(http, "/greet", "198.51.100.20", code=token))
    # The link opens the page in the person's language, from the day centre too.
    page = http.get(f"/start/{token}", headers={"X-Forwarded-For": day_centre})
    assert page.status_code == 200 and '<html lang="pl">' in page.text


def test_a_guessing_run_from_many_addresses_is_slowed_staff_are_told_and_links_still_open(start: Start) -> None:
    http = start(CODE_ATTEMPTS_OVERALL_PER_HOUR="20", CODE_ATTEMPTS_BEFORE_PERSON="40")
    council = council_with_staff(http, "North")
    case = new_case(http, council.staff, "N-1", phone="+447700900502")
    code, token = case["invite_code"], token_of(case)
    for n in range(20):
        assert chat(http, f"ZZZZ{2300 + n}", f"192.0.2.{n}") == (200, [WRONG])
    # Slowed: an address that just got one wrong waits before its next try, whatever chat it uses.
    assert chat(http, "ZZZZ2399", "192.0.2.100") == (200, [WRONG])
    assert chat(http, "ZZZZ2398", "192.0.2.100") == (429, [WAIT])
    # Staff are told, once.
    notices = [m for m in http.get("/api/outbox", headers=ADMIN).json() if m["kind"] == "codes"]
    assert len(notices) == 1 and text("pages.notice_codes_next", "en") in notices[0]["body"]
    # A new person with the right code still gets in, and so does anyone with a link.
    assert opened(chat(http, code, "198.51.100.1"))
    assert opened(chat(http, "/greet", "192.0.2.100", code=token))
    for n in range(19):
        assert chat(http, f"ZZZZ{2400 + n}", f"192.0.2.{120 + n}")[1] in ([WRONG], [WAIT])
    # Then typed codes go to a person: not checked, whoever sends them ...
    assert chat(http, code, "198.51.100.2") == (200, [PERSON])
    # ... and a link still opens the conversation, from anywhere.
    assert opened(chat(http, "/greet", "192.0.2.3", code=token))
    assert opened(chat(http, "/greet", "198.51.100.2", code=token))
    notices = [m for m in http.get("/api/outbox", headers=ADMIN).json() if m["kind"] == "codes"]
    assert len(notices) == 2
    for notice in notices:
        assert "192.0.2." not in notice["body"] and "ZZZZ" not in notice["body"] and code not in notice["body"]


@pytest.mark.parametrize(("trusted", "separate"), [("127.0.0.1", True), ("10.0.0.0/8", False)])
def test_only_trusted_proxies_are_believed_about_the_address(start: Start, trusted: str, separate: bool) -> None:
    """A proxy on loopback forwards 4 people's addresses. Trusted, each is counted on its own; not trusted (the
    proxies are elsewhere), they are one address, over CODE_ATTEMPTS_PER_HOUR, and the 4th is slowed."""
    http = start(TRUSTED_PROXIES=trusted, CODE_ATTEMPTS_PER_HOUR="3")
    said = [chat(http, "ZZZZ2345", f"203.0.113.{n}") for n in range(1, 5)]
    assert said[:3] == [(200, [WRONG])] * 3
    assert said[3] == ((200, [WRONG]) if separate else (429, [WAIT]))
