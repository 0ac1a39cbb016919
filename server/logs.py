"""The server's logs: one JSON object per line on stderr, and no personal data. The only logging configuration.

What never goes in a log: phone numbers, names, invitation codes, anything a person typed or was sent. So:
- uvicorn's access log is off (paths carry invitation codes: /start/<code>); `request_logged` logs the route's
  template instead (/start/{invite_code}), with the status and the time taken;
- an exception is logged by its type and where it happened, never its message (a database error's message
  holds the statement's parameters: numbers, texts);
- libraries that log what they send (twilio logs request headers and parameters, httpx every URL) only warn;
- anything that still looks like a UK phone number is masked, as a last line of defence.
Code logs counts, ids and kinds (`log.info("jobs ran", extra={"asked": 2})`): `extra` fields become keys.
"""

from __future__ import annotations

import json
import logging
import re
import time
import traceback
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# +447700900123, 447700900123, 07700 900123, 07700900123, +44 7700 900123 (and other UK numbers alike).
PHONE = re.compile(r"(?:\+?44\s?|\b0)\d{2,4}\s?\d{3}\s?\d{3,4}\b")
# Attributes every LogRecord has, and uvicorn's copy of its message in terminal colours.
_SKIP = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}
QUIET = ("twilio", "httpx", "httpcore", "urllib3", "asyncio", "multipart", "python_multipart")


def mask(text: str) -> str:
    return PHONE.sub("[phone]", text)


def _where(exc: BaseException) -> list[str]:
    """The frames an exception passed through, as file:line in function, without its message or any value."""
    frames = traceback.extract_tb(exc.__traceback__)
    return [f"{'/'.join(f.filename.rsplit('/', 2)[-2:])}:{f.lineno} in {f.name}" for f in frames][-8:]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for key, value in vars(record).items():
            if key not in _SKIP and not key.startswith("_"):
                entry[key] = value if isinstance(value, int | float | bool) or value is None else mask(str(value))
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            entry["error"] = type(exc).__qualname__
            entry["where"] = _where(exc)
            if exc.__cause__ is not None:
                entry["cause"] = type(exc.__cause__).__qualname__
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON on stderr for everything the server process logs, uvicorn's own lines included. Safe to call twice."""
    root = logging.getLogger()
    if not any(isinstance(h.formatter, JsonFormatter) for h in root.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        # uvicorn prints plain text through its own handlers: send its lines through ours instead.
        uvicorn = logging.getLogger(name)
        uvicorn.handlers.clear()
        uvicorn.propagate = True
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)


requests_log = logging.getLogger("server.requests")


class RequestLog:
    """One line per request: method, route template, status, milliseconds. Never the path itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = scope.get("route")
            requests_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "route": getattr(route, "path", None) or "unmatched",
                    "status": status,
                    "ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
