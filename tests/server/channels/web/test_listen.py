"""The chat's "Listen" button: a reply writes nothing to disk; pressing Listen (a GET of the message's link) makes
the audio from the stored reply, in the conversation's voice, and keeps nothing that could repeat a person's words;
a link that was changed, or whose reply is gone, is refused."""

from __future__ import annotations

import io
import uuid
import wave
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from itsdangerous import Signer

from easyread import audio
from easyread.render import same_for_everyone, text
from server.channels.voice import prompts
from server.channels.web import listen
from server.settings import get_settings
from tests.support import council_with_staff, new_case


@pytest.fixture
def var(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings_env: str) -> Iterator[Path]:
    """The test's own var/: the prompt cache lives in it."""
    monkeypatch.setenv("AUDIO_CACHE_DIR", str(tmp_path / "var" / "audio"))
    monkeypatch.setenv("AUDIO_RENDER_TIMEOUT_SECONDS", "30")
    get_settings.cache_clear()
    yield tmp_path / "var"
    get_settings.cache_clear()


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def holding(root: Path, phrase: str) -> list[Path]:
    return [p for p in files_in(root) if phrase.encode() in p.read_bytes()]


def wav_seconds(body: bytes) -> float:
    with wave.open(io.BytesIO(body), "rb") as wav:
        return wav.getnframes() / wav.getframerate()


def greeted(client: TestClient, council: str, language: str = "en") -> list[dict[str, Any]]:
    """A person opens the chat with the code from their letter: the greeting names their council."""
    setup = council_with_staff(client, council)
    case = new_case(client, setup.staff, "N-1", language=language)
    body = {
        "sender": "listen-" + uuid.uuid4().hex[:12],
        "message": "/greet",
        "metadata": {"invite_code": case["invite_code"]},
    }
    response = client.post("/chat/messages", json=body)
    assert response.status_code == 200
    messages: list[dict[str, Any]] = response.json()
    return messages


def path_of(url: str) -> str:
    """The path of a Listen link, which is addressed by the public address (PUBLIC_BASE_URL)."""
    public = get_settings().public_base_url.rstrip("/")
    assert url.startswith(f"{public}/chat/listen/")
    return url.removeprefix(public)


def test_a_reply_writes_no_file_and_listen_speaks_it_only_when_pressed(client: TestClient, var: Path) -> None:
    phrase = "Zebra" + uuid.uuid4().hex[:8]
    messages = greeted(client, f"{phrase} Council")
    assert phrase in messages[0]["text"]
    # Every message has its Listen link, and nothing was written for them.
    assert all(m["audio"] for m in messages if m["text"].strip())
    assert files_in(var) == []
    before = audio.rendered_count()
    played = client.get(path_of(messages[0]["audio"]))
    assert played.status_code == 200 and played.headers["content-type"] == "audio/wav"
    assert wav_seconds(played.content) > 3, "the whole greeting is spoken"
    assert audio.rendered_count() == before + 1
    # Words filled in for this person are nobody else's: not cached by the browser, and not kept on disk either.
    assert played.headers["cache-control"] == "private, no-store"
    assert holding(var, phrase) == [] and files_in(var) == []
    # Pressed again, it plays again.
    assert client.get(path_of(messages[0]["audio"])).status_code == 200


def test_a_fixed_message_is_spoken_from_the_shared_cache(client: TestClient, var: Path) -> None:
    asked = client.post("/chat/messages", json={"sender": "listen-" + uuid.uuid4().hex[:12], "message": "hello"})
    [message] = asked.json()
    assert message["text"] == text("bot.ask_code", "en")
    assert files_in(var) == []
    played = client.get(path_of(message["audio"]))
    assert played.status_code == 200 and wav_seconds(played.content) > 1
    assert played.headers["cache-control"] == "public, max-age=31536000, immutable"
    # The same recording calls play: made once, then served from the cache.
    before = audio.rendered_count()
    assert client.get(path_of(message["audio"])).content == played.content
    assert audio.rendered_count() == before
    assert len(list((var / "audio").glob("*.wav"))) == 1
    # A fixed message needs no kept reply (a "we will answer soon" while the helper is slow is not the reply kept).
    unkept = listen.url(10**9, 0, text("bot.ask_code", "en"), "en")
    assert client.get(path_of(unkept)).content == played.content


def test_polish_is_read_in_the_polish_voice(client: TestClient, var: Path) -> None:
    messages = greeted(client, "Rada Północ", "pl")
    fixed = next(m for m in messages if same_for_everyone(m["text"]))
    assert fixed["lang"] == "pl"
    played = client.get(path_of(fixed["audio"]))
    assert played.status_code == 200
    polish, english = prompts.audio_cache("pl"), prompts.audio_cache("en")
    assert polish.voice == "zlw/pl"
    assert played.content == polish.wav(polish.id_for(fixed["text"])).read_bytes()
    assert not english.ready(english.id_for(fixed["text"]))


def test_a_changed_or_made_up_link_is_refused(client: TestClient, var: Path) -> None:
    messages = greeted(client, "North Council")
    link = path_of(messages[0]["audio"])
    payload, signature = link.rsplit(".", 1)
    changed = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert client.get(changed).status_code == 404
    # The right shape signed with another key: someone guessing our links.
    forged = Signer("not the server's key", salt="case-tracking-listen").sign(f"1.0.en.{'0' * 32}").decode()
    assert client.get(f"/chat/listen/{forged}").status_code == 404
    # Our own signature moved onto other words (the message's number changed, the hash kept).
    moved = link.rsplit("/", 1)[1].split(".", 1)[1]
    assert client.get(f"/chat/listen/999999.{moved}").status_code == 404
    assert client.get("/chat/listen/hello").status_code == 404
    # Links we did make, but to nothing: a message past the reply's end, a reply that is not kept, other words
    # than the reply holds, a language we do not speak.
    message_id = int(link.rsplit("/", 1)[1].split(".")[0])
    greeting = messages[0]["text"]
    assert client.get(path_of(listen.url(message_id, 0, greeting, "en"))).status_code == 200
    assert client.get(path_of(listen.url(message_id, len(messages) + 5, greeting, "en"))).status_code == 404
    assert client.get(path_of(listen.url(10**9, 0, greeting, "en"))).status_code == 404
    assert client.get(path_of(listen.url(message_id, 0, "Words we never said.", "en"))).status_code == 404
    assert client.get(path_of(listen.url(message_id, 1, greeting, "en"))).status_code == 404
    assert client.get(path_of(listen.url(message_id, 0, greeting, "xx"))).status_code == 404
    assert files_in(var) == []
