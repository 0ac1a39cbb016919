"""The person's chat page, at / and /start/{invite_code}."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

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


def _page(request: Request, invite_code: str | None) -> HTMLResponse:
    language = get_settings().default_language
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
