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
from server.domain import cases, invite_codes
from server.domain.db import session_scope
from server.limits import client_address
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


def case_language(request: Request, invite_code: str) -> str | None:
    """The language of the case an invitation code is for, or None.

    The page's language would tell a guesser that a code is real, so looking one up here counts against the
    same limit as typing codes into the chat (a wrong one is a failed attempt; a locked address is not told)."""
    if not invite_codes.looks_like_code(invite_code):
        return None
    key = invite_codes.attempt_key("web", client_address(request))
    with session_scope() as session:
        if invite_codes.locked(session, key, get_settings().code_attempts_per_hour):
            return None
        case = cases.by_invite_code(session, invite_code)
        if case is None:
            invite_codes.record_attempt(session, key, success=False)
            return None
        return case.language


def _page(request: Request, invite_code: str | None) -> HTMLResponse:
    spoken = available()
    found = case_language(request, invite_code) if invite_code else None
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
