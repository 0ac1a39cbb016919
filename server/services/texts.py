"""Texts we send, the one use-case module for them: sending one (recorded first, then sent through Twilio, or kept
in the local outbox when there is no account); sending what a unit of work decided once it is saved (an `Outgoing`,
built with `of`, sent by `send_all`); where a sent one got to; and the newest texts for the local outbox listing. The
texting rules around a text that comes in (HELP, START, nothing after a STOP) are part of the turn
(server.services.inbound), decided by server.domain.outbound, which also holds the one value for a text to send
(`outbound.Text`). The words' shape as a text (segments, numbered choices) is easyread.sms_words, not sending.

Each function is its own unit of work; the SMS channel (server/channels/sms/) only translates Twilio's wire
format to and from these.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from starlette.concurrency import run_in_threadpool

from easyread.sms_words import fitted
from server.clients.twilio import SendError, TwilioGateway
from server.domain import closing, outbound
from server.domain.db import read_scope, session_scope
from server.domain.models import Case, iso
from server.settings import get_settings

# Twilio's error for a number that has texted STOP to Twilio itself.
OPTED_OUT = 21610


@lru_cache(maxsize=4)
def _gateway(sid: str, token: str, sender: str, base_url: str | None) -> TwilioGateway:
    return TwilioGateway(sid, token, sender, api_base_url=base_url)


def gateway() -> TwilioGateway | None:
    """The Twilio client for the configured account, or None when there is none (texts go to the outbox)."""
    settings = get_settings()
    if not (settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from_number):
        return None
    return _gateway(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        settings.twilio_from_number,
        settings.twilio_api_base_url,
    )


async def send(case_id: int | None, kind: str, to: str, body: str) -> str:
    """Send one text and return where it got to: queued, outbox, blocked (opted out) or failed."""
    # A long Polish text goes without its accents rather than in more than 3 parts (easyread.sms_words.fitted).
    body = fitted(body)
    with session_scope() as session:
        case = session.get(Case, case_id) if case_id is not None else None
        row = outbound.record(session, case, kind, to, body)
        if row.status == "blocked":
            return "blocked"
        message_id = row.id
    client = gateway()
    if client is None:
        with session_scope() as session:
            outbound.mark(session, message_id, "outbox")
        return "outbox"
    callback = get_settings().public_base_url.rstrip("/") + "/twilio/status"
    try:
        sid = await run_in_threadpool(client.send_sms, to, body, callback)
    except SendError as exc:
        with session_scope() as session:
            if exc.code == OPTED_OUT:
                # Twilio knows of a STOP we missed: remember it so we stop trying.
                outbound.opt_out(session, to, case_id)
            outbound.mark(session, message_id, "blocked" if exc.code == OPTED_OUT else "failed", error_code=exc.code)
        return "failed"
    with session_scope() as session:
        outbound.mark(session, message_id, "queued", sid=sid)
    return "queued"


def delivered(sid: str, status: str, error_code: int | None) -> None:
    """Twilio's word on where a text we sent got to (its status callback); a text that is not ours is ignored."""
    with session_scope() as session:
        outbound.delivery_status(session, sid, status, error_code)


def is_opted_out(phone: str) -> bool:
    with read_scope() as session:
        return outbound.is_opted_out(session, phone)


# -- what a unit of work decided to send, sent once it is saved


@dataclass(frozen=True)
class Outgoing:
    """Plain texts first (a booking, a cancellation, an invitation), then the case's last message, whose delivery
    is recorded on the case."""

    texts: tuple[outbound.Text, ...] = ()
    last: tuple[closing.LastMessage, ...] = ()


NOTHING = Outgoing()


def of(
    texts: list[outbound.Text | None] | None = None, last: list[closing.LastMessage | None] | None = None
) -> Outgoing:
    """An Outgoing without the Nones the domain returns for "nothing to send"."""
    return Outgoing(
        tuple(item for item in texts or [] if item is not None), tuple(item for item in last or [] if item is not None)
    )


async def send_all(outgoing: Outgoing) -> list[str]:
    """Send everything after the commit (or put it in the local outbox); returns where each plain text got to."""
    statuses = [await send(item.case_id, item.kind, item.to, item.body) for item in outgoing.texts]
    for last in outgoing.last:
        # The case's last message: whether it went is recorded on the case (server.domain.closing decides).
        status = await send(last.text.case_id, last.text.kind, last.text.to, last.text.body)
        with session_scope() as session:
            closing.told(session, last.text.case_id, "sms", status)
    return statuses


# -- the local outbox: texts that would have gone out through Twilio when no Twilio account is set


def recent() -> list[dict[str, object]]:
    """The newest texts, whatever happened to them, as the admin's outbox listing shows them."""
    with session_scope() as session:
        return [
            {
                "id": m.id,
                "case_id": m.case_id,
                "kind": m.kind,
                "to": m.to,
                "body": m.body,
                "status": m.status,
                "error_code": m.error_code,
                "at": iso(m.created_at),
            }
            for m in outbound.recent(session)
        ]
