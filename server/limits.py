"""Limits that keep one sender from drowning everyone else: messages per phone number, per address and per
chat, in a moving window; and the size of any request body.

The counting is done by the `limits` package (its moving window: a hit is refused while `limit` hits were let
through in the last `RATE_LIMIT_WINDOW_SECONDS`, and a refused hit does not count). Counts are kept in this
process's memory: with several servers, each counts on its own, so a sender gets up to the limit times the number
of servers. Set REDIS_URL and the servers share their counts in Redis instead (keys `casetracking:limit:...`).
Keys are hashes, never the number or address itself.

In memory the package's plain (synchronous) storage counts: a hit is a few list operations with nothing to wait
for. Its asyncio twin sweeps expired hits by handing each key in turn to a worker thread, sweep after sweep, which
with 150 senders cost about 4.5 ms of processor time a hit against 0.3 ms. The plain storage sweeps in a new
thread 10 ms after each burst of hits: here the hit that finds a sweep due does it, at most once a second (`Swept`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from collections.abc import Callable, Mapping
from functools import lru_cache
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from fastapi import Request
from limits import RateLimitItem, RateLimitItemPerSecond
from limits.aio.storage import RedisStorage
from limits.aio.storage.redis.redispy import RedispyBridge
from limits.aio.strategies import MovingWindowRateLimiter
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter as LocalMovingWindow
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from easyread.render import text
from server.settings import get_settings

log = logging.getLogger(__name__)
REDIS_PREFIX = "casetracking:limit"


# How often hits older than their window are swept out of memory, at most.
SWEEP_SECONDS = 1.0


class Swept(MemoryStorage):
    """The package's memory storage, swept of expired hits by the hit that finds a sweep due, at most once every
    SWEEP_SECONDS. The package starts a Timer thread 10 ms after each burst of hits to sweep: starting a thread cost
    0.3 to 0.5 ms of every message on a 2-core virtual machine whose idle processors sleep, more than the counting.
    A sweep is the same work either way, and it holds the interpreter either way."""

    def __init__(self) -> None:
        super().__init__()
        self._sweep_due = 0.0

    # The package's own hook, called before every hit (limits is pinned: requirements.txt).
    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802
        now = time.monotonic()
        if now >= self._sweep_due:
            self._sweep_due = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


@lru_cache(maxsize=16384)
def key_for(kind: str, value: str) -> str:
    """What a window knows a sender by: a hash, so Redis never holds a phone number or an address."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()[:32]


class Limits:
    """The windows the webhooks use; one set per application."""

    def __init__(self) -> None:
        settings = get_settings()
        seconds = settings.rate_limit_window_seconds
        self.items: dict[str, RateLimitItem] = {
            kind: RateLimitItemPerSecond(limit, multiples=seconds)
            for kind, limit in (
                ("number", settings.messages_per_number),
                ("address", settings.messages_per_address),
                ("chat", settings.messages_per_chat),
            )
        }
        # In this process; with REDIS_URL, also what this server counts on its own when Redis cannot be reached,
        # rather than failing every message.
        self._memory = Swept()
        self._local = LocalMovingWindow(self._memory)
        self._redis: RedisStorage | None = None
        self._shared: MovingWindowRateLimiter | None = None
        if settings.redis_url:
            self._redis = RedisStorage("async+" + settings.redis_url, implementation="redispy", key_prefix=REDIS_PREFIX)
            self._shared = MovingWindowRateLimiter(self._redis)

    async def allow(self, kind: str, value: str) -> bool:
        """False when `value` (a phone number, an address, a chat) has sent too much lately."""
        item, key = self.items[kind], key_for(kind, value)
        if self._shared is not None:
            try:
                return await self._shared.hit(item, kind, key)
            except RedisError:
                log.warning("Redis unavailable: abuse limits are counted by this server alone")
        return self._local.hit(item, kind, key)

    async def close(self) -> None:
        self._memory.reset()
        self._memory.timer.cancel()  # its sweep of expired hits
        if self._redis is not None and isinstance(self._redis.bridge, RedispyBridge):
            await self._redis.bridge.storage.aclose()


def limits_of(request: Request) -> Limits:
    found: Limits = request.app.state.limits
    return found


@lru_cache(maxsize=4)
def _networks(trusted: str) -> tuple[bool, tuple[IPv4Network | IPv6Network, ...]]:
    """TRUSTED_PROXIES read once: ("*" trusts every peer) and the addresses or networks, comma separated."""
    parts = [part.strip() for part in trusted.split(",") if part.strip()]
    networks = []
    for part in parts:
        if part == "*":
            continue
        try:
            networks.append(ip_network(part, strict=False))
        except ValueError:
            log.warning("TRUSTED_PROXIES holds something that is not an address or network; it is ignored")
    return "*" in parts, tuple(networks)


def is_trusted_proxy(host: str, trusted: str | None = None) -> bool:
    everyone, networks = _networks(get_settings().trusted_proxies if trusted is None else trusted)
    if everyone:
        return True
    try:
        address = ip_address(host)
    except ValueError:
        return False
    return any(address in network for network in networks)


def _host(hop: str) -> str:
    """An address as a proxy wrote it, without a port ("198.51.100.7:4431", "[2001:db8::7]:443"): one person's
    requests from several ports are one address."""
    hop = hop.strip()
    if hop.startswith("[") and "]" in hop:
        return hop[1 : hop.index("]")]
    if hop.count(":") == 1:
        return hop.split(":", 1)[0]
    return hop


def forwarded_client(peer: str, forwarded_for: list[str], trusted: str | None = None) -> str:
    """The person's own address: the peer, unless the peer is one of our proxies (TRUSTED_PROXIES); then the
    nearest address in X-Forwarded-For that is not one of ours (each proxy appends the address it saw, so the ones
    further left may be anything the sender typed)."""
    if not is_trusted_proxy(peer, trusted):
        return peer
    hops = [_host(hop) for value in forwarded_for for hop in value.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not is_trusted_proxy(hop, trusted):
            return hop
    return hops[0] if hops else peer


def client_address(request: Request) -> str:
    """Who is sending, as limits count them: behind a proxy or load balancer named in TRUSTED_PROXIES, the address
    it forwarded; otherwise the address that connected. (uvicorn is given the same list as its
    forwarded-allow-ips, so when it has already put the person's address in, that address is taken as it is.)"""
    peer = request.client.host if request.client else "unknown"
    return forwarded_client(peer, request.headers.getlist("x-forwarded-for"))


def retry_after() -> dict[str, str]:
    return {"Retry-After": str(get_settings().rate_limit_window_seconds)}


# What a channel answers a request refused at the door with (too big, unreadable): the easy-read words in its own
# wire format, as (body, media type), by path prefix (named in server/app.py); anything else gets JSON.
Refusal = Callable[[str], tuple[bytes, bytes]]


def refusal(key: str, path: str, refusals: Mapping[str, Refusal]) -> tuple[bytes, bytes]:
    """Easy-read words in the shape the caller reads: the channel's own format, else JSON."""
    words = text(key, get_settings().default_language)
    found = [prefix for prefix in refusals if path.startswith(prefix)]
    if found:
        return refusals[max(found, key=len)](words)
    return json.dumps({"detail": words}).encode(), b"application/json"


# A NUL character, as JSON writes it (\u0000 not itself escaped), as a form writes it (%00), or raw.
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_NUL = re.compile(rb"%00")


def has_nul(body: bytes, content_type: bytes) -> bool:
    """Whether a request carries a NUL character. Nobody types one, and PostgreSQL cannot store one in text,
    so it is refused at the door (400) rather than failing deep inside (500)."""
    if content_type.startswith(b"multipart/"):
        return False  # uploaded files are the reader's business
    if b"\x00" in body:
        return True
    if b"json" in content_type:
        return bool(_JSON_NUL.search(body))
    return content_type.startswith(b"application/x-www-form-urlencoded") and bool(_FORM_NUL.search(body))


class BodyCheck:
    """Before the application reads anything: a body over `max_bytes` gets 413; a NUL character anywhere in the
    path, query or body gets 400. Bodies are small (64 KB at most), so each is read here and handed on whole.
    """

    # The staff CSV of selected cases and the long list (file or API) are the larger bodies (about 50 rows, but allow
    # for a whole council's list).
    UPLOADS = ("/staff/upload", "/staff/long-list")
    _LONG_LIST = re.compile(r"/api/councils/\d{1,10}/long-list")

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        refusals: Mapping[str, Refusal] | None = None,
        max_upload_bytes: int = 2_000_000,
    ) -> None:
        self.app, self.max_bytes, self.max_upload_bytes = app, max_bytes, max_upload_bytes
        self.refusals = dict(refusals or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        if "\x00" in path or _FORM_NUL.search(scope.get("query_string", b"")):
            await self._refuse(send, 400, "limits.unreadable", path)
            return
        headers = dict(scope["headers"])
        upload = path in self.UPLOADS or self._LONG_LIST.fullmatch(path) is not None
        limit = self.max_upload_bytes if upload else self.max_bytes
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > limit):
            await self._refuse(send, 413, "limits.too_big", path)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, receive, send)  # gone before it finished sending
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._refuse(send, 413, "limits.too_big", path)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if has_nul(body, headers.get(b"content-type", b"").lower()):
            await self._refuse(send, 400, "limits.unreadable", path)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send, status: int, key: str, path: str) -> None:
        body, media_type = refusal(key, path, self.refusals)
        headers = [(b"content-type", media_type), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
