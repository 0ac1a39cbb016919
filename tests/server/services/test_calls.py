"""Ringing a person: the service decides who may be rung, and audits what happened."""

from __future__ import annotations

import pytest

from server.domain import audit, consent
from server.domain.db import session_scope
from server.domain.errors import Conflict, InvalidInput
from server.domain.models import Case
from server.domain.tokens import Principal
from server.services import calls
from tests.support import run_coroutine, stored_case

ADMIN = Principal(role="admin", council_id=None, actor="admin")


def _case(reference: str, phone: str | None) -> int:
    with session_scope() as session:
        return stored_case(session, reference, phone).id


def test_nobody_who_said_no_is_rung_and_nothing_is_called_without_an_account(settings_env: str) -> None:
    declined = _case("N-1", "+447700900751")
    with session_scope() as session:
        case = session.get(Case, declined)
        assert case is not None
        notice = consent.notice_version(session, "en", "sms", "the words shown")
        consent.record(
            session,
            case,
            state="declined",
            given_by="person",
            notice=notice,
            channel="sms",
            conversation_id=None,
            actor="p",
        )
    with pytest.raises(Conflict):
        run_coroutine(calls.ring(ADMIN, declined, "http://testserver/twilio/voice"))
    with pytest.raises(InvalidInput):
        run_coroutine(calls.ring(ADMIN, _case("N-2", None), "http://testserver/twilio/voice"))

    reachable = _case("N-3", "+447700900753")
    assert run_coroutine(calls.ring(ADMIN, reachable, "http://testserver/twilio/voice")) == "no_account"
    with session_scope() as session:
        assert [e.action for e in audit.events_for(session, reachable) if e.action.startswith("case.call")] == []


def test_a_call_started_is_audited(twilio_env: object) -> None:
    case_id = _case("N-4", "+447700900754")
    assert run_coroutine(calls.ring(ADMIN, case_id, "http://testserver/twilio/voice")) == "calling"
    with session_scope() as session:
        assert "case.called" in [e.action for e in audit.events_for(session, case_id)]
