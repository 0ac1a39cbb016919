"""Many people at once, as on a busy morning: 20 on the web chat and 20 by text, each going through the start of a
conversation (buttons, numbers, typed questions without "?", an early yes) at the same moment, on the embedded
SQLite default (`make run`) and on PostgreSQL. Nobody gets a 5xx, every message is stored exactly once, and every
text is answered inside Twilio's 15 seconds."""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url
from twilio.request_validator import RequestValidator

from server.domain.db import engine_for, upgrade
from server.domain.models import Message
from tests.conftest import PG_ADMIN_URL
from tests.fakes.twilio_api import FAKE_AUTH_TOKEN, FakeTwilio
from tests.support import ADMIN, ADMIN_TOKEN, run_coroutine, twilio_settings
from tools import stack
from tools.model import ensure_model

pytestmark = pytest.mark.e2e
PEOPLE = 20
TWILIO_LIMIT_SECONDS = 15.0
WEB_TURNS: tuple[str, ...] = ("/greet", "/identify_self", "what happens", "/continue", "who will i talk to", "ok")
WEB_TURNS += ("/continue", "can my son come with me", "yes I'd like to take part")
SMS_TURNS = ("hi", "1", "what happens", "ok", "who will i talk to", "ok", "can my son come with me", "2", "STOP")


@dataclass
class Server:
    url: str
    database_url: str


@dataclass
class Results:
    statuses: list[int] = field(default_factory=list)
    text_seconds: list[float] = field(default_factory=list)
    unanswered_texts: int = 0
    sent: dict[str, int] = field(default_factory=dict)


def _postgres_database() -> tuple[str, str]:
    name = f"ct_many_{uuid.uuid4().hex[:8]}"
    with create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT").connect() as admin:
        admin.exec_driver_sql(f'CREATE DATABASE "{name}"')
    return name, make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def servers(
    tmp_path_factory: pytest.TempPathFactory, fake_twilio: FakeTwilio, shared_rasa: stack.Rasa
) -> Iterator[dict[str, Server]]:
    """One Rasa, and a server on each database (as `make run` starts it, with a real Twilio account's signing)."""
    workdir = tmp_path_factory.mktemp("many")
    sqlite_url = f"sqlite:///{workdir / 'casetracking.db'}"
    upgrade(sqlite_url)
    name, pg_url = _postgres_database()
    upgrade(pg_url)
    engine_for(pg_url).dispose()
    port = stack.free_port()
    env = {"DATABASE_URL": sqlite_url, "ADMIN_TOKEN": ADMIN_TOKEN, "JOBS_INTERVAL_SECONDS": "0"}
    running = stack.start(
        ensure_model(quiet=True),
        {**env, **twilio_settings(fake_twilio, f"http://127.0.0.1:{port}")},
        workdir / "logs",
        server_port=port,
        rasa=shared_rasa,
    )
    pg_port = stack.free_port()
    pg_env = {**env, "DATABASE_URL": pg_url, **twilio_settings(fake_twilio, f"http://127.0.0.1:{pg_port}")}
    pg_env |= {"RASA_URL": running.rasa_url, "RASA_TOKEN": running.rasa_token}
    log = workdir / "logs" / "server-pg.log"
    pg_server = stack.start_server(pg_port, pg_env, log)
    try:
        stack.wait_until_up(f"http://127.0.0.1:{pg_port}/healthz", pg_server, 60, log)
        yield {
            "sqlite": Server(running.server_url, sqlite_url),
            "postgresql": Server(f"http://127.0.0.1:{pg_port}", pg_url),
        }
    finally:
        stack.stop_all([pg_server])
        running.stop()
        engine_for(pg_url).dispose()
        with create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT").connect() as admin:
            admin.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _cases(server: Server, first_phone: int) -> list[tuple[str, str]]:
    """Each case's invitation code and phone number."""
    with httpx.Client(base_url=server.url, timeout=30) as http:
        council = http.post("/api/councils", json={"name": f"Busy {uuid.uuid4().hex[:6]}"}, headers=ADMIN).json()
        made = []
        for i in range(2 * PEOPLE):
            body = {"reference": f"M-{i}", "theme": "older_people", "phone": f"+447700900{first_phone + i:03d}"}
            response = http.post("/api/cases", json={**body, "council_id": council["id"]}, headers=ADMIN)
            assert response.status_code == 201, response.text
            made.append((response.json()["invite_code"], body["phone"]))
        return made


async def _web_person(client: httpx.AsyncClient, code: str, results: Results) -> None:
    sender = uuid.uuid4().hex
    results.sent[f"web:{sender}"] = len(WEB_TURNS)
    for turn in WEB_TURNS:
        body = {"sender": sender, "message": turn, "metadata": {"invite_code": code}}
        response = await client.post("/chat/messages", json=body)
        results.statuses.append(response.status_code)
        await asyncio.sleep(random.uniform(0, 0.3))


async def _texter(client: httpx.AsyncClient, phone: str, results: Results) -> None:
    results.sent[f"sms:{phone}"] = len(SMS_TURNS)
    public = str(client.base_url).rstrip("/")
    for turn in SMS_TURNS:
        params = {"From": phone, "To": "+447700900000", "Body": turn, "MessageSid": f"SM{uuid.uuid4().hex}"}
        signature = RequestValidator(FAKE_AUTH_TOKEN).compute_signature(public + "/twilio/sms", params)
        began = time.monotonic()
        response = await client.post("/twilio/sms", data=params, headers={"X-Twilio-Signature": signature})
        results.text_seconds.append(time.monotonic() - began)
        results.statuses.append(response.status_code)
        results.unanswered_texts += "<Message>" not in response.text
        await asyncio.sleep(random.uniform(0, 0.3))


async def _everyone(server: Server, made: list[tuple[str, str]]) -> Results:
    results = Results()
    limits = httpx.Limits(max_connections=4 * PEOPLE, max_keepalive_connections=4 * PEOPLE)
    async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as client:
        people = [_web_person(client, code, results) for code, _ in made[:PEOPLE]]
        people += [_texter(client, phone, results) for _, phone in made[PEOPLE:]]
        await asyncio.gather(*people)
    return results


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_forty_people_at_once_are_all_answered_and_every_message_is_kept_once(
    servers: dict[str, Server], database: str
) -> None:
    server = servers[database]
    made = _cases(server, 100 if database == "sqlite" else 300)
    results = run_coroutine(_everyone(server, made))
    assert [s for s in results.statuses if s >= 500] == []
    assert set(results.statuses) == {200}
    assert results.unanswered_texts == 0
    assert max(results.text_seconds) < TWILIO_LIMIT_SECONDS
    engine = create_engine(server.database_url)
    with engine.connect() as conn:
        kept = dict(
            conn.execute(
                select(Message.conversation_id, func.count())
                .where(Message.direction == "in")
                .group_by(Message.conversation_id)
            ).all()
        )
        sids = conn.execute(select(func.count(Message.external_id), func.count(Message.external_id.distinct()))).one()
    engine.dispose()
    assert {key: kept.get(key, 0) for key in results.sent} == results.sent
    assert sids[0] == sids[1] == PEOPLE * len(SMS_TURNS)
