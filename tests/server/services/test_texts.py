"""Texts as use cases: sending one (outbox, Twilio, blocked after a STOP) and where it got to. The texting rules
around a text that comes in are part of the turn (tests/server/services/test_inbound.py)."""

from __future__ import annotations

from server.domain import outbound
from server.domain.db import session_scope
from server.services import texts
from tests.fakes.twilio_api import FakeTwilio
from tests.support import run_coroutine

PHONE = "+447700900751"


def test_without_an_account_a_text_waits_in_the_outbox(settings_env: str) -> None:
    assert run_coroutine(texts.send(None, "reply", PHONE, "Hello.")) == "outbox"
    with session_scope() as session:
        [row] = outbound.recent(session)
        assert (row.to, row.body, row.status) == (PHONE, "Hello.", "outbox")


def test_a_text_goes_through_twilio_and_its_delivery_is_recorded(twilio_env: FakeTwilio) -> None:
    assert run_coroutine(texts.send(None, "reply", PHONE, "Hello.")) == "queued"
    assert twilio_env.sms_to(PHONE) == ["Hello."]
    with session_scope() as session:
        [row] = outbound.recent(session)
        sid = row.provider_sid
    assert sid
    texts.delivered(sid, "delivered", None)
    # A late "sent" after "delivered" does not hide that it arrived.
    texts.delivered(sid, "sent", None)
    texts.delivered("SM-not-ours", "failed", 30003)
    with session_scope() as session:
        [row] = outbound.recent(session)
        assert row.status == "delivered"


def test_a_number_twilio_knows_said_stop_is_remembered_and_gets_nothing_more(twilio_env: FakeTwilio) -> None:
    twilio_env.opt_out(PHONE)
    assert run_coroutine(texts.send(None, "reply", PHONE, "Hello.")) == "failed"
    assert texts.is_opted_out(PHONE)
    assert run_coroutine(texts.send(None, "reply", PHONE, "Hello again.")) == "blocked"
    assert twilio_env.sms_to(PHONE) == []
