"""A server that dies in the middle of a turn (SIGKILL, as the machine losing power or the kernel's OOM killer
would) leaves the whole turn or none of it, on the embedded SQLite default and on PostgreSQL. After a restart,
Twilio's retry of the same text (the same MessageSid) gets the same answer, every message is answered once, and a
STOP and its opt-out are both there or both absent.

The server is told to wait for a moment at the point under test (FAULT_PAUSE_*), and is killed inside it.
"""

from __future__ import annotations

import signal
import subprocess
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import Engine, make_url

from easyread.render import text
from server.domain.db import engine_for, upgrade
from server.domain.models import AuditEvent, ConsentRecord, Message, SmsOptOut
from tests.conftest import PG_ADMIN_URL
from tests.e2e.people import Texter
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN_TOKEN, council_with_staff, new_case, twilio_settings
from tools import stack

pytestmark = pytest.mark.e2e
PAUSE = "3"
STOPPED = text("bot.stop_declined", "en")


@dataclass
class Killable:
    """The server alone, started and killed at will, against one Rasa that stays up."""

    port: int
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, **pauses: str) -> None:
        self.process = stack.start_server(self.port, {**self.env, **pauses}, self.log)
        stack.wait_until_up(f"{self.url}/healthz", self.process, 60, self.log)

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    fake_twilio: FakeTwilio,
    shared_rasa: stack.Rasa,
) -> Iterator[tuple[Killable, Engine]]:
    workdir = tmp_path_factory.mktemp(f"faults-{request.param}")
    name = f"ct_faults_{uuid.uuid4().hex[:8]}"
    if request.param == "sqlite":
        url = f"sqlite:///{workdir / 'casetracking.db'}"
    else:
        with create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT").connect() as admin:
            admin.exec_driver_sql(f'CREATE DATABASE "{name}"')
        url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    engine_for(url).dispose()
    # The shared Rasa: the server under test is started and killed on its own.
    port = stack.free_port()
    env = {"DATABASE_URL": url, "ADMIN_TOKEN": ADMIN_TOKEN, "JOBS_INTERVAL_SECONDS": "0"}
    env |= {**twilio_settings(fake_twilio, f"http://127.0.0.1:{port}"), "RETRY_INTERVAL_SECONDS": "1"}
    env |= {"RASA_URL": shared_rasa.url, "RASA_TOKEN": shared_rasa.token}
    (workdir / "logs").mkdir()
    killable = Killable(port, env, workdir / "logs" / "killed-server.log")
    engine = create_engine(url)
    try:
        yield killable, engine
    finally:
        if killable.process is not None:
            stack.stop_all([killable.process])
        engine.dispose()
        if request.param == "postgresql":
            with create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT").connect() as admin:
                admin.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _send_and_kill(server: Killable, person: Texter, body: str, sid: str) -> None:
    """Send a text; kill the server while the turn waits at the point under test (the answer never comes)."""
    failed: list[BaseException] = []

    def send() -> None:
        try:
            person.send(body, sid)
        except (httpx.HTTPError, AssertionError) as exc:
            failed.append(exc)

    sending = threading.Thread(target=send)
    sending.start()
    threading.Event().wait(1.5)  # the turn is inside its pause (3 s) by now
    server.kill()
    sending.join(timeout=30)
    assert failed, "the answer came before the server was killed: the pause did not hold the turn"


def _state(engine: Engine, phone: str) -> tuple[int, list[str], bool, int]:
    """For one number: the messages kept, the consent states recorded, whether it is opted out, and how many
    consent audit events there are."""
    with engine.connect() as conn:
        kept = conn.scalar(select(func.count()).select_from(Message).where(Message.conversation_id == f"sms:{phone}"))
        states = list(
            conn.scalars(
                select(ConsentRecord.state)
                .where(ConsentRecord.conversation_id == f"sms:{phone}")
                .order_by(ConsentRecord.id)
            )
        )
        opted_out = conn.scalar(select(SmsOptOut.phone).where(SmsOptOut.phone == phone)) is not None
        audited = conn.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("consent.%")))
    return int(kept or 0), states, opted_out, int(audited or 0)


@pytest.mark.parametrize("point", ["before_commit", "after_commit"])
def test_a_stop_killed_mid_turn_is_whole_or_absent_and_the_retry_gets_the_same_answer(
    server: tuple[Killable, Engine], point: str
) -> None:
    killable, engine = server
    killable.start()
    with httpx.Client(base_url=killable.url, timeout=30) as http:
        council = council_with_staff(http, f"Faults {uuid.uuid4().hex[:6]}")
        phone = "+447700900511" if point == "before_commit" else "+447700900512"
        new_case(http, council.staff, f"F-{uuid.uuid4().hex[:6]}", phone=phone)
        person = Texter(http, killable.url, phone)
        assert person.send("hello")  # the conversation has begun
    killable.kill()
    before = _state(engine, phone)
    pause = {f"FAULT_PAUSE_{point.upper()}_SECONDS": PAUSE}
    killable.start(**pause)
    sid = f"SM{uuid.uuid4().hex}"
    with httpx.Client(base_url=killable.url, timeout=30) as http:
        _send_and_kill(killable, Texter(http, killable.url, phone), "STOP", sid)
    kept, states, opted_out, audited = _state(engine, phone)
    if point == "before_commit":
        # Killed inside the unit of work: nothing of the turn is there, not even the message.
        assert (kept, states, opted_out, audited) == before
    else:
        # Killed after the commit, before the reply: all of it is there, the decline and its opt-out together.
        assert kept == before[0] + 1 and states[-1:] == ["declined"] and opted_out
    killable.start()
    with httpx.Client(base_url=killable.url, timeout=30) as http:
        person = Texter(http, killable.url, phone)
        # Twilio tries the same text again: the answer the turn gave (or now gives), and nothing twice.
        first = person.send("STOP", sid)
        again = person.send("STOP", sid)
    assert first == again and any(STOPPED in body for body in first)
    kept, states, opted_out, audited = _state(engine, phone)
    assert kept == before[0] + 1
    assert states.count("declined") == 1 and opted_out
    assert audited == before[3] + 1
    killable.kill()
