"""`make bench-load`: a bounded load test on loopback. Many conversations at once, web chat and SMS, for a fixed
time through the server; then the same turns straight to Rasa's /model/parse, on the same model in the same run.

Each conversation sends a turn, waits for the answer, reads it for THINK_SECONDS, and sends the next, until the
time is up. The two paths take turns (server, Rasa, Rasa, server; half the time each), so neither gains from
going first. Printed per path: requests, errors, messages a second, p50, p95, p99 and max latency; then the ratio
of the server to bare Rasa, and the share of texts answered inside Twilio's 15 seconds.

"Bare Rasa" only parses the words, as the server asks it to for a typed turn; the server adds the dialogue and the
database (storing the message, finding the case, recording the answer, shaping the reply), and answers button
turns and typed answers to fixed choices without Rasa at all. Everything runs on 127.0.0.1 and stops by
itself: the stack is stopped at the end, whatever happens. Settings from the environment: BENCH_CONVERSATIONS
(50, half web, half SMS), BENCH_SECONDS (60), BENCH_THINK_SECONDS (1), BENCH_POSTGRES_URL (a PostgreSQL server
to make a fresh database on; SQLite if it cannot be reached).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from easyread.render import text as words
from server.domain.db import engine_for, upgrade
from tools import stack
from tools.model import ROOT, ensure_model

CONVERSATIONS = int(os.environ.get("BENCH_CONVERSATIONS", "50"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
THINK_SECONDS = float(os.environ.get("BENCH_THINK_SECONDS", "1"))
# The saturation run after it (no pause between turns): its length.
SATURATION_SECONDS = float(os.environ.get("BENCH_SATURATION_SECONDS", "30"))
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
# Questions in the person's own words and button presses, as in the explanation part of the conversation.
TURNS = ("what happens", "/continue", "who will i talk to", "/repeat", "can my son come with me", "/continue")
SMS_LIMIT_SECONDS = 15.0
HOLDING = words("status.holding", "en")


@dataclass
class Path:
    name: str
    times: list[float] = field(default_factory=list)
    errors: int = 0
    # What went wrong: an HTTP status, or the exception's name.
    why: Counter[str] = field(default_factory=Counter)
    holding: int = 0
    seconds: float = 0.0

    def add(self, other: Path) -> None:
        self.times += other.times
        self.errors += other.errors
        self.why += other.why
        self.holding += other.holding
        self.seconds = max(self.seconds, other.seconds)  # paths measured side by side


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


HEADER = (
    f"{'path':30} {'requests':>8} {'errors':>6} {'holding':>7} {'msg/s':>7} "
    f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'max ms':>8}"
)


def row(path: Path) -> str:
    ms = [t * 1000 for t in path.times]
    rate = len(ms) / path.seconds if path.seconds else 0.0
    return (
        f"{path.name:30} {len(ms):8d} {path.errors:6d} {path.holding:7d} {rate:7.1f} "
        f"{percentile(ms, 0.5):8.0f} {percentile(ms, 0.95):8.0f} {percentile(ms, 0.99):8.0f} "
        f"{max(ms, default=float('nan')):8.0f}"
    )


@contextmanager
def database(workdir: os.PathLike[str]) -> Iterator[str]:
    """A fresh PostgreSQL database (dropped afterwards), or SQLite when PostgreSQL cannot be reached."""
    name = f"ct_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        print(f"PostgreSQL not reachable ({type(exc).__name__}): using SQLite.", flush=True)
        url = f"sqlite:///{workdir}/bench.db"
        upgrade(url)
        yield url
        return
    url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        engine_for(url).dispose()
        print(f"Database: PostgreSQL ({make_url(POSTGRES).host}), a fresh database for this run.", flush=True)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Conversation:
    channel: str  # "web" or "sms"
    key: str  # the chat's sender, or the phone number


def setup(http: httpx.Client, admin: dict[str, str], count: int, first_phone: int) -> list[Conversation]:
    """`count` conversations linked to cases and greeted: half on the web chat, half by text."""
    council_id = http.post("/api/councils", json={"name": f"Bench {uuid.uuid4().hex[:6]}"}, headers=admin).json()
    conversations = []
    for i in range(count):
        phone = f"+447700900{(first_phone + i) % 1000:03d}"
        body = {"reference": f"L-{first_phone + i}", "theme": "older_people", "phone": phone}
        case = http.post("/api/cases", json={**body, "council_id": council_id["id"]}, headers=admin).json()
        if i % 2 == 0:
            sender = uuid.uuid4().hex
            message = {"sender": sender, "message": "/greet", "metadata": {"invite_code": case["invite_code"]}}
            assert http.post("/chat/messages", json=message).status_code == 200
            conversations.append(Conversation("web", sender))
        else:
            form = {"From": phone, "Body": "hi", "MessageSid": f"SM{uuid.uuid4().hex}"}
            assert http.post("/twilio/sms", data=form).status_code == 200
            # "It is for me": from here on the turns are the explanation's.
            again = {**form, "Body": "1", "MessageSid": f"SM{uuid.uuid4().hex}"}
            assert http.post("/twilio/sms", data=again).status_code == 200
            conversations.append(Conversation("sms", phone))
    return conversations


Outcome = tuple[str | None, bool]  # (what went wrong, or None; whether it was the holding reply)


async def through_server(client: httpx.AsyncClient, conversation: Conversation, turn: str) -> Outcome:
    if conversation.channel == "web":
        response = await client.post("/chat/messages", json={"sender": conversation.key, "message": turn})
        if response.status_code != 200 or not response.json():
            return str(response.status_code), False
        return None, response.json()[0].get("text") == HOLDING
    form = {"From": conversation.key, "Body": turn, "MessageSid": f"SM{uuid.uuid4().hex}"}
    response = await client.post("/twilio/sms", data=form)
    if response.status_code != 200 or "<Message>" not in response.text:
        return str(response.status_code), False
    return None, HOLDING in response.text


async def straight_to_rasa(client: httpx.AsyncClient, conversation: Conversation, turn: str) -> Outcome:
    """The same words to Rasa's /model/parse (the token rides in the client's params): what the server asks of it."""
    response = await client.post("/model/parse", json={"text": turn})
    if response.status_code != 200 or not isinstance(response.json(), dict):
        return str(response.status_code), False
    return None, False


async def load(
    base_url: str,
    conversations: list[Conversation],
    straight: bool,
    seconds: float,
    token: str = "",
    think: float = THINK_SECONDS,
) -> dict[str, Path]:
    send = straight_to_rasa if straight else through_server
    paths = {channel: Path(channel) for channel in ("web", "sms")}
    limits = httpx.Limits(max_connections=len(conversations) + 10, max_keepalive_connections=len(conversations) + 10)
    params = {"token": token} if straight else {}
    async with httpx.AsyncClient(base_url=base_url, timeout=30, limits=limits, params=params) as client:
        started = time.monotonic()
        end = started + seconds

        async def person(index: int, conversation: Conversation) -> None:
            path = paths[conversation.channel]
            turn = index  # each starts at a different point, so the turns are mixed at any moment
            await asyncio.sleep(think * index / len(conversations))
            while time.monotonic() < end:
                began = time.perf_counter()
                try:
                    wrong, holding = await send(client, conversation, TURNS[turn % len(TURNS)])
                except (httpx.HTTPError, ValueError) as exc:
                    wrong, holding = type(exc).__name__, False
                path.times.append(time.perf_counter() - began)
                if wrong is not None:
                    path.errors += 1
                    path.why[wrong] += 1
                path.holding += holding
                turn += 1
                await asyncio.sleep(think)

        await asyncio.gather(*(person(i, c) for i, c in enumerate(conversations)))
        for path in paths.values():
            path.seconds = time.monotonic() - started
    return paths


def run_phases(
    running: stack.Stack, for_server: list[Conversation], for_rasa: list[Conversation], think: float, seconds: float
) -> tuple[dict[str, Path], dict[str, Path]]:
    """Server, Rasa, Rasa, server, each for half the time: the second of two phases runs on a busier Rasa (more
    conversations in memory, a bigger database), so the order is mirrored to be fair to both."""
    server = {channel: Path(channel) for channel in ("web", "sms")}
    rasa = {channel: Path(channel) for channel in ("web", "sms")}
    for straight in (False, True, True, False):
        name = "straight to Rasa" if straight else "through the server"
        print(f"{seconds / 2:.0f} s {name}, {think:g} s between turns...", flush=True)
        url = running.rasa_url if straight else running.server_url
        conversations = for_rasa if straight else for_server
        phase = asyncio.run(load(url, conversations, straight, seconds / 2, running.rasa_token, think))
        into = rasa if straight else server
        for channel, path in phase.items():
            before = into[channel].seconds
            into[channel].add(path)
            into[channel].seconds = before + path.seconds
    return server, rasa


def failed_callbacks(log: os.PathLike[str]) -> Counter[str]:
    """Requests the server refused or failed, from its JSON log."""
    failed: Counter[str] = Counter()
    with open(log, encoding="utf-8") as lines:
        for line in lines:
            entry = json.loads(line)
            if entry.get("logger") == "server.requests" and int(entry.get("status", 200)) >= 400:
                failed[f"{entry['route']} {entry['status']}"] += 1
    return failed


def report(server: dict[str, Path], rasa: dict[str, Path], think: float, seconds: float) -> None:
    both = Path("server: web + SMS")
    for path in server.values():
        both.add(path)
    bare = Path("bare Rasa /model/parse")
    for path in rasa.values():
        bare.add(path)
    server["web"].name, server["sms"].name = "server: POST /chat/messages", "server: POST /twilio/sms"
    print(f"\n{CONVERSATIONS} conversations at once for {seconds:.0f} s each, {think:g} s between turns:\n")
    print(HEADER)
    for path in (server["web"], server["sms"], both, bare):
        print(row(path))
    p50 = percentile(both.times, 0.5) / percentile(bare.times, 0.5)
    p95 = percentile(both.times, 0.95) / percentile(bare.times, 0.95)
    throughput = (len(both.times) / both.seconds) / (len(bare.times) / bare.seconds)
    aim = "messages a second >= 0.6x" if think == 0 else "p95 <= 2x"
    print(f"\nserver / bare Rasa: p50 {p50:.2f}x, p95 {p95:.2f}x, messages a second {throughput:.2f}x (aim: {aim})")
    sms = server["sms"]
    inside = sum(1 for t in sms.times if t < SMS_LIMIT_SECONDS) - sms.errors
    share = 100 * inside / len(sms.times) if sms.times else float("nan")
    print(f"texts answered inside {SMS_LIMIT_SECONDS:.0f} s: {inside} of {len(sms.times)} ({share:.1f}%)")
    why = ", ".join(f"{reason}: {count}" for reason, count in (both.why + bare.why).most_common()) or "none"
    print(f"errors: {both.errors + bare.errors} ({why}); holding replies: {both.holding}")


def main() -> None:
    model = ensure_model(quiet=True)
    workdir = ROOT / "var" / "bench-load"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    admin_token = uuid.uuid4().hex
    admin = {"Authorization": f"Bearer {admin_token}"}
    with database(workdir) as url:
        env = {"DATABASE_URL": url, "ADMIN_TOKEN": admin_token, "JOBS_INTERVAL_SECONDS": "0"}
        env["AUDIO_CACHE_DIR"] = str(workdir / "audio")
        # A throwaway server on loopback, with no Twilio account: its webhooks take the load test's unsigned posts.
        env["TWILIO_WEBHOOKS_UNSIGNED"] = "true"
        # One benchmark chat sends turns far faster than a person: the abuse limits would measure themselves.
        env |= {"MESSAGES_PER_CHAT": "1000000", "MESSAGES_PER_NUMBER": "1000000"}
        running = stack.start(model, env, workdir / "logs")
        try:
            with httpx.Client(base_url=running.server_url, timeout=30) as http:
                print(f"Setting up {2 * CONVERSATIONS} conversations...", flush=True)
                for_server = setup(http, admin, CONVERSATIONS, 100)
                for_rasa = setup(http, admin, CONVERSATIONS, 100 + CONVERSATIONS)
            server, rasa = run_phases(running, for_server, for_rasa, THINK_SECONDS, SECONDS)
            report(server, rasa, THINK_SECONDS, SECONDS)
            if THINK_SECONDS > 0:
                # Saturation: no pause between turns, so each path answers as many messages a second as it can.
                print("\nSaturation (no pause between turns)...", flush=True)
                server, rasa = run_phases(running, for_server, for_rasa, 0.0, SATURATION_SECONDS)
                report(server, rasa, 0.0, SATURATION_SECONDS)
            failed = failed_callbacks(workdir / "logs" / "server.log")
            shown = ", ".join(f"{what}: {count}" for what, count in failed.most_common()) or "none"
            print(f"requests the server refused or failed (its log, callbacks included): {shown}")
        finally:
            running.stop()


if __name__ == "__main__":
    main()
