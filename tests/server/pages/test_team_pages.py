"""The team's pages: the queue, a hand-off with everything about the case, and booking its meeting in UK time."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient
from sqlalchemy import select

from server.domain import handoffs
from server.domain.db import session_scope
from server.domain.models import Meeting, Preferences, Representative
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN, council_with_staff, csrf_of, new_case, page_user, sign_in


def ready(client: TestClient, reference: str = "T-1", phone: str = "+447700900301") -> int:
    """A case whose person gave their preferences and is waiting for the team; returns the hand-off id."""
    council = council_with_staff(client, f"Council {reference}")
    case = new_case(client, council.staff, reference, phone=phone)
    with session_scope() as session:
        session.add(
            Preferences(
                case_id=case["id"],
                how=["home"],
                support=["bsl", "breaks"],
                days=["tuesday"],
                times=["morning"],
                contact_by="text",
                completed=True,
            )
        )
        session.add(
            Representative(
                case_id=case["id"],
                role="family_member",
                name="Sam",
                contact="+447700900399",
                joins_meeting=True,
                on_behalf=False,
            )
        )
        session.flush()
        return handoffs.ready_to_schedule(session, case["id"], "test").id


def test_the_queue_and_the_case_show_the_team_everything(client: TestClient) -> None:
    handoff_id = ready(client)
    sign_in(client, page_user(client, "team"))
    assert client.get("/team", follow_redirects=False).headers["location"] == "/team/handoffs"
    queue = client.get("/team/handoffs").text
    assert f'href="/team/handoffs/{handoff_id}">T-1</a>' in queue and "Ready to book" in queue and "Nobody yet" in queue
    page = client.get(f"/team/handoffs/{handoff_id}").text
    for shown in (
        "Face to face at home",
        "British Sign Language interpreter",
        "Breaks",
        "Tuesday",
        "Morning",
        "Family",
        "Sam",
        "+447700900399",
        "+447700900301",
    ):
        assert shown in page, shown
    assert client.get("/team/handoffs/99999").status_code == 404


def test_claim_then_book_in_uk_time_and_the_person_is_texted(client: TestClient, twilio_env: FakeTwilio) -> None:
    handoff_id = ready(client, phone="+447700900302")
    email = page_user(client, "team")
    sign_in(client, email)
    page = client.get(f"/team/handoffs/{handoff_id}").text
    claimed = client.post(f"/team/handoffs/{handoff_id}/claim", data={"csrf_token": csrf_of(page)})
    assert "You have taken this on." in claimed.text and f"{email} has taken this on." in claimed.text
    assert client.get(f"/api/handoffs/{handoff_id}", headers=ADMIN).json()["claimed_by_name"] == email

    form = client.get(f"/team/handoffs/{handoff_id}/schedule").text
    assert 'value="home" checked' in form, "their one choice is picked already"
    values = {
        "csrf_token": csrf_of(form),
        "day": "7",
        "month": "7",
        "year": "2099",
        "hour": "14",
        "minute": "30",
        "how": "home",
        "where": "",
        "who": "Jo from the team",
    }
    booked = client.post(f"/team/handoffs/{handoff_id}/schedule", data=values)
    assert booked.url.path == f"/team/handoffs/{handoff_id}"
    assert "The meeting is booked. We have told the person." in booked.text
    with session_scope() as session:
        meeting = session.scalars(select(Meeting)).one()
        at = meeting.at if meeting.at.tzinfo else meeting.at.replace(tzinfo=UTC)
    assert at == datetime(2099, 7, 7, 13, 30, tzinfo=UTC), "14:30 in a British summer is 13:30 UTC"
    assert any("2:30pm" in sms for sms in twilio_env.sms_to("+447700900302"))
    assert "Tuesday 7 July at 2:30pm" in booked.text


def test_the_schedule_form_names_each_mistake(client: TestClient) -> None:
    handoff_id = ready(client)
    sign_in(client, page_user(client, "team"))
    form = client.get(f"/team/handoffs/{handoff_id}/schedule").text
    bad = {
        "csrf_token": csrf_of(form),
        "day": "31",
        "month": "2",
        "year": "2099",
        "hour": "25",
        "minute": "00",
        "how": "elsewhere",
        "where": "",
        "who": "",
    }
    response = client.post(f"/team/handoffs/{handoff_id}/schedule", data=bad)
    assert response.status_code == 400
    for message in ("Enter a real date", "Enter a real time, like 14 30", "Say where the meeting is"):
        assert message in response.text
    past = {**bad, "day": "1", "month": "1", "year": "2001", "hour": "10", "how": "phone"}
    assert "The meeting must be in the future" in client.post(f"/team/handoffs/{handoff_id}/schedule", data=past).text
    with session_scope() as session:
        assert session.scalars(select(Meeting)).first() is None


def test_someone_else_cannot_take_a_claimed_hand_off(client: TestClient) -> None:
    handoff_id = ready(client)
    sign_in(client, page_user(client, "team", email="first@example.org"))
    client.post(f"/team/handoffs/{handoff_id}/claim", data={"csrf_token": csrf_of(client.get("/team/handoffs").text)})
    client.cookies.clear()
    sign_in(client, page_user(client, "team", email="second@example.org"))
    page = client.get(f"/team/handoffs/{handoff_id}").text
    assert "first@example.org has taken this on." in page and "Take this on" not in page
    refused = client.post(f"/team/handoffs/{handoff_id}/claim", data={"csrf_token": csrf_of(page)})
    assert refused.status_code == 409 and "Someone else on the team has claimed this" in refused.text


def test_book_with_an_expert_by_experience_and_complete_sends_the_thank_you(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    from easyread.render import text
    from easyread.sms_words import plain

    handoff_id = ready(client, phone="+447700900303")
    sign_in(client, page_user(client, "team"))
    form = client.get(f"/team/handoffs/{handoff_id}/schedule").text
    assert 'name="expert"' in form
    values = {"csrf_token": csrf_of(form), "day": "7", "month": "7", "year": "2099", "hour": "14", "minute": "30"}
    values |= {"how": "phone", "where": "", "who": "", "expert": "yes"}
    booked = client.post(f"/team/handoffs/{handoff_id}/schedule", data=values)
    assert "Someone who has had care and support is coming" in booked.text
    [confirmation] = twilio_env.sms_to("+447700900303")
    assert plain(text("closing.expert", "en")) in confirmation
    done = client.post(f"/team/handoffs/{handoff_id}/complete", data={"csrf_token": csrf_of(booked.text)})
    assert "Marked as done." in done.text
    assert twilio_env.sms_to("+447700900303")[-1].startswith(plain(text("closing.thank_you", "en")))
