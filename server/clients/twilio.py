"""The outbound client for Twilio: send an SMS, start a voice call.

`TwilioGateway` wraps the official `twilio` library. It makes one `Client` and reuses it, so connections to
Twilio are pooled. Every failure, whether Twilio refused the request or could not be reached, comes out as
`SendError`, carrying Twilio's error code (21610: the recipient has opted out) and the HTTP status when there
was an answer.

The library is synchronous: `send_sms` and `start_call` block until Twilio answers or the timeout passes.
Callers in async code should run them in a thread, e.g. `await asyncio.to_thread(gateway.send_sms, ...)`.

Tests point the gateway at a local fake of Twilio's REST API with `api_base_url` (see tests/fakes/twilio_api.py).
"""

from __future__ import annotations

from typing import Any

import requests
from twilio.base import values
from twilio.base.exceptions import TwilioRestException, TwilioServiceException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

DEFAULT_TIMEOUT_SECONDS = 10.0

# What the library raises: Twilio answered with an error, or the HTTP request itself failed (refused, timed out).
_LIBRARY_ERRORS = (TwilioRestException, TwilioServiceException, requests.RequestException)

OPTED_OUT = 21610
"""Twilio's error code for a recipient who has replied STOP: "Attempt to send to unsubscribed recipient"."""


class SendError(Exception):
    """Twilio did not accept the message or call.

    `code` is Twilio's error code (https://www.twilio.com/docs/errors/<code>) and `status` the HTTP status; both
    are None when Twilio could not be reached at all.
    """

    def __init__(self, message: str, *, code: int | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.status = status

    @property
    def opted_out(self) -> bool:
        """The recipient has unsubscribed (replied STOP); Twilio will refuse every SMS until they opt back in."""
        return self.code == OPTED_OUT


class TwilioGateway:
    """Sends SMS and starts calls from one Twilio number. Blocking: run the methods in a thread from async code."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base_url: str | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> None:
        self.from_number = from_number
        self._client = Client(account_sid, auth_token, http_client=TwilioHttpClient(timeout=timeout))
        if api_base_url is not None:
            # Domain.base_url: every api.twilio.com request (Messages, Calls) is built from it.
            self._client.api.base_url = api_base_url.rstrip("/")

    def send_sms(self, to: str, body: str, status_callback: str | None) -> str:
        """Send `body` to `to` and return the message SID ("SM..."). Blocking; raises SendError."""
        try:
            message = self._client.messages.create(
                to=to, from_=self.from_number, body=body, status_callback=_optional(status_callback)
            )
        except _LIBRARY_ERRORS as exc:
            raise _send_error(exc, "SMS") from exc
        return _sid(message, "SMS")

    def start_call(self, to: str, url: str, status_callback: str | None) -> str:
        """Call `to`; when they answer Twilio POSTs to `url` for TwiML. Returns the call SID ("CA..."). Blocking."""
        try:
            call = self._client.calls.create(
                to=to, from_=self.from_number, url=url, method="POST", status_callback=_optional(status_callback)
            )
        except _LIBRARY_ERRORS as exc:
            raise _send_error(exc, "call") from exc
        return _sid(call, "call")


def _optional(value: str | None) -> object:
    """None means "leave the parameter out", which the library spells `values.unset`."""
    return values.unset if value is None else value


def _sid(instance: Any, what: str) -> str:
    sid = getattr(instance, "sid", None)
    if not isinstance(sid, str) or not sid:
        raise SendError(f"Twilio accepted the {what} but answered without a SID")
    return sid


def _send_error(exc: Exception, what: str) -> SendError:
    if isinstance(exc, TwilioRestException):
        code = exc.code if isinstance(exc.code, int) else None
        return SendError(f"Twilio refused the {what}: HTTP {exc.status}: {exc.msg}", code=code, status=exc.status)
    if isinstance(exc, TwilioServiceException):
        return SendError(f"Twilio refused the {what}: HTTP {exc.status}: {exc.title}", code=exc.code, status=exc.status)
    return SendError(f"Twilio could not be reached for the {what}: {type(exc).__name__}")
