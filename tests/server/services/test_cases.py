"""Case use cases: looking at a reserve changes nothing, proposing one does; an invitation is a text to send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.domain import audit, cases, councils, outbound
from server.domain.db import session_scope
from server.domain.errors import InvalidInput
from server.domain.models import Case
from server.domain.tokens import Principal
from server.services import cases as case_service

ADMIN = Principal(role="admin", council_id=None, actor="admin")


def _load(council_id: int, reference: str, priority: str, phone: str | None = "+447700900731") -> int:
    with session_scope() as session:
        case = cases.create(
            session,
            ADMIN,
            council_id=council_id,
            reference=reference,
            theme="older_people",
            phone=phone,
            language="en",
            priority=priority,
        )
        return case.id


def _actions(case_id: int) -> list[str]:
    with session_scope() as session:
        return [event.action for event in audit.events_for(session, case_id)]


def test_looking_at_a_reserve_writes_nothing_and_proposing_applies_the_no_answer_rule(settings_env: str) -> None:
    with session_scope() as session:
        council_id = councils.create(session, "North", "admin").id
    primary, reserve = _load(council_id, "P-1", "primary"), _load(council_id, "R-1", "reserve")
    with session_scope() as session:
        case = session.get(Case, primary)
        assert case is not None
        outbound.record(session, case, "invite", "+447700900731", "an invitation")
        case.invited_at = datetime.now(UTC) - timedelta(days=30)
    before = _actions(primary)

    assert case_service.reserve(ADMIN, primary) is None
    assert _actions(primary) == before

    proposed = case_service.propose_reserve(ADMIN, primary)
    assert proposed is not None and proposed["id"] == reserve and proposed["for_case_id"] == primary
    assert _actions(primary) == [*before, "reserve.proposed"]
    assert case_service.reserve(ADMIN, primary) == proposed


def test_an_invitation_is_audited_and_returned_as_a_text_to_send(settings_env: str) -> None:
    with session_scope() as session:
        council_id = councils.create(session, "North", "admin").id
    case_id = _load(council_id, "P-1", "primary")
    without_phone = _load(council_id, "P-2", "primary", phone=None)

    outgoing = case_service.invite(ADMIN, case_id)
    [text] = outgoing.texts
    assert (text.case_id, text.kind, text.to) == (case_id, "invite", "+447700900731")
    assert case_service.shown(ADMIN, case_id)["invite_code"] in text.body  # type: ignore[operator]
    assert outgoing.last == ()
    assert "case.invited" in _actions(case_id)
    with session_scope() as session:
        assert outbound.recent(session) == []  # nothing is sent by the service itself

    with pytest.raises(InvalidInput):
        case_service.invite(ADMIN, without_phone)
    assert "case.invited" not in _actions(without_phone)
