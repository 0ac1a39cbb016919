"""Texts as use cases: sending one (outbox, Twilio, blocked after a STOP), where it got to, and the texting rules
around a text that comes in. The SMS channel only translates to and from these."""

from __future__ import annotations

from server.domain import conversations, outbound
from server.domain.db import session_scope
from server.domain.outbound import TextRule
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


def test_stop_then_start_by_text_opts_out_and_back_in(settings_env: str) -> None:
    conversation = f"sms:{PHONE}"
    stop = texts.incoming(PHONE, conversation, "STOP", True)
    assert stop.rule is TextRule.CONVERSATION and stop.choices == {}
    texts.answered(stop, PHONE, conversation, None, None, ["You will not get any more texts."], {}, True)
    assert texts.is_opted_out(PHONE)
    # After a STOP only START (or HELP) gets an answer; anything else is kept and not answered.
    assert texts.incoming(PHONE, conversation, "HELLO", False).rule is TextRule.SILENT
    start = texts.incoming(PHONE, conversation, "START", False)
    assert start.rule is TextRule.STARTED
    texts.answered(start, PHONE, conversation, None, None, ["Welcome back."], {}, False)
    assert not texts.is_opted_out(PHONE)


def test_the_choices_a_text_offered_are_there_for_the_next_text(settings_env: str) -> None:
    conversation = f"sms:{PHONE}"
    first = texts.incoming(PHONE, conversation, "HELLO", False)
    # A conversation is made when its first message is taken; until then there are no choices to remember.
    assert first.choices == {}
    with session_scope() as session:
        conversations.get_or_create(session, conversation, "sms", "en")
    texts.answered(first, PHONE, conversation, None, None, ["Reply 1 for Yes."], {"1": "/affirm"}, False)
    assert texts.incoming(PHONE, conversation, "1", False).choices == {"1": "/affirm"}
    texts.offered(conversation, {"1": "/deny"})
    assert texts.incoming(PHONE, conversation, "1", False).choices == {"1": "/deny"}
