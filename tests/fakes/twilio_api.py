"""A local fake of Twilio's REST API, for tests: Twilio cannot be reached from here, and must not be.

`FakeTwilio` serves the two endpoints the service uses, on 127.0.0.1 and a free port, in a background thread:

    POST /2010-04-01/Accounts/{AccountSid}/Messages.json   (To, From, Body, StatusCallback, ...)
    POST /2010-04-01/Accounts/{AccountSid}/Calls.json      (To, From, Url, Method, StatusCallback, ...)

It answers the way Twilio does, closely enough for the official `twilio` library to parse: 201 and a JSON
resource with a fresh "SM..."/"CA..." SID, or 4xx and Twilio's error JSON (401 on wrong credentials, 400 with
code 21610 for an opted-out number, 400 for a missing To/From/Body/Url). Every accepted request is recorded in
`sent`; nothing is delivered anywhere and no status callbacks are made.

    with running_fake_twilio() as fake:
        gateway = TwilioGateway(fake.account_sid, fake.auth_token, FAKE_FROM_NUMBER, api_base_url=fake.base_url)
        gateway.send_sms("+447700900123", "Hello", None)
        assert fake.sms_to("+447700900123") == ["Hello"]
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal, cast
from urllib.parse import parse_qsl, urlsplit

# Made up, in Twilio's shapes. Not credentials of any account.
FAKE_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
FAKE_AUTH_TOKEN = "fake-twilio-auth-token-for-tests"
FAKE_FROM_NUMBER = "+447700900000"

API_VERSION = "2010-04-01"
_PATH = re.compile(rf"^/{API_VERSION}/Accounts/(?P<account>[^/]+)/(?P<resource>Messages|Calls)\.json$")

Kind = Literal["sms", "call"]


@dataclass(frozen=True)
class SentRequest:
    """One request the fake accepted: what Twilio would have sent or dialled."""

    kind: Kind
    sid: str
    to: str
    from_: str
    body: str | None
    """The SMS text; None for calls."""
    url: str | None
    """The TwiML URL Twilio fetches when the call is answered; None for SMS."""
    status_callback: str | None
    params: dict[str, str]
    """Every form field as sent (a repeated field keeps its last value)."""


@dataclass(frozen=True)
class _Failure:
    status: int
    code: int | None
    message: str


class FakeTwilio:
    """A fake Twilio REST API on 127.0.0.1. Thread-safe: the server answers from its own threads."""

    def __init__(self, account_sid: str = FAKE_ACCOUNT_SID, auth_token: str = FAKE_AUTH_TOKEN) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self._lock = threading.Lock()
        self._sent: list[SentRequest] = []
        self._opted_out: set[str] = set()
        self._failures: list[_Failure] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None

    # -- lifecycle

    def start(self) -> None:
        """Listen on 127.0.0.1 and a free port, serving from a daemon thread. Returns once it accepts connections."""
        if self._server is not None:
            raise RuntimeError("FakeTwilio is already running")
        server = _Server(("127.0.0.1", 0), _Handler, fake=self)
        host, port = server.server_address[:2]
        self._base_url = f"http://{host!s}:{port}"
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-twilio", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and close the port: later requests are refused. Safe to call twice."""
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        """Like "http://127.0.0.1:54321", for `client.api.base_url`. Still the old address after stop()."""
        if self._base_url is None:
            raise RuntimeError("FakeTwilio has not been started")
        return self._base_url

    # -- what was sent

    @property
    def sent(self) -> list[SentRequest]:
        """Every accepted SMS and call, oldest first (a copy)."""
        with self._lock:
            return list(self._sent)

    def sms_to(self, number: str) -> list[str]:
        """The bodies of the SMS sent to `number`, oldest first."""
        return [r.body or "" for r in self.sent if r.kind == "sms" and r.to == number]

    def calls_to(self, number: str) -> list[SentRequest]:
        """The calls started to `number`, oldest first."""
        return [r for r in self.sent if r.kind == "call" and r.to == number]

    def clear(self) -> None:
        """Forget what was sent, the opted-out numbers and any pending failures."""
        with self._lock:
            self._sent.clear()
            self._opted_out.clear()
            self._failures.clear()

    # -- behaviour

    def opt_out(self, number: str) -> None:
        """`number` has replied STOP: SMS to it are refused with 400 and code 21610, as Twilio does. Calls still go."""
        with self._lock:
            self._opted_out.add(number)

    def opt_in(self, number: str) -> None:
        """`number` has replied START: SMS to it are accepted again."""
        with self._lock:
            self._opted_out.discard(number)

    def fail_next(self, status: int = 500, code: int | None = None, message: str = "Internal Server Error") -> None:
        """Answer the next Messages/Calls request (after the credentials check) with this error, once.

        Call it several times to fail several requests in a row.
        """
        with self._lock:
            self._failures.append(_Failure(status, code, message))

    # -- the server's side

    def _is_opted_out(self, number: str) -> bool:
        with self._lock:
            return number in self._opted_out

    def _take_failure(self) -> _Failure | None:
        with self._lock:
            return self._failures.pop(0) if self._failures else None

    def _record(self, request: SentRequest) -> None:
        with self._lock:
            self._sent.append(request)


@contextmanager
def running_fake_twilio(account_sid: str = FAKE_ACCOUNT_SID, auth_token: str = FAKE_AUTH_TOKEN) -> Iterator[FakeTwilio]:
    """A started FakeTwilio, stopped on the way out."""
    fake = FakeTwilio(account_sid, auth_token)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], *, fake: FakeTwilio) -> None:
        self.fake = fake
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    # HTTP/1.0: one request per connection, so nothing lingers in a client's pool once the fake stops.
    protocol_version = "HTTP/1.0"

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the tests read `sent`, not an access log."""

    def do_GET(self) -> None:
        self._read_form()
        self._answer_not_found()

    def do_POST(self) -> None:
        fake = cast(_Server, self.server).fake
        form = self._read_form()
        match = _PATH.match(urlsplit(self.path).path)
        if not self._authorised(fake):
            self._error(401, 20003, "Authentication Error - invalid username", headers={"WWW-Authenticate": _REALM})
        elif match is None or match["account"] != fake.account_sid:
            self._answer_not_found()
        elif (failure := fake._take_failure()) is not None:
            self._error(failure.status, failure.code, failure.message)
        elif match["resource"] == "Messages":
            self._create_message(fake, form)
        else:
            self._create_call(fake, form)

    def _create_message(self, fake: FakeTwilio, form: dict[str, str]) -> None:
        to, from_, body = form.get("To", ""), form.get("From", ""), form.get("Body")
        refusal = _message_refusal(form, opted_out=fake._is_opted_out(to))
        if refusal is not None:
            self._error(400, *refusal)
            return
        sid = "SM" + uuid.uuid4().hex
        fake._record(SentRequest("sms", sid, to, from_, body, None, form.get("StatusCallback"), form))
        now = _rfc2822_now()
        uri = f"/{API_VERSION}/Accounts/{fake.account_sid}/Messages/{sid}"
        self._json(
            201,
            {
                "account_sid": fake.account_sid,
                "api_version": API_VERSION,
                "body": body,
                "date_created": now,
                "date_sent": None,
                "date_updated": now,
                "direction": "outbound-api",
                "error_code": None,
                "error_message": None,
                "from": from_,
                "messaging_service_sid": form.get("MessagingServiceSid"),
                "num_media": "0",
                "num_segments": "1",
                "price": None,
                "price_unit": "USD",
                "sid": sid,
                "status": "queued",
                "subresource_uris": {"media": f"{uri}/Media.json"},
                "to": to,
                "uri": f"{uri}.json",
            },
        )

    def _create_call(self, fake: FakeTwilio, form: dict[str, str]) -> None:
        to, from_, url = form.get("To", ""), form.get("From", ""), form.get("Url")
        refusal = _call_refusal(form)
        if refusal is not None:
            self._error(400, *refusal)
            return
        sid = "CA" + uuid.uuid4().hex
        fake._record(SentRequest("call", sid, to, from_, None, url, form.get("StatusCallback"), form))
        now = _rfc2822_now()
        uri = f"/{API_VERSION}/Accounts/{fake.account_sid}/Calls/{sid}"
        self._json(
            201,
            {
                "account_sid": fake.account_sid,
                "annotation": None,
                "answered_by": None,
                "api_version": API_VERSION,
                "caller_name": None,
                "date_created": now,
                "date_updated": now,
                "direction": "outbound-api",
                "duration": None,
                "end_time": None,
                "forwarded_from": None,
                "from": from_,
                "from_formatted": from_,
                "group_sid": None,
                "parent_call_sid": None,
                "phone_number_sid": None,
                "price": None,
                "price_unit": "USD",
                "queue_time": "0",
                "sid": sid,
                "start_time": None,
                "status": "queued",
                "subresource_uris": {
                    "notifications": f"{uri}/Notifications.json",
                    "recordings": f"{uri}/Recordings.json",
                },
                "to": to,
                "to_formatted": to,
                "trunk_sid": None,
                "uri": f"{uri}.json",
            },
        )

    def _read_form(self) -> dict[str, str]:
        """The url-encoded body, always read in full so the client never sees a reset."""
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True))

    def _authorised(self, fake: FakeTwilio) -> bool:
        scheme, _, encoded = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        username, _, password = decoded.partition(":")
        return username == fake.account_sid and password == fake.auth_token

    def _answer_not_found(self) -> None:
        path = urlsplit(self.path).path
        self._error(404, 20404, f"The requested resource {path} was not found")

    def _error(self, status: int, code: int | None, message: str, headers: dict[str, str] | None = None) -> None:
        payload: dict[str, Any] = {"code": code, "message": message, "more_info": None, "status": status}
        if code is not None:
            payload["more_info"] = f"https://www.twilio.com/docs/errors/{code}"
        self._json(status, payload, headers)

    def _json(self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


_REALM = 'Basic realm="Twilio API"'


def _message_refusal(form: dict[str, str], *, opted_out: bool) -> tuple[int, str] | None:
    """Twilio's error code and message for an SMS it would not send, or None."""
    if not form.get("To"):
        return 21604, "A 'To' phone number is required."
    if not form.get("From") and not form.get("MessagingServiceSid"):
        return 21603, "A 'From' phone number is required."
    if not form.get("Body") and not form.get("MediaUrl") and not form.get("ContentSid"):
        return 21602, "Message body is required."
    if opted_out:
        return 21610, "Attempt to send to unsubscribed recipient"
    return None


def _call_refusal(form: dict[str, str]) -> tuple[int, str] | None:
    """Twilio's error code and message for a call it would not start, or None."""
    if not form.get("To"):
        return 21201, "No 'To' number is specified"
    if not form.get("From"):
        return 21213, "No 'From' number is specified"
    if not form.get("Url") and not form.get("Twiml") and not form.get("ApplicationSid"):
        return 21205, "Url parameter is required."
    return None


def _rfc2822_now() -> str:
    """Twilio's date format: "Mon, 06 Jan 2025 10:00:00 +0000"."""
    return format_datetime(datetime.now(UTC))
