"""The opt-out rules of texting, and the promise of a text made on a call, decided in the domain."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from server.domain import cases, councils, handoffs, outbound
from server.domain.db import session_scope
from server.domain.models import Handoff
from server.domain.outbound import TextRule
from server.domain.tokens import Principal

ADMIN = Principal(role="admin", council_id=None, actor="admin")
PHONE = "+447700900741"


def test_help_always_then_nothing_after_stop_until_start(settings_env: str) -> None:
    with session_scope() as session:
        assert outbound.rule_for_text(session, PHONE, "HELP", stop=False) is TextRule.HELP
        assert outbound.rule_for_text(session, PHONE, "STOP", stop=True) is TextRule.CONVERSATION
        outbound.text_answered(session, PHONE, None, TextRule.CONVERSATION, stop=True)
        assert outbound.is_opted_out(session, PHONE)
        assert outbound.rule_for_text(session, PHONE, "HELLO", stop=False) is TextRule.SILENT
        assert outbound.rule_for_text(session, PHONE, "HELP", stop=False) is TextRule.HELP
        # A second STOP still reaches the dialogue (it withdraws from wherever the conversation is).
        assert outbound.rule_for_text(session, PHONE, "STOP", stop=True) is TextRule.CONVERSATION
        assert outbound.rule_for_text(session, PHONE, "START", stop=False) is TextRule.STARTED
        outbound.text_answered(session, PHONE, None, TextRule.STARTED, stop=False)
        assert not outbound.is_opted_out(session, PHONE)
        # START from a number that never opted out is for the conversation.
        assert outbound.rule_for_text(session, PHONE, "START", stop=False) is TextRule.CONVERSATION


def test_a_promised_text_that_did_not_go_is_followed_up_by_a_person(settings_env: str) -> None:
    with session_scope() as session:
        council = councils.create(session, "Council P", "admin", date(2099, 1, 1))
        case = cases.create(
            session,
            ADMIN,
            council_id=council.id,
            reference="P-1",
            theme="older_people",
            phone=PHONE,
            language="en",
            priority="primary",
        )
        assert handoffs.promised_text(session, case.id, f"voice:{PHONE}", "voice", "queued")
        assert handoffs.promised_text(session, case.id, f"voice:{PHONE}", "voice", "outbox")
        assert session.scalars(select(Handoff).where(Handoff.case_id == case.id)).first() is None
        assert not handoffs.promised_text(session, case.id, f"voice:{PHONE}", "voice", "failed")
        [handoff] = session.scalars(select(Handoff).where(Handoff.case_id == case.id)).all()
        assert handoff.reason == "asked" and handoff.conversation_id == f"voice:{PHONE}"
