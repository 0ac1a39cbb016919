"""The web chat's "Listen" button: `GET /chat/listen/<link>` speaks one message of a reply, made when pressed.

No file is written when a reply goes out. The link names the message (the id of the message it answers, its place
in the reply, the language) and a keyed hash of its words, all signed with the server's key, so it cannot be
changed to reach other words. It is plain text signed with itsdangerous' Signer, as the calendar link is (a reply
makes a link for each of its messages, every turn: the Serializer's JSON and a new signer each time cost three
times as much). A fixed message (the same for everyone) is found by that hash among the content's
messages and spoken from the shared prompt cache; words made for the person are read from the reply the turn kept
with its message (server.services.inbound), rendered for this answer and not kept. A link whose words are no
longer there (purged) is 404.
"""

from __future__ import annotations

from functools import lru_cache

from fastapi import APIRouter, HTTPException, Response
from itsdangerous import BadSignature, Signer
from starlette.concurrency import run_in_threadpool

from easyread.languages import available
from easyread.render import fixed_messages
from server.channels.voice import prompts
from server.keys import keyed_hash, secret_key
from server.services import conversations
from server.settings import get_settings

router = APIRouter(tags=["web chat"])

NOT_FOUND = "There is no such message to listen to."


def _signer() -> Signer:
    return _signer_for(secret_key())


@lru_cache(maxsize=2)
def _signer_for(key: bytes) -> Signer:
    return Signer(key, salt="case-tracking-listen")


def _digest(words: str, language: str) -> str:
    return _digest_for(secret_key(), words, language)


@lru_cache(maxsize=4096)
def _digest_for(_key: bytes, words: str, language: str) -> str:
    """(Remembered by key and words: most replies are the content's fixed messages, hashed again every turn.)"""
    return keyed_hash("listen", f"{language}\n{words}")[:32]


@lru_cache(maxsize=1)
def _fixed() -> dict[str, tuple[str, str]]:
    """{digest: (words, language)} for every message of the content with nothing filled in."""
    return {_digest(words, language): (words, language) for words, language in fixed_messages()}


def url(message_id: int, index: int, words: str, language: str) -> str:
    """The address that reads `words`, message `index` of the reply to message `message_id`, aloud in `language`'s
    voice."""
    link = _signer().sign(f"{message_id}.{index}.{language}.{_digest(words, language)}").decode()
    return f"{get_settings().public_base_url.rstrip('/')}/chat/listen/{link}"


def _words(link: str) -> tuple[str, str]:
    """The words the link names and their language; 404 for a link we did not make or words no longer kept."""
    try:
        number, place, language, digest = _signer().unsign(link).decode().split(".")
    except (BadSignature, ValueError) as exc:
        raise HTTPException(404, NOT_FOUND) from exc
    if not (number.isdecimal() and place.isdecimal() and language in available()):
        raise HTTPException(404, NOT_FOUND)
    message_id, index = int(number), int(place)
    if digest in _fixed():
        return _fixed()[digest]
    kept = conversations.reply_of(message_id) or []
    words = kept[index] if 0 <= index < len(kept) else None
    if not isinstance(words, str) or _digest(words, language) != digest:
        raise HTTPException(404, NOT_FOUND)
    return words, language


@router.get("/chat/listen/{link}", response_class=Response)
async def listen(link: str) -> Response:
    """A message of the chat as WAV audio, made now. `private, no-store` unless it is a fixed message."""
    words, language = await run_in_threadpool(_words, link)
    sound = await run_in_threadpool(prompts.speak, words, language)
    if sound is None:
        raise HTTPException(503, "Sorry, we could not make the sound. Please try again.")
    return Response(sound, media_type="audio/wav", headers={"Cache-Control": prompts.cache_control(words)})
