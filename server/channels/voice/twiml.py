"""The voice wire format: TwiML `<Response>` with the words as audio (`<Play>`, `<Say>` when the audio is not
ready in time) before, inside and after a `<Gather>` that listens for the next key or words; or a hang-up."""

from __future__ import annotations

import time
from contextvars import ContextVar
from dataclasses import replace

from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from twilio.twiml.voice_response import Gather, VoiceResponse

from easyread import spoken
from easyread.render import text
from server.channels.voice.prompts import audio_cache, audio_url
from server.limits import retry_after
from server.settings import get_settings

MEDIA_TYPE = "application/xml"
# Twilio gives up on an answer after 15 s; audio is rendered only while the whole answer stays inside this.
ANSWER_BUDGET_SECONDS = 12.0
started: ContextVar[float] = ContextVar("voice_answer_started")


class Answer:
    """One TwiML answer: words to say (as audio when it can be rendered), then listen, or hang up."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.before: list[str] = []
        self.listen: list[str] = []
        self.after: list[str] = []
        self.gather: dict[str, object] | None = None
        self.hangup = False

    async def twiml(self) -> str:
        everything = [*self.before, *self.listen, *self.after]
        cache = audio_cache(self.language)
        # Whatever the dialogue took, the answer goes back in time: audio not ready by then is said by Twilio.
        left = ANSWER_BUDGET_SECONDS - (time.monotonic() - started.get(time.monotonic()))
        cache = replace(cache, timeout=max(0.0, min(cache.timeout, left)))
        ready = await run_in_threadpool(cache.render, everything)
        response = VoiceResponse()
        self._speak(response, self.before, ready)
        if self.gather is not None:
            gather = Gather(**self.gather)
            self._speak(gather, self.listen, ready)
            response.append(gather)
        self._speak(response, self.after, ready)
        if self.hangup:
            response.hangup()
        return str(response)

    def _speak(self, verb: VoiceResponse | Gather, words: list[str], ready: dict[str, str]) -> None:
        for line in words:
            if line in ready:
                verb.play(audio_url(ready[line]))
            else:
                verb.say(line, language=spoken.speech_language(self.language))


def hang_up() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response)


def _say_and_hang_up(words: str) -> str:
    response = VoiceResponse()
    response.say(words, language=spoken.speech_language(get_settings().default_language))
    response.hangup()
    return str(response)


def too_many() -> Response:
    """Said by Twilio (no audio to render for a caller who floods us), then the call ends; 429."""
    words = text("limits.too_many", get_settings().default_language)
    return Response(_say_and_hang_up(words), status_code=429, media_type=MEDIA_TYPE, headers=retry_after())


def refusal(words: str) -> tuple[bytes, bytes]:
    """A call's request refused before it was read (too big, unreadable): the words said, then the call ends."""
    return _say_and_hang_up(words).encode(), MEDIA_TYPE.encode()
