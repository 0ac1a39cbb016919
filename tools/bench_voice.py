"""`make bench`, phone part: how long Twilio waits for the first TwiML answer of a call, with a cold and a warm
audio cache, and how long one prompt takes to render.

Each call is a new caller whose number is a case's, so its first answer is the greeting: several messages and the
keys, each one audio file. Cold: the audio cache is emptied just before the call, so every prompt is rendered
(in one pyttsx3 child process) before the answer goes back. Warm: the same words were rendered by an earlier call,
so the answer only looks them up. Twilio gives up on an answer after 15 s.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from easyread.audio import AudioCache
from server.settings import Settings

CALLS = int(os.environ.get("BENCH_CALLS", "5"))
PROMPT = "Are you happy to take part? You can say yes, no or not sure."


def _first_answer(web: httpx.Client, phone: str) -> tuple[float, str]:
    form = {"CallSid": f"CA{uuid.uuid4().hex}", "From": phone, "To": "+447700900000", "Direction": "inbound"}
    start = time.perf_counter()
    response = web.post("/twilio/voice", data=form)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, response.text
    return elapsed, response.text


def _render_once(settings: Settings) -> float:
    with tempfile.TemporaryDirectory() as directory:
        cache = AudioCache(Path(directory), settings.voice_name, settings.voice_rate, timeout=30)
        start = time.perf_counter()
        rendered = cache.render([PROMPT])
        elapsed = time.perf_counter() - start
        assert rendered, "the prompt could not be rendered: is espeak-ng installed?"
        return elapsed


def run(server_url: str, admin: str, audio_dir: Path) -> list[tuple[str, list[float]]]:
    """Rows of (name, seconds) for the bench table. The server must use `audio_dir` as its audio cache."""
    web = httpx.Client(base_url=server_url, timeout=30)
    headers = {"Authorization": f"Bearer {admin}"}
    council_id = web.post("/api/councils", json={"name": "Phone Bench Council"}, headers=headers).json()["id"]
    cold: list[float] = []
    warm: list[float] = []
    said = 0
    print(f"\nMeasuring the first answer of {CALLS * 2} phone calls...", flush=True)
    for i in range(CALLS * 2):
        phone = f"+4477009006{50 + i:02d}"
        body = {"reference": f"V-{i}", "theme": "older_people", "phone": phone, "council_id": council_id}
        assert web.post("/api/cases", json=body, headers=headers).status_code == 201
        if i % 2 == 0:
            shutil.rmtree(audio_dir, ignore_errors=True)
        elapsed, twiml = _first_answer(web, phone)
        assert "<Play>" in twiml or "<Say" in twiml, twiml
        # Audio not ready within the answer's budget is said by Twilio instead: counted, not a failure.
        said += "<Say" in twiml
        (cold if i % 2 == 0 else warm).append(elapsed)
    if said:
        print(f"{said} of {CALLS * 2} first answers were said by Twilio: their audio was not ready in time")
    settings = Settings()
    renders = [_render_once(settings) for _ in range(CALLS)]
    return [
        ("first answer, cold audio", cold),
        ("first answer, warm audio", warm),
        ("render 1 prompt (pyttsx3)", renders),
    ]
