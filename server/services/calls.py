"""Calls: staff or the team ring a case's person; Twilio calls them and asks /twilio/voice."""

from __future__ import annotations

from typing import Literal

from starlette.concurrency import run_in_threadpool

from server.clients.twilio import SendError
from server.domain import calls
from server.domain.db import session_scope
from server.domain.tokens import Principal
from server.services.texts import gateway

Rung = Literal["calling", "no_account", "failed"]


async def ring(caller: Principal, case_id: int, voice_url: str) -> Rung:
    """Ring the person (never someone who said no or stopped: Conflict; no phone: InvalidInput), audited.

    "no_account" when there is no Twilio account (nobody was called), "failed" when Twilio did not start it."""
    with session_scope() as session:
        phone = calls.number_to_ring(session, caller, case_id)
    twilio = gateway()
    if twilio is None:
        return "no_account"
    try:
        await run_in_threadpool(twilio.start_call, phone, voice_url, None)
    except SendError as exc:
        with session_scope() as session:
            calls.failed(session, caller.actor, case_id, exc.code)
        return "failed"
    with session_scope() as session:
        calls.started(session, caller.actor, case_id)
    return "calling"


async def ring_back(case_id: int, voice_url: str) -> Rung:
    """Ring the number on file for a case after an inbound caller asked for it; the answer is taken on that call."""
    with session_scope() as session:
        phone = calls.ring_back_number(session, case_id)
    twilio = gateway()
    if twilio is None or not phone:
        return "no_account"
    try:
        await run_in_threadpool(twilio.start_call, phone, voice_url, None)
    except SendError as exc:
        with session_scope() as session:
            calls.failed(session, "system:ring_back", case_id, exc.code)
        return "failed"
    with session_scope() as session:
        calls.started(session, "system:ring_back", case_id)
    return "calling"
