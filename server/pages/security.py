"""What keeps the pages safe: security headers on every answer, the signed session cookie, and CSRF tokens.

- Headers: a Content Security Policy with no inline script or style (the pages have none), no framing, no sniffing,
  and the address kept from other sites (invitation links carry a code).
- Session: the cookie holds a random token signed with the server's key (itsdangerous); the database keeps only
  the token's hash (server.domain.users). HttpOnly, SameSite=Lax, and Secure when the public address is https.
- CSRF: every form carries a token that is the server's keyed hash (server.keys.keyed_hash) of the browser's
  session (or, before sign-in, of a random pre-session cookie). A POST without the right token, or from another
  site's page, is refused with 403.
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.datastructures import FormData
from starlette.responses import Response

from server.keys import keyed_hash, secret_key
from server.settings import get_settings

SESSION_COOKIE = "ct_session"
PRE_SESSION_COOKIE = "ct_pre"
CSRF_FIELD = "csrf_token"
# Swagger UI loads its own script and styles; it has no forms of ours and keeps FastAPI's defaults.
NO_CSP = ("/docs", "/redoc")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy() -> str:
    # The chat's "Listen" audio is addressed by the public address, which may differ from the one the page is on.
    media = f"'self' {_origin(get_settings().public_base_url)}"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        f"connect-src 'self'; media-src {media}; object-src 'none'; base-uri 'self'; form-action 'self'; "
        "frame-ancestors 'none'"
    )


class SecurityHeaders:
    """Pure ASGI middleware (no buffering of bodies), so streaming answers pass through untouched."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        extra = [
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        ]
        if not path.startswith(NO_CSP):
            extra.append((b"content-security-policy", content_security_policy().encode()))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in extra if name not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


# -- the key


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key(), salt=f"case-tracking-{purpose}")


# -- cookies


def secure_cookies() -> bool:
    return get_settings().public_base_url.lower().startswith("https://")


def _set_cookie(response: Response, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(name, value, max_age=max_age, path="/", secure=secure_cookies(), httponly=True, samesite="lax")


def session_token(request: Request) -> str | None:
    """The session token from the signed cookie, or None (missing or tampered with)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        value = _serializer("session").loads(raw)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


def set_session(response: Response, token: str, hours: int) -> None:
    _set_cookie(response, SESSION_COOKIE, _serializer("session").dumps(token), hours * 3600)
    response.delete_cookie(PRE_SESSION_COOKIE, path="/")


def clear_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", secure=secure_cookies(), httponly=True, samesite="lax")


def _pre_session(request: Request) -> str | None:
    raw = request.cookies.get(PRE_SESSION_COOKIE)
    if not raw:
        return None
    try:
        value = _serializer("pre-session").loads(raw)
    except BadSignature:
        return None
    return value if isinstance(value, str) else None


# -- CSRF


def _mac(kind: str, value: str) -> str:
    # The server's keyed hash (server.keys), under its own purpose, so a CSRF token is worth nothing elsewhere.
    return keyed_hash(f"csrf:{kind}", value)


def csrf_token(request: Request) -> str:
    """The token for forms on this page. Before sign-in it is tied to a pre-session cookie, made here if missing."""
    token = session_token(request)
    if token:
        return _mac("session", token)
    nonce = _pre_session(request)
    if nonce is None:
        nonce = secrets.token_urlsafe(24)
        # The page's answer sets the cookie (server.pages.common.render reads this).
        request.state.new_pre_session = _serializer("pre-session").dumps(nonce)
    return _mac("pre", nonce)


def remember_pre_session(request: Request, response: Response) -> None:
    cookie = getattr(request.state, "new_pre_session", None)
    if cookie:
        _set_cookie(response, PRE_SESSION_COOKIE, cookie, None)


def _same_site(request: Request) -> bool:
    """A browser says where a form came from: another site's page may not post here (as well as the token)."""
    origin = request.headers.get("origin")
    if origin is None or origin == "null":
        return origin is None
    allowed = {_origin(str(request.base_url)), _origin(get_settings().public_base_url)}
    return origin.rstrip("/") in allowed


def csrf_ok(request: Request, form: FormData) -> bool:
    sent = form.get(CSRF_FIELD)
    if not isinstance(sent, str) or not sent or not _same_site(request):
        return False
    token = session_token(request)
    if token:
        return secrets.compare_digest(sent, _mac("session", token))
    nonce = _pre_session(request)
    return nonce is not None and secrets.compare_digest(sent, _mac("pre", nonce))
