"""Twilio's voice webhook (every turn of a call) and the audio it plays, which the web chat's "Listen" uses too."""

from __future__ import annotations

import re
from functools import lru_cache

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from easyread.languages import available
from easyread.readability import load_catalogue
from server import limits
from server.channels.signature import signed_form
from server.channels.voice import call, prompts, twiml

router = APIRouter(tags=["voice"])

limits.refuse_as("/twilio/voice", twiml.refusal)

AUDIO_NAME = re.compile(r"^([0-9a-f]{32})\.wav$")
# A message with nothing filled in is the same for everyone; one with values (%{...}) can hold a person's words.
PUBLIC_AUDIO = "public, max-age=31536000, immutable"
PRIVATE_AUDIO = "private, no-store"


@lru_cache(maxsize=1)
def _same_for_everyone() -> frozenset[str]:
    """Every message of easyread/content, in every language, that has no values filled in."""
    return frozenset(
        words for language in available() for words in load_catalogue(language=language).values() if "%{" not in words
    )


def cache_control(words: str | None) -> str:
    """Audio of a fixed message may be kept by anyone (Twilio caches what it plays). Anything else (a read-back of
    a person's answers, a meeting's time, choices put together) is kept by nobody: it may repeat what a person said.
    """
    return PUBLIC_AUDIO if words is not None and words in _same_for_everyone() else PRIVATE_AUDIO


@router.post("/twilio/voice")
async def incoming_call(request: Request) -> Response:
    params = await signed_form(request)
    if not params.get("CallSid") or not call.caller(params):
        raise HTTPException(400, "CallSid and the caller's number are required.")
    if not await limits.limits_of(request).allow("number", call.caller(params)):
        return twiml.too_many()
    answer = await call.answer_call(request.app.state.rasa, params, request.query_params)
    return Response(answer, media_type=twiml.MEDIA_TYPE)


@router.get("/audio/{name}", response_class=FileResponse)
async def audio(name: str) -> FileResponse:
    """A prompt's audio. The address is a keyed hash of the words, voice and rate, so it never changes; only the
    audio of fixed messages may be cached, anything that may repeat a person's words is `private, no-store`."""
    match = AUDIO_NAME.fullmatch(name)
    if match is None:
        raise HTTPException(404, "There is no such audio.")
    audio_id = match.group(1)
    cache = prompts.audio_cache()
    if not cache.ready(audio_id):
        # Words kept under another voice or rate than today's have no audio any more.
        found = prompts.audio_cache_for(audio_id)
        if found is None:
            raise HTTPException(404, "There is no such audio.")
        cache = found
        words = cache.text_of(audio_id)
        if words is None:
            raise HTTPException(404, "There is no such audio.")
        # Rendered on first use (the web chat's "Listen"), once.
        await run_in_threadpool(cache.render, [words])
        if not cache.ready(audio_id):
            raise HTTPException(503, "Sorry, we could not make the sound. Please try again.")
    headers = {"Cache-Control": cache_control(cache.text_of(audio_id))}
    return FileResponse(cache.wav(audio_id), media_type="audio/wav", headers=headers)
