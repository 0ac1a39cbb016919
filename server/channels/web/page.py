"""The person's chat page, at / and /start/{invite_code}.

The page speaks the conversation's language (its words and `<html lang>`, which tells a screen reader which
sounds to use): for an invitation link, the case's language; otherwise the one asked for or the browser's.
When the person switches language mid-conversation, chat.js follows (each bot message carries `lang`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from easyread.languages import available
from easyread.render import text
from server.domain import invite_codes
from server.limits import client_address
from server.services import conversations
from server.settings import get_settings

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parents[2] / "templates")

PAGE_WORDS = (
    "page_title",
    "heading",
    "intro",
    "input_label",
    "send",
    "talk_to_person",
    "stop",
    "writing",
    "error_network",
    "you_said",
    "helper_said",
    "listen",
    "skip_link",
)


def page_language(request: Request) -> str:
    """The page's own words in ?lang= when we speak it, else in the browser's first language we speak.

    The conversation itself is in the case's language, whatever the page's (a link can carry ?lang=pl)."""
    spoken = available()
    asked = request.query_params.get("lang", "")
    if asked in spoken:
        return asked
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in spoken:
            return code
    return get_settings().default_language


def _page(request: Request, invite_code: str | None) -> HTMLResponse:
    spoken = available()
    # The page's language would tell a guesser that a code is real: the look-up counts as a try of the code.
    key = invite_codes.attempt_key("web", client_address(request))
    found = conversations.language_of_code(invite_code, key) if invite_code else None
    language = found if found in spoken else page_language(request)
    words = {key: text(f"web.{key}", language) for key in PAGE_WORDS}
    # Every language's page words, so the page can change with the conversation without a reload.
    by_language = {code: {key: text(f"web.{key}", code) for key in PAGE_WORDS} for code in spoken}
    return templates.TemplateResponse(
        request,
        "chat.html",
        {
            "lang": language,
            "invite_code": invite_code,
            "text": words,
            "words_by_language": by_language,
            "static_url": "/static",
        },
    )


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request) -> HTMLResponse:
    return _page(request, None)


@router.get("/start/{invite_code}", response_class=HTMLResponse)
def chat_page_with_code(request: Request, invite_code: str) -> HTMLResponse:
    return _page(request, invite_code[:40])
