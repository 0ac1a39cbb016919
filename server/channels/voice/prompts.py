"""The spoken prompts: audio of the words in the language's voice, rendered once into AUDIO_CACHE_DIR by
easyread.audio and served at /audio/<id>.wav (phone calls play them). The web chat's "Listen" button has its audio
made when pressed (`speak`): a fixed message from the same cache, anything else rendered and not kept."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from starlette.concurrency import run_in_threadpool

from easyread import languages
from easyread.audio import AudioCache
from easyread.render import same_for_everyone
from server.settings import get_settings

PRUNE_EVERY_SECONDS = 3600.0
_last_pruned: float | None = None
# A message with nothing filled in is the same for everyone; one with values (%{...}) can hold a person's words.
PUBLIC_AUDIO = "public, max-age=31536000, immutable"
PRIVATE_AUDIO = "private, no-store"


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


def cache_control(words: str | None) -> str:
    """Audio of a fixed message may be kept by anyone (Twilio caches what it plays). Anything else (a read-back of
    a person's answers, a meeting's time, choices put together) is kept by nobody: it may repeat what a person said.
    """
    return PUBLIC_AUDIO if same_for_everyone(words) else PRIVATE_AUDIO


def speak(words: str, language: str) -> bytes | None:
    """The words as WAV audio in the language's voice, made now (blocking: call it from a thread); None when it
    could not be made in time. A fixed message is kept in the shared cache (calls play it too); anything else may
    repeat what a person said, so it is rendered in a directory of its own that is gone before this returns: nothing
    of it stays on disk, and purge has nothing to look for."""
    if same_for_everyone(words):
        cache = audio_cache(language)
        ready = cache.render([words])
        return cache.wav(ready[words]).read_bytes() if words in ready else None
    settings = get_settings()
    with tempfile.TemporaryDirectory(prefix="listen-") as directory:
        once = AudioCache(
            Path(directory), voice_name(language), settings.voice_rate, settings.audio_render_timeout_seconds
        )
        ready = once.render([words])
        return once.wav(ready[words]).read_bytes() if words in ready else None
