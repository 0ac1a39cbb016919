"""Texts as use cases: sending one (outbox, Twilio, blocked after a STOP) and where it got to, sending what a unit of
work decided once it is saved (a case's last message recorded on the case), and the local outbox listing. The
texting rules around a text that comes in are part of the turn (tests/server/services/test_inbound.py)."""

from __future__ import annotations

from server.domain import audit, closing, outbound
from server.domain.db import session_scope
from server.domain.models import Case
from server.services import texts
from tests.fakes.twilio_api import FakeTwilio
from tests.support import run_coroutine, stored_case

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


def _case(phone: str = PHONE) -> int:
    with session_scope() as session:
        return stored_case(session, "T-1", phone).id


def test_saved_texts_go_plain_ones_first_and_the_last_message_is_recorded_on_the_case(settings_env: str) -> None:
    case_id = _case()
    booked = outbound.Text(case_id, "confirmation", PHONE, "Your meeting is booked.")
    last = closing.LastMessage(outbound.Text(case_id, "closing", PHONE, "Thank you."))
    # The domain's "nothing to send" (None) is left out.
    assert run_coroutine(texts.send_all(texts.of([booked, None], [last, None]))) == ["outbox"]
    listed = texts.recent()
    assert [(m["kind"], m["to"], m["body"], m["status"]) for m in listed] == [
        ("closing", PHONE, "Thank you.", "outbox"),
        ("confirmation", PHONE, "Your meeting is booked.", "outbox"),
    ]
    assert all(m["case_id"] == case_id and m["at"] for m in listed)
    with session_scope() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.closed_told_at is not None
        told = [e for e in audit.events_for(session, case_id) if e.action == "case.closing_message"]
        assert len(told) == 1


def test_a_last_message_to_a_number_that_said_stop_is_not_counted_as_told(settings_env: str) -> None:
    case_id = _case()
    with session_scope() as session:
        outbound.opt_out(session, PHONE, case_id)
    last = closing.LastMessage(outbound.Text(case_id, "closing", PHONE, "Thank you."))
    assert run_coroutine(texts.send_all(texts.of(last=[last]))) == []
    assert [m["status"] for m in texts.recent()] == ["blocked"]
    with session_scope() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.closed_told_at is None


def test_nothing_to_send_sends_nothing(settings_env: str) -> None:
    assert run_coroutine(texts.send_all(texts.NOTHING)) == []
    assert texts.recent() == []
