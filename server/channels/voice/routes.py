"""Twilio's voice webhook (every turn of a call) and the audio it plays (/audio/<id>.wav)."""

from __future__ import annotations

import re

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import FileResponse
from starlette.concurrency import run_in_threadpool

from server import limits
from server.channels.signature import signed_form
from server.channels.voice import call, prompts, twiml

router = APIRouter(tags=["voice"])


AUDIO_NAME = re.compile(r"^([0-9a-f]{32})\.wav$")


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
        # Words a call kept (to say again) but never rendered: made on first use, once.
        await run_in_threadpool(cache.render, [words])
        if not cache.ready(audio_id):
            raise HTTPException(503, "Sorry, we could not make the sound. Please try again.")
    headers = {"Cache-Control": prompts.cache_control(cache.text_of(audio_id))}
    return FileResponse(cache.wav(audio_id), media_type="audio/wav", headers=headers)
