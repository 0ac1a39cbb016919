"""Server-rendered pages for council staff and the assessment team, styled with GOV.UK Frontend.

`install(app)` adds the routes (one module per area: signin, staff, team), the security headers on every answer,
the page errors, and GOV.UK Frontend's built files under /assets (from node_modules, installed by `make`).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles

from server.pages import security, signin, staff, team
from server.pages.common import PageError, SignInNeeded, error_page
from server.settings import ROOT

GOVUK = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"


def install(app: FastAPI) -> None:
    for module in (signin, staff, team):
        app.include_router(module.router)
    app.add_middleware(security.SecurityHeaders)

    @app.exception_handler(SignInNeeded)
    async def _sign_in(_request: Request, exc: SignInNeeded) -> Response:
        return RedirectResponse(f"/sign-in?next={_quote(exc.next_path)}", status_code=303)

    @app.exception_handler(PageError)
    async def _page_error(request: Request, exc: PageError) -> HTMLResponse:
        return error_page(request, exc.status, exc.kind)

    # GOV.UK Frontend's stylesheet asks for /assets/fonts/... and /assets/images/...; its CSS and JS are beside them.
    app.mount("/assets/govuk", StaticFiles(directory=GOVUK, check_dir=False), name="govuk")
    app.mount("/assets", StaticFiles(directory=GOVUK / "assets", check_dir=False), name="govuk-assets")


def _quote(path: str) -> str:
    from urllib.parse import quote

    return quote(path, safe="/")
