"""Hand-off use cases, shared by the API and the team's pages: each change is saved first and returns what to send."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from server.domain import handoffs, outbound
from server.domain.db import session_scope
from server.domain.tokens import Principal
from server.services import handoffs as handoff_service
from server.services import texts
from tests.support import run_coroutine, stored_case

JO = Principal(role="team", council_id=None, actor="token:jo")


def _ready() -> int:
    with session_scope() as session:
        case = stored_case(session, "N-1", "+447700900741")
        return handoffs.ready_to_schedule(session, case.id, "person:sms").id


def test_booking_saves_the_meeting_and_returns_the_confirmation_unsent(settings_env: str) -> None:
    handoff_id = _ready()
    at = datetime.now(UTC) + timedelta(days=7)
    outgoing = handoff_service.book(JO, handoff_id, at, "phone", None, None)
    [confirmation] = outgoing.texts
    assert (confirmation.kind, confirmation.to) == ("confirmation", "+447700900741")
    assert outgoing.last == ()
    shown = handoff_service.shown(handoff_id)
    assert shown["status"] == "scheduled" and shown["meeting"]["how"] == "phone"
    with session_scope() as session:
        assert outbound.recent(session) == []


def test_cancelling_scheduling_closes_the_case_with_one_last_message(settings_env: str) -> None:
    handoff_id = _ready()
    handoff_service.book(JO, handoff_id, datetime.now(UTC) + timedelta(days=7), "video", None, None)
    outgoing = handoff_service.cancel(JO, handoff_id)
    # The last message says the booked meeting will not happen: no separate cancellation text.
    assert outgoing.texts == () and len(outgoing.last) == 1
    assert run_coroutine(texts.send_all(outgoing)) == []
    with session_scope() as session:
        [sent] = outbound.recent(session)
        assert (sent.kind, sent.to, sent.status) == ("closing", "+447700900741", "outbox")
    assert handoff_service.shown(handoff_id)["status"] == "cancelled"
