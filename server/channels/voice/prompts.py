"""The spoken prompts: audio of the words in the language's voice, rendered once into AUDIO_CACHE_DIR by
easyread.audio and served at /audio/<id>.wav (phone calls play them; the web chat's "Listen" button too)."""

from __future__ import annotations

import time
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from easyread import languages
from easyread.audio import AudioCache
from server.settings import get_settings

PRUNE_EVERY_SECONDS = 3600.0
_last_pruned: float | None = None


def voice_name(language: str) -> str:
    """espeak-ng's voice for a language (easyread/locale.<lang>.yml); VOICE_NAME is the English one."""
    settings = get_settings()
    if language == "en" or language not in languages.available():
        return settings.voice_name
    return languages.locale(language).voice


def audio_cache(language: str = "en") -> AudioCache:
    settings = get_settings()
    return AudioCache(
        Path(settings.audio_cache_dir), voice_name(language), settings.voice_rate, settings.audio_render_timeout_seconds
    )


def audio_cache_for(audio: str) -> AudioCache | None:
    """The cache whose voice made this audio id from its words (the id is a hash of words, voice and rate)."""
    words = audio_cache().text_of(audio)
    if words is None:
        return None
    for language in languages.available():
        cache = audio_cache(language)
        if cache.id_for(words) == audio:
            return cache
    return None


async def prune_if_due() -> None:
    """At most once an hour, on a call's turn, delete prompts nobody has used for `audio_keep_days`."""
    global _last_pruned
    now = time.monotonic()
    if _last_pruned is not None and now - _last_pruned < PRUNE_EVERY_SECONDS:
        return
    _last_pruned = now
    await run_in_threadpool(audio_cache().prune, get_settings().audio_keep_days * 86_400)


def audio_url(audio: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/audio/{audio}.wav"


def listen_url(words: str, language: str = "en") -> str | None:
    """The address of a message's audio for the web chat's "Listen" button; rendered when first played."""
    if not words.strip():
        return None
    audio = audio_cache(language).remember(words)
    return audio_url(audio) if audio else None
