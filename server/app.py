"""The application: routes, error handling, and the Rasa client's lifetime."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from sqlalchemy.exc import OperationalError

from easyread import audio
from easyread.render import PICTURES_DIR
from server import jobs, pages, retry
from server.channels import signature
from server.channels.sms import receive as sms_receive
from server.channels.sms import routes as sms_routes
from server.channels.sms import twiml as sms_twiml
from server.channels.voice import call
from server.channels.voice import routes as voice_routes
from server.channels.voice import twiml as voice_twiml
from server.channels.web import listen as web_listen
from server.channels.web import page as web_page
from server.channels.web import routes as web_routes
from server.channels.web import wire as web_wire
from server.clients.rasa import RasaClient
from server.domain.errors import DomainError
from server.keys import keyed_hash
from server.limits import BodyCheck, Limits, refusal
from server.logs import RequestLog, configure_logging
from server.pages.common import error_page
from server.rest import (
    assessments,
    cases,
    consent_records,
    councils,
    handoffs,
    job_runs,
    meetings,
    outbox,
    selection,
    tokens,
    users,
)
from server.rest.calls import router as calls_router
from server.services import hearing
from server.settings import get_settings

log = logging.getLogger(__name__)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    signature.log_webhook_mode()
    app.state.rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_seconds, settings.rasa_token)
    # Every channel that can send a late answer, named here rather than registered as a side effect of an import.
    wires = {wire.name: wire for wire in (sms_receive.WIRE, web_routes.WIRE, call.WIRE)}
    background = [asyncio.create_task(retry.loop(app.state.rasa, wires))]
    if settings.jobs_interval_seconds > 0:
        background.append(asyncio.create_task(jobs.loop()))
    yield
    for task in background:
        task.cancel()
    await app.state.rasa.close()
    await app.state.limits.close()


def create_app() -> FastAPI:
    configure_logging()
    # Spoken prompts are named by a keyed hash: an address says nothing about the words without the secret key.
    audio.use_namer(lambda material: keyed_hash("audio-name", material))
    # FastAPI's own OpenTelemetry is off: nothing here collects traces, and it looked for a collector every request.
    telemetry: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
    app = FastAPI(title="Case tracking engagement service", version="0.1.0", lifespan=_lifespan, telemetry=telemetry)
    app.state.limits = Limits()
    # The conversations this server has seen joined to a case: their typed words go to Rasa without a read first.
    app.state.linked = hearing.Linked()
    # The last added runs first: each request is logged (never its path); then a body too big or with NUL is refused.
    # A request refused at the door is answered in its channel's own format (TwiML for Twilio, chat messages for the
    # page), named here rather than registered as a side effect of importing the channel.
    refusals = {
        "/chat/": web_wire.refusal,
        "/twilio/sms": sms_twiml.refusal,
        "/twilio/status": sms_twiml.refusal,
        "/twilio/voice": voice_twiml.refusal,
    }
    app.add_middleware(BodyCheck, max_bytes=get_settings().max_body_bytes, refusals=refusals)
    app.add_middleware(RequestLog)

    app.add_exception_handler(signature.Refused, signature.refused)

    @app.exception_handler(DomainError)
    async def _domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "field": exc.field}, status_code=exc.status_code)

    @app.exception_handler(OperationalError)
    async def _database_away(request: Request, exc: OperationalError) -> Response:
        """The database could not be reached or was busy (a restart drops every pooled connection; the first
        use of each fails and the pool lets it go): nothing of the request was kept. A turn runs its unit of work
        again by itself; a page or the API answers 503 with easy-read words to try again, never a 500."""
        lost = exc.connection_invalidated
        log.warning("database unavailable", extra={"error": type(exc.orig).__name__, "lost": lost})
        path, retry = request.url.path, {"Retry-After": "2"}
        if not path.startswith(("/api/", "/chat/", "/twilio/")):
            page = error_page(request, 503, "unavailable")
            page.headers.update(retry)
            return page
        body, media_type = refusal("limits.busy", path, refusals)
        return Response(body, status_code=503, media_type=media_type.decode(), headers=retry)

    for module in (
        web_routes,
        web_listen,
        sms_routes,
        councils,
        assessments,
        tokens,
        users,
        cases,
        consent_records,
        selection,
        handoffs,
        meetings,
        outbox,
        job_runs,
        web_page,
    ):
        app.include_router(module.router)
    app.include_router(voice_routes.router)
    app.include_router(calls_router)
    # Staff and team pages, with the security headers on every answer and GOV.UK Frontend under /assets.
    pages.install(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).resolve().parent / "static"), name="static")
    # The easy-read pictures shown beside the chat's messages (easyread/pictures/*.svg).
    app.mount("/pictures", StaticFiles(directory=PICTURES_DIR), name="pictures")

    @app.get("/healthz", include_in_schema=False)
    def _health() -> dict[str, str]:
        return {"status": "ok"}

    return app


app = create_app()
