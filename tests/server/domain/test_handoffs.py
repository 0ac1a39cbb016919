"""Hand-offs in the domain: the team's queue order, one scheduling hand-off per case, requests for a person, claims."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from server.domain import cases, councils, handoffs
from server.domain.db import session_scope
from server.domain.errors import Conflict
from server.domain.models import Case, Handoff
from server.domain.tokens import Principal

ADMIN = Principal(role="admin", council_id=None, actor="admin")


def _case(session: Session, council_id: int, reference: str, phone: str | None = "+447700900701") -> Case:
    return cases.create(
        session,
        ADMIN,
        council_id=council_id,
        reference=reference,
        theme="older_people",
        phone=phone,
        language="en",
        priority="primary",
    )


def _ready(session: Session, fieldwork: date | None = None, reference: str = "R-1") -> Handoff:
    council = councils.create(session, f"Council {reference}", "admin", fieldwork)
    case = _case(session, council.id, reference)
    return handoffs.ready_to_schedule(session, case.id, "person:sms")


def test_queue_is_urgent_first_then_nearest_fieldwork_then_oldest(settings_env: str) -> None:
    with session_scope() as session:
        later = _ready(session, date(2099, 5, 1), "LATER")
        undated = _ready(session, None, "UNDATED")
        sooner = _ready(session, date(2099, 4, 1), "SOONER")
        sooner_case = session.get(Case, sooner.case_id)
        assert sooner_case is not None
        newer_case = _case(session, sooner_case.council_id, "SOONER-2")
        same_council_newer = handoffs.ready_to_schedule(session, newer_case.id, "person:sms")
        urgent = handoffs.request(session, later.case_id, None, "distress", "person:web", urgent=True)
        order = [h.id for h in handoffs.queue(session)]
    assert order == [urgent.id, sooner.id, same_council_newer.id, later.id, undated.id]


def test_ended_hand_offs_leave_the_queue(settings_env: str) -> None:
    with session_scope() as session:
        done = _ready(session, None, "DONE")
        handoffs.cancel(session, done, "token:1")
        kept = _ready(session, None, "KEPT")
        assert [h.id for h in handoffs.queue(session)] == [kept.id]


def test_ready_to_schedule_opens_one_per_case(settings_env: str) -> None:
    with session_scope() as session:
        first = _ready(session)
        again = handoffs.ready_to_schedule(session, first.case_id, "person:sms")
        assert again.id == first.id
        handoffs.cancel(session, first, "token:1")
        # Once that one has ended, a new one can open (the person filled in their preferences again).
        assert handoffs.ready_to_schedule(session, first.case_id, "person:sms").id != first.id


def test_a_request_for_a_person_is_not_swallowed_by_scheduling_and_urgency_is_kept(settings_env: str) -> None:
    with session_scope() as session:
        schedule = _ready(session)
        asked = handoffs.request(session, schedule.case_id, "c1", "asked", "person:web")
        assert asked.id != schedule.id and asked.reason == "asked"
        again = handoffs.request(session, schedule.case_id, "c1", "distress", "person:web", urgent=True)
        assert again.id == asked.id and again.urgent


def test_claim_is_exclusive(settings_env: str) -> None:
    with session_scope() as session:
        handoff = _ready(session)
        handoffs.claim(session, handoff, "token:1")
        assert (handoff.status, handoff.claimed_by) == ("claimed", "token:1")
        handoffs.claim(session, handoff, "token:1")  # again by the same person: fine
        with pytest.raises(Conflict):
            handoffs.claim(session, handoff, "token:2")
        with pytest.raises(Conflict):
            handoffs.cancel(session, handoff, "token:2")
