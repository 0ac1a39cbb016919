"""Reserves: a primary that says no, stops, or does not answer in time gets a same-theme reserve proposed,
which the council invites with one call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from server.domain import audit, cases, consent, conversations, councils, outbound, reserves
from server.domain.db import session_scope
from server.domain.models import Case
from server.domain.tokens import Principal
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN, council_with_staff

SYSTEM = Principal(role="admin", council_id=None, actor="admin")
INVITED = datetime(2099, 3, 1, 9, 0, tzinfo=UTC)


def _case(
    session: Session,
    council_id: int,
    reference: str,
    theme: str = "older_people",
    priority: str = "primary",
    phone: str = "+447700900721",
) -> Case:
    return cases.create(
        session,
        SYSTEM,
        council_id=council_id,
        reference=reference,
        theme=theme,
        phone=phone,
        language="en",
        priority=priority,
    )


def _refuse(session: Session, case: Case, state: str = "declined") -> None:
    notice = consent.notice_version(session, "en", "sms", "the words shown")
    consent.record(
        session, case, state=state, given_by="person", notice=notice, channel="sms", conversation_id=None, actor="p"
    )


def _invite(session: Session, case: Case, at: datetime = INVITED) -> None:
    outbound.record(session, case, "invite", case.phone or "", "an invitation")
    case.invited_at = at


@pytest.mark.parametrize("state", ["declined", "withdrawn"])
def test_a_refusal_proposes_the_first_free_reserve_of_the_same_council_and_theme(settings_env: str, state: str) -> None:
    with session_scope() as session:
        north = councils.create(session, "North", "admin")
        south = councils.create(session, "South", "admin")
        primary = _case(session, north.id, "P-1")
        _case(session, south.id, "S-R", priority="reserve")  # another council
        _case(session, north.id, "R-OTHER", theme="unpaid_carer", priority="reserve")  # another theme
        invited = _case(session, north.id, "R-INVITED", priority="reserve")
        _invite(session, invited)  # already invited: not proposed again
        first = _case(session, north.id, "R-1", priority="reserve")
        _case(session, north.id, "R-2", priority="reserve")
        assert reserves.propose_for(session, primary) is None  # nothing wrong yet
        _refuse(session, primary, state)
        proposed = reserves.after_refusal(session, primary)
        assert proposed is not None and proposed.id == first.id
        assert first.reserve_for_case_id == primary.id
        assert reserves.proposed_for(session, primary.id) is first
        # Asking again proposes nothing more: the proposed reserve is still in the running.
        assert reserves.after_refusal(session, primary) is None
        assert reserves.propose_reserves(session) == []
        assert "reserve.proposed" in [e.action for e in audit.events_for(session, primary.id)]
        assert "case.proposed_as_reserve" in [e.action for e in audit.events_for(session, first.id)]


def test_a_reserve_that_says_no_makes_way_for_the_next(settings_env: str) -> None:
    with session_scope() as session:
        north = councils.create(session, "North", "admin")
        primary = _case(session, north.id, "P-1")
        first = _case(session, north.id, "R-1", priority="reserve")
        second = _case(session, north.id, "R-2", priority="reserve")
        _refuse(session, primary)
        assert reserves.after_refusal(session, primary) is first
        _invite(session, first)
        _refuse(session, first)
        assert reserves.after_refusal(session, first) is second
        assert second.reserve_for_case_id == primary.id
        assert reserves.proposed_for(session, primary.id) is second
        # No reserves left: nothing to propose, and no error.
        _invite(session, second)
        _refuse(session, second)
        assert reserves.after_refusal(session, second) is None


def test_no_answer_within_the_set_days_proposes_a_reserve(settings_env: str) -> None:
    with session_scope() as session:
        north = councils.create(session, "North", "admin")
        silent = _case(session, north.id, "P-SILENT", phone="+447700900722")
        replied = _case(session, north.id, "P-REPLIED", phone="+447700900723")
        never_invited = _case(session, north.id, "P-NEW", phone="+447700900724")
        _invite(session, silent)
        _invite(session, replied)
        conversation = conversations.get_or_create(session, "sms:+447700900723", "sms", "en", "start")
        conversation.case_id = replied.id
        conversations.store_inbound(session, conversation.id, "hello?", None)
        for n in range(3):
            _case(session, north.id, f"R-{n}", priority="reserve")
        assert reserves.propose_reserves(session, INVITED + timedelta(days=6, hours=23)) == []
        [proposed] = reserves.propose_reserves(session, INVITED + timedelta(days=7))
        assert proposed.reserve_for_case_id == silent.id
        assert never_invited.id not in {c.reserve_for_case_id for c in session.query(Case)}
        assert reserves.propose_reserves(session, INVITED + timedelta(days=30)) == []


def test_the_number_of_days_is_a_setting(settings_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from server.settings import get_settings

    monkeypatch.setenv("RESERVE_AFTER_DAYS", "2")
    get_settings.cache_clear()
    with session_scope() as session:
        north = councils.create(session, "North", "admin")
        silent = _case(session, north.id, "P-1")
        _invite(session, silent)
        reserve = _case(session, north.id, "R-1", priority="reserve")
        assert reserves.propose_reserves(session, INVITED + timedelta(days=2)) == [reserve]


def test_sending_an_invitation_starts_the_clock(settings_env: str) -> None:
    with session_scope() as session:
        north = councils.create(session, "North", "admin")
        case = _case(session, north.id, "P-1")
        assert case.invited_at is None
        outbound.record(session, case, "invite", "+447700900721", "an invitation")
        first = case.invited_at
        assert first is not None
        outbound.record(session, case, "invite", "+447700900721", "again")
        assert case.invited_at == first  # a second invitation does not restart it


def test_declined_primary_shows_its_reserve_to_the_council_who_invite_it(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    north = council_with_staff(client, "North Council")
    south = council_with_staff(client, "South Council")
    team = client.post("/api/tokens", json={"role": "team", "name": "Jo"}, headers=ADMIN).json()["token"]

    def load(reference: str, priority: str, phone: str) -> int:
        body = {"reference": reference, "theme": "unpaid_carer", "phone": phone, "priority": priority}
        response = client.post("/api/cases", json=body, headers=north.staff)
        assert response.status_code == 201, response.text
        return int(response.json()["id"])

    primary = load("P-1", "primary", "+447700900725")
    reserve = load("R-1", "reserve", "+447700900726")
    assert client.get(f"/api/cases/{primary}/reserve", headers=north.staff).status_code == 404
    with session_scope() as session:
        case = session.get(Case, primary)
        assert case is not None
        _refuse(session, case)
        reserves.after_refusal(session, case)

    shown = client.get(f"/api/cases/{primary}/reserve", headers=north.staff)
    assert shown.status_code == 200
    assert shown.json() == {
        "id": reserve,
        "reference": "R-1",
        "theme": "unpaid_carer",
        "for_case_id": primary,
        "invitation": {"status": "not_sent"},
    }
    assert client.get(f"/api/cases/{primary}/reserve", headers={"Authorization": f"Bearer {team}"}).status_code == 200
    assert client.get(f"/api/cases/{primary}/reserve", headers=ADMIN).status_code == 200
    assert client.get(f"/api/cases/{primary}/reserve", headers=south.staff).status_code == 404

    invited = client.post(f"/api/cases/{reserve}/invite", headers=north.staff)
    assert invited.status_code == 200 and invited.json()["invitation"]["status"] == "queued"
    [text] = twilio_env.sms_to("+447700900726")
    assert invited.json()["invite_code"] in text
    assert client.get(f"/api/cases/{primary}/reserve", headers=north.staff).json()["invitation"]["status"] == "queued"


def test_proposing_a_reserve_applies_the_no_answer_rule_and_looking_changes_nothing(client: TestClient) -> None:
    north = council_with_staff(client, "North Council")
    ids = []
    for reference, priority in (("P-1", "primary"), ("R-1", "reserve")):
        body = {"reference": reference, "theme": "older_people", "phone": "+447700900727", "priority": priority}
        ids.append(client.post("/api/cases", json=body, headers=north.staff).json()["id"])
    with session_scope() as session:
        primary = session.get(Case, ids[0])
        assert primary is not None
        _invite(session, primary, datetime.now(UTC) - timedelta(days=8))
    # Looking changes nothing: the rule is applied by the jobs, or on asking with POST.
    assert client.get(f"/api/cases/{ids[0]}/reserve", headers=north.staff).status_code == 404
    proposed = client.post(f"/api/cases/{ids[0]}/reserve", headers=north.staff)
    assert proposed.status_code == 200 and proposed.json()["id"] == ids[1]
    assert client.get(f"/api/cases/{ids[0]}/reserve", headers=north.staff).json() == proposed.json()
