"""`make bench`: latency of POST /chat/messages and POST /twilio/sms beside Rasa's /model/parse alone on the same
typed words, interleaved in one run; then the first answer of a phone call with a cold and a warm audio cache
(tools/bench_voice.py).

A typed turn costs the server one parse plus the dialogue and the database; the difference from the parse alone
is what the server adds. A button turn never reaches Rasa. Beside each button turn, the floor under it on this
machine is measured too: a route that only answers (`GET /healthz`, through the same client and the same hop to a
worker thread) and a durable SQLite commit alone on the same disk (WAL, `fdatasync`, as the server's).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import time
import uuid
from pathlib import Path

import httpx

from server.domain.db import upgrade
from tools import bench_voice, stack
from tools.evaluate import evaluate
from tools.model import ROOT, ensure_model

TURNS = ("what happens", "/continue", "who will i talk to", "/repeat", "can my son come with me", "/continue")
CONVERSATIONS = 10
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "10"))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def row(name: str, values: list[float]) -> str:
    ms = [v * 1000 for v in values]
    return (
        f"{name:28} {len(ms):5d} {percentile(ms, 0.5):9.1f} {percentile(ms, 0.95):9.1f} "
        f"{statistics.mean(ms):9.1f} {max(ms):9.1f}"
    )


def main() -> None:
    model = ensure_model(quiet=True)
    workdir = ROOT / "var" / "bench"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    url = f"sqlite:///{workdir / 'bench.db'}"
    upgrade(url)
    admin = uuid.uuid4().hex
    env = {"DATABASE_URL": url, "ADMIN_TOKEN": admin, "AUDIO_CACHE_DIR": str(workdir / "audio")}
    # A throwaway server on loopback, with no Twilio account: its webhooks take the benchmark's unsigned posts.
    env["TWILIO_WEBHOOKS_UNSIGNED"] = "true"
    # One benchmark chat sends turns far faster than a person: the abuse limits would measure themselves.
    env |= {"MESSAGES_PER_CHAT": "1000000", "MESSAGES_PER_NUMBER": "1000000"}
    running = stack.start(model, env, workdir / "logs")
    try:
        run(running, admin, workdir / "commit-alone.db")
        phone_calls(running, admin, workdir / "audio")
    finally:
        running.stop()


def phone_calls(running: stack.Stack, admin: str, audio_dir: Path) -> None:
    rows = bench_voice.run(running.server_url, admin, audio_dir)
    print(f"\n{'phone call':28} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'mean ms':>9} {'max ms':>9}")
    for name, values in rows:
        print(row(name, values))


def commit_alone(path: Path) -> sqlite3.Connection:
    """A scratch SQLite database set up as the server's (WAL; the default `synchronous=FULL` syncs every commit)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v TEXT)")
    return conn


def run(running: stack.Stack, admin: str, scratch: Path) -> None:
    web = httpx.Client(base_url=running.server_url, timeout=30)
    rasa = httpx.Client(base_url=running.rasa_url, timeout=30)
    headers = {"Authorization": f"Bearer {admin}"}
    council_id = web.post("/api/councils", json={"name": "Bench Council"}, headers=headers).json()["id"]
    pairs = []
    for i in range(CONVERSATIONS):
        body: dict[str, object] = {"reference": f"B-{i}", "theme": "older_people", "phone": f"+447700900{i:03d}"}
        body["council_id"] = council_id
        code = web.post("/api/cases", json=body, headers=headers).json()["invite_code"]
        sender = uuid.uuid4().hex
        web.post("/chat/messages", json={"sender": sender, "message": "/greet", "metadata": {"invite_code": code}})
        pairs.append(sender)
    chat_senders = pairs[:CONVERSATIONS]
    phones = []
    for i in range(CONVERSATIONS):
        phone = f"+447700900{500 + i:03d}"
        body = {"reference": f"S-{i}", "theme": "older_people", "phone": phone, "council_id": council_id}
        web.post("/api/cases", json=body, headers=headers)
        web.post("/twilio/sms", data={"From": phone, "Body": "hi", "MessageSid": uuid.uuid4().hex})
        phones.append(phone)
    typed: list[float] = []
    buttons: list[float] = []
    parse_times: list[float] = []
    sms_times: list[float] = []
    healthz: list[float] = []
    commits: list[float] = []
    conn = commit_alone(scratch)
    params = {"token": running.rasa_token}
    print(f"Measuring {ROUNDS * len(TURNS) * CONVERSATIONS} turns on each path...", flush=True)
    for _ in range(ROUNDS):
        for text in TURNS:
            for chat_sender, phone in zip(chat_senders, phones, strict=True):
                start = time.perf_counter()
                response = web.post("/chat/messages", json={"sender": chat_sender, "message": text})
                (buttons if text.startswith("/") else typed).append(time.perf_counter() - start)
                assert response.status_code == 200, response.text
                if text.startswith("/"):
                    start = time.perf_counter()
                    response = web.get("/healthz")
                    healthz.append(time.perf_counter() - start)
                    assert response.status_code == 200, response.text
                    start = time.perf_counter()
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("INSERT INTO t (v) VALUES ('x')")
                    conn.execute("COMMIT")
                    commits.append(time.perf_counter() - start)
                else:
                    start = time.perf_counter()
                    response = rasa.post("/model/parse", params=params, json={"text": text})
                    parse_times.append(time.perf_counter() - start)
                    assert response.status_code == 200, response.text
                start = time.perf_counter()
                form = {"From": phone, "Body": text, "MessageSid": uuid.uuid4().hex}
                response = web.post("/twilio/sms", data=form)
                sms_times.append(time.perf_counter() - start)
                assert response.status_code == 200, response.text
    print(f"\n{'path':28} {'n':>5} {'p50 ms':>9} {'p95 ms':>9} {'mean ms':>9} {'max ms':>9}")
    print(row("chat, typed turns", typed))
    print(row("chat, button turns", buttons))
    print(row("POST /twilio/sms", sms_times))
    print(row("Rasa /model/parse (alone)", parse_times))
    print(row("GET /healthz (only answers)", healthz))
    print(row("SQLite durable commit alone", commits))
    conn.close()
    ratio50 = percentile(typed, 0.5) / percentile(parse_times, 0.5)
    ratio95 = percentile(typed, 0.95) / percentile(parse_times, 0.95)
    print(f"ratio typed chat / parse alone: p50 {ratio50:.2f}x, p95 {ratio95:.2f}x")
    # What the server adds to a typed turn, beside what a turn that never reaches Rasa costs in all: the HTTP, the
    # dialogue and the durable commit of the answer, which come after the parse however the storing overlaps it.
    added = (percentile(typed, 0.5) - percentile(parse_times, 0.5)) * 1000
    button = percentile(buttons, 0.5) * 1000
    print(f"a typed turn adds {added:.1f} ms to the parse at p50; a button turn (no Rasa) takes {button:.1f} ms")
    # What no server can do without on this machine: answer an HTTP request through a worker thread, and make one
    # commit durable. A button turn's aim (2 ms) was set on a machine whose parse alone took 5.9 ms.
    floor = (percentile(healthz, 0.5) + percentile(commits, 0.5)) * 1000
    print(
        f"floor on this machine: a route that only answers plus a durable commit alone, {floor:.1f} ms at p50; "
        f"the button turn's own work above it {button - floor:.1f} ms"
    )
    print("\nHeld-out NLU (tests/nlu/heldout_en.yml):")
    print("  " + evaluate(running.rasa_url, running.rasa_token).summary())


if __name__ == "__main__":
    main()
