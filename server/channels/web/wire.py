"""The web chat's wire format, in the shape of Rasa's REST channel: `{"sender", "message", "metadata"}` in, a JSON
list of bot messages out (`[{"text", "buttons", "image", "alt", "audio", "lang"}]`), for every answer, even a
refusal, so the page can always show the person what to do next."""

from __future__ import annotations

import json

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from easyread.render import text
from server.limits import retry_after
from server.settings import get_settings

MEDIA_TYPE = "application/json"


class ChatMetadata(BaseModel):
    invite_code: str | None = Field(default=None, max_length=40)


class ChatIn(BaseModel):
    sender: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    message: str = Field(min_length=1, max_length=2000)
    metadata: ChatMetadata | None = None


class WaitingFor(BaseModel):
    """The page asking for the answers that came late to its chat."""

    sender: str = Field(min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")


class Button(BaseModel):
    title: str
    payload: str


class BotMessage(BaseModel):
    text: str
    buttons: list[Button] | None = None
    image: str | None = None
    # The picture's text alternative, in the person's language.
    alt: str | None = None
    audio: str | None = None
    # The conversation's language (BCP 47, "en", "pl"), once it belongs to a case: the page speaks it, so a
    # screen reader reads each message with the right sounds, also after the person switched language.
    lang: str | None = None


def with_lang(message: dict[str, object], language: str | None) -> dict[str, object]:
    return {**message, "lang": language} if language else message


def too_many() -> JSONResponse:
    """A list of messages, like every other answer, with 429."""
    words = text("limits.too_many", get_settings().default_language)
    return JSONResponse([{"text": words}], status_code=429, headers=retry_after())


def refusal(words: str) -> tuple[bytes, bytes]:
    """A request refused before it was read (too big, unreadable): still a list of messages."""
    return json.dumps([{"text": words}]).encode(), MEDIA_TYPE.encode()
