"""The check every Twilio webhook (texts, delivery status, calls) makes first: the request's signature.

They fail closed: without TWILIO_AUTH_TOKEN nothing can be checked, so every request is refused, unless the
operator set TWILIO_WEBHOOKS_UNSIGNED=true for a local demo (the server warns at start-up, see `webhook_mode`).
"""

from __future__ import annotations

import logging

from fastapi import HTTPException, Request
from fastapi.responses import PlainTextResponse
from twilio.request_validator import RequestValidator

from server.settings import get_settings

log = logging.getLogger(__name__)


class Refused(HTTPException):
    """A webhook request we cannot show came from Twilio: answered 403 in a short line of plain text."""

    def __init__(self, reason: str) -> None:
        super().__init__(403, reason)


def refused(_request: Request, exc: Exception) -> PlainTextResponse:
    reason = exc.detail if isinstance(exc, HTTPException) else "Forbidden."
    return PlainTextResponse(f"{reason}\n", status_code=403)


def webhook_mode() -> str:
    """How the webhooks treat requests: "signed" (checked), "closed" (no token: all refused) or "unsigned"."""
    settings = get_settings()
    if settings.twilio_auth_token:
        return "signed"
    return "unsigned" if settings.twilio_webhooks_unsigned else "closed"


def log_webhook_mode() -> None:
    """Said once at start-up, so an operator sees at once when the webhooks are open or shut. No values logged."""
    mode = webhook_mode()
    if mode == "unsigned":
        log.warning(
            "Twilio webhooks accept unsigned requests: anyone can post to /twilio/sms, /twilio/voice and "
            "/twilio/status. TWILIO_WEBHOOKS_UNSIGNED is for a local demo only; never use it in production.",
            extra={"twilio_webhooks": mode},
        )
    elif mode == "closed":
        log.warning(
            "Twilio webhooks refuse every request (403): TWILIO_AUTH_TOKEN is not set.",
            extra={"twilio_webhooks": mode},
        )
    elif get_settings().twilio_webhooks_unsigned:
        log.warning(
            "TWILIO_WEBHOOKS_UNSIGNED is ignored: TWILIO_AUTH_TOKEN is set, so every webhook request is checked.",
            extra={"twilio_webhooks": mode},
        )


async def signed_form(request: Request) -> dict[str, str]:
    """The POSTed parameters, once the X-Twilio-Signature matches TWILIO_AUTH_TOKEN; else Refused (403)."""
    mode = webhook_mode()
    if mode == "closed":
        # Refused before the body is read: nothing from an unchecked sender is parsed or stored.
        raise Refused("Forbidden: Twilio webhooks are off until TWILIO_AUTH_TOKEN is set.")
    form = await request.form()
    params = {key: str(value) for key, value in form.items()}
    settings = get_settings()
    if mode == "signed":
        assert settings.twilio_auth_token is not None
        # Twilio signs the public address it called, which behind a proxy is not the one we see.
        url = settings.public_base_url.rstrip("/") + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        signature = request.headers.get("X-Twilio-Signature", "")
        if not RequestValidator(settings.twilio_auth_token).validate(url, params, signature):
            raise Refused("Forbidden: the request signature is not valid.")
    return params
