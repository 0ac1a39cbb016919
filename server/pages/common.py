"""What every page shares: the templates and their words, who is signed in, checked forms, and page errors.

Words come from easyread/content/pages.en.yml (namespace "pages"), so the pages can be translated; the names of
meeting choices come from choices.en.yml, the same words the person picked them by.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from easyread.dates import day_month_year, spoken_datetime
from easyread.render import has, text
from server.domain import users
from server.domain.tokens import Principal
from server.pages import security
from server.services import users as user_service
from server.settings import get_settings

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)
# Where a form may come from: larger bodies are refused before they are read in full.
MAX_FIELDS = 40


class SignInNeeded(Exception):
    def __init__(self, next_path: str) -> None:
        self.next_path = next_path


class PageError(Exception):
    """Shown as a page: 403 (not for your role), 404 (no such thing, or not yours), 403 for a bad CSRF token."""

    def __init__(self, status: int, kind: str) -> None:
        self.status = status
        self.kind = kind


def language() -> str:
    return get_settings().default_language


def words(key: str, **args: object) -> str:
    """A page word: words("sign_in") is pages.sign_in."""
    return text(f"pages.{key}", language(), **args)


def label(group: str, value: object, namespace: str = "pages") -> str:
    """The name of a value ("theme", "older_people" -> "Older people"); the value itself if there is no word."""
    key = f"{namespace}.{group}_{value}"
    # A language without its own word falls back to English (as text() does), then to the value itself.
    return text(key, language()) if has(key, language()) or has(key, "en") else str(value)


def when(iso: str | None) -> str:
    """An ISO 8601 time as people read it, in UK time: "Tuesday 3 March at 2pm"."""
    return spoken_datetime(datetime.fromisoformat(iso), language()) if iso else ""


def day(iso: str | None) -> str:
    """An ISO date as "3 March 2027"."""
    if not iso:
        return ""
    found = date.fromisoformat(iso)
    return day_month_year(found, language())


def signed_in(request: Request) -> users.SignedIn | None:
    token = security.session_token(request)
    if token is None:
        return None
    return user_service.signed_in(token)


def _needs(*roles: str) -> Any:
    def check(request: Request) -> Principal:
        found = signed_in(request)
        if found is None:
            path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            raise SignInNeeded(path)
        request.state.signed_in = found
        if found.principal.role not in roles:
            raise PageError(403, "forbidden")
        return found.principal

    return check


Staff = Annotated[Principal, Depends(_needs("council_staff"))]
Team = Annotated[Principal, Depends(_needs("team"))]


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token (and the browser's Origin) is right; else a 403 page."""
    form = await request.form(max_files=1, max_fields=MAX_FIELDS)
    if not security.csrf_ok(request, form):
        raise PageError(403, "csrf")
    return form


Form = Annotated[FormData, Depends(checked_form)]


def field(form: FormData, name: str, limit: int = 1000) -> str:
    value = form.get(name)
    return value.strip()[:limit] if isinstance(value, str) else ""


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    found: users.SignedIn | None = getattr(request.state, "signed_in", None)
    base = {
        "lang": language(),
        "t": words,
        "label": label,
        "when": when,
        "day": day,
        "csrf_field": security.CSRF_FIELD,
        "csrf_token": security.csrf_token(request),
        "user": found,
        "path": request.url.path,
    }
    response = templates.TemplateResponse(request, template, {**base, **context}, status_code=status)
    # Staff pages hold personal data: never kept by the browser or a proxy.
    response.headers["Cache-Control"] = "no-store"
    security.remember_pre_session(request, response)
    return response


def redirect(path: str) -> RedirectResponse:
    """After a form: see the result at a new address (so a reload does not post again)."""
    return RedirectResponse(path, status_code=303)


def home_for(principal: Principal) -> str:
    return "/team/handoffs" if principal.role == "team" else "/staff/cases"


def error_page(request: Request, status: int, kind: str) -> HTMLResponse:
    return render(request, "pages/error.html", {"kind": kind}, status=status)
