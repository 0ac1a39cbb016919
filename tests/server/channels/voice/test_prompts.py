"""Each language is spoken in its own espeak-ng voice: on calls and from /audio (the chat's Listen button:
tests/server/channels/web/test_listen.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from easyread.audio import duration_seconds
from easyread.render import text
from server.channels.voice import prompts as voice
from server.settings import get_settings


@pytest.fixture
def audio_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("AUDIO_CACHE_DIR", str(tmp_path))
    monkeypatch.setenv("AUDIO_RENDER_TIMEOUT_SECONDS", "30")
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def test_polish_is_spoken_in_the_polish_voice_and_english_in_the_configured_one(
    monkeypatch: pytest.MonkeyPatch, audio_dir: Path
) -> None:
    assert voice.voice_name("pl") == "zlw/pl"
    assert voice.voice_name("en") == get_settings().voice_name
    monkeypatch.setenv("VOICE_NAME", "gmw/en-GB-x-rp")
    get_settings.cache_clear()
    # VOICE_NAME chooses the English voice only.
    assert voice.voice_name("en") == "gmw/en-GB-x-rp" and voice.voice_name("pl") == "zlw/pl"


def test_a_polish_prompt_renders_to_sound(audio_dir: Path) -> None:
    words = text("voice.goodbye", "pl")
    cache = voice.audio_cache("pl")
    ids = cache.render([words])
    assert words in ids
    assert duration_seconds(cache.wav(ids[words])) > 1
    # The same words in the English voice are another recording.
    assert voice.audio_cache("en").id_for(words) != ids[words]


def test_audio_of_polish_words_is_served_in_the_polish_voice(client: TestClient, audio_dir: Path) -> None:
    words = text("bot.ask_consent", "pl")
    audio = voice.audio_cache("pl").remember(words)
    assert audio is not None
    assert voice.audio_cache_for(audio) is not None
    assert voice.audio_cache_for(audio).voice == "zlw/pl"  # type: ignore[union-attr]
    response = client.get(f"/audio/{audio}.wav")
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
