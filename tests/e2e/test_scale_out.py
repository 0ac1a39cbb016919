"""Two servers and two Rasa processes on one PostgreSQL database and one Redis: a conversation whose turns go to
each in turn ends the same way as one that stays on a single server.

Each server asks its own Rasa only to understand typed words (/model/parse); where each person is in the
conversation is in PostgreSQL, so any server can take any turn, and no Rasa keeps a copy of the conversation.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import redis
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.domain.db import engine_for, upgrade
from tests.e2e.people import Texter, WebPerson, case_of
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN_TOKEN, council_with_staff, new_case, twilio_settings
from tools import stack
from tools.model import ensure_model

pytestmark = pytest.mark.e2e

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_DB = "0"


@dataclass
class Node:
    """One server and the Rasa that calls it back."""

    running: stack.Stack
    http: httpx.Client


@dataclass
class Cluster:
    nodes: list[Node]
    prefix: str


@pytest.fixture(scope="module")
def fresh_postgres() -> Iterator[str]:
    name = f"ct_scale_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    engine_for(url).dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def cluster(
    tmp_path_factory: pytest.TempPathFactory, fake_twilio: FakeTwilio, fresh_postgres: str
) -> Iterator[Cluster]:
    model = ensure_model(quiet=True)
    workdir = tmp_path_factory.mktemp("scale")
    prefix = f"ctscale{uuid.uuid4().hex[:8]}"
    rasa_settings = {"RASA_REDIS_DB": REDIS_DB, "RASA_REDIS_PREFIX": prefix}
    # Every server must accept the others' signed links and Rasa's callbacks: the same secrets everywhere.
    shared = {"DATABASE_URL": fresh_postgres, "ADMIN_TOKEN": ADMIN_TOKEN, "SECRET_KEY": uuid.uuid4().hex}

    def start_node(index: int) -> stack.Stack:
        port = stack.free_port()
        env = {**shared, **twilio_settings(fake_twilio, f"http://127.0.0.1:{port}")}
        return stack.start(
            model,
            env,
            Path(workdir / f"node{index}"),
            server_port=port,
            rasa_settings=rasa_settings,
        )

    with ExitStack() as cleanup:
        # Rasa takes 10 to 30 s to load the model: both start at once.
        with ThreadPoolExecutor(2) as pool:
            futures = [pool.submit(start_node, i) for i in range(2)]
            stacks = []
            for future in futures:
                try:
                    stacks.append(future.result())
                except BaseException:
                    for other in futures:
                        if other is not future and other.exception() is None:
                            other.result().stop()
                    raise
        for running in stacks:
            cleanup.callback(running.stop)
        nodes = [Node(s, cleanup.enter_context(httpx.Client(base_url=s.server_url, timeout=30))) for s in stacks]
        yield Cluster(nodes, prefix)
        store = redis.Redis(host="127.0.0.1", port=6379, db=int(REDIS_DB))
        for key in store.scan_iter(f"{prefix}:*"):
            store.delete(key)
        store.close()


def web_conversation(http: httpx.Client, code: str, turn_to: Callable[[], Node]) -> tuple[str, list[list[str]]]:
    """From the invitation to confirmed consent, each turn sent where `turn_to` says; every reply's words."""
    person = WebPerson(http, code)
    replies: list[list[str]] = []

    def say(words: str) -> list[dict[str, Any]]:
        person.http = turn_to().http
        reply = person.say(words)
        replies.append([m["text"] for m in reply])
        return reply

    say("/greet")
    say("its me")
    say("can my daughter come with me")
    for _ in range(12):
        if "/unsure" in WebPerson.payloads(say("/continue")):
            break
    say("yeah go on then, happy to do it")
    say("yes thats right")
    return person.sender, replies


def sms_conversation(phone: str, turn_to: Callable[[], Node]) -> list[list[str]]:
    replies: list[list[str]] = []

    def send(body: str) -> list[str]:
        node = turn_to()
        reply = Texter(node.http, node.running.server_url, phone).send(body)
        replies.append(reply)
        return reply

    send("hi")
    send("1")
    for _ in range(12):
        if "Reply 3 for Not sure." in send("1")[-1]:
            break
    send("yes please")
    send("1")
    return replies


def outcome(http: httpx.Client, staff: dict[str, str], case_id: int) -> dict[str, Any]:
    case = case_of(http, staff, case_id)
    consent = case["consent"]
    return {"status": case["status"], "consent": consent["state"], "given_by": consent.get("given_by")}


def user_turns(node: Node, conversation_id: str) -> list[str]:
    """What the person said, as this Rasa knows it (its tracker store)."""
    running = node.running
    url = f"{running.rasa_url}/conversations/{quote(conversation_id, safe=':+')}/tracker"
    response = httpx.get(url, params={"token": running.rasa_token}, timeout=30)
    assert response.status_code == 200, response.text
    return [str(e.get("text")) for e in response.json()["events"] if e.get("event") == "user"]


def test_turns_alternating_between_two_servers_end_as_on_one(cluster: Cluster) -> None:
    first, second = cluster.nodes
    council = council_with_staff(first.http, f"Council {uuid.uuid4().hex[:6]}")
    spread = itertools.cycle(cluster.nodes).__next__

    def only_first() -> Node:
        return first

    web_case = new_case(first.http, council.staff, "SCALE-W1", phone="+447700900601")
    sender, web_replies = web_conversation(first.http, web_case["invite_code"], spread)
    alone_case = new_case(first.http, council.staff, "SCALE-W2", phone="+447700900602")
    _, web_alone = web_conversation(first.http, alone_case["invite_code"], only_first)
    assert web_replies == web_alone
    assert outcome(second.http, council.staff, web_case["id"]) == outcome(first.http, council.staff, alone_case["id"])
    assert outcome(second.http, council.staff, web_case["id"])["consent"] == "given"

    sms_case = new_case(second.http, council.staff, "SCALE-S1", phone="+447700900603")
    sms_alone_case = new_case(second.http, council.staff, "SCALE-S2", phone="+447700900604")
    sms_replies = sms_conversation("+447700900603", spread)
    sms_alone = sms_conversation("+447700900604", only_first)
    assert sms_replies == sms_alone
    assert outcome(first.http, council.staff, sms_case["id"]) == outcome(
        first.http, council.staff, sms_alone_case["id"]
    )
    assert outcome(first.http, council.staff, sms_case["id"])["consent"] == "given"

    # Rasa only understood the words: neither Rasa holds a copy of what the person said, in Redis or in memory.
    store = redis.Redis(host="127.0.0.1", port=6379, db=int(REDIS_DB), decode_responses=True)
    keys = set(store.scan_iter(f"{cluster.prefix}:tracker:*"))
    store.close()
    assert keys == set(), keys
    for conversation_id in (f"web:{sender}", "sms:+447700900603"):
        assert user_turns(first, conversation_id) == user_turns(second, conversation_id) == []
