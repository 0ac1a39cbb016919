"""The person's chat page, at / and /start/{invite_code}."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from easyread.languages import available
from easyread.render import text
from server.settings import get_settings

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")

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
    language = page_language(request)
    words = {key: text(f"web.{key}", language) for key in PAGE_WORDS}
    return templates.TemplateResponse(
        request,
        "chat.html",
        {"lang": language, "invite_code": invite_code, "text": words, "static_url": "/static"},
    )


@router.get("/", response_class=HTMLResponse)
def chat_page(request: Request) -> HTMLResponse:
    return _page(request, None)


@router.get("/start/{invite_code}", response_class=HTMLResponse)
def chat_page_with_code(request: Request, invite_code: str) -> HTMLResponse:
    return _page(request, invite_code[:40])
