"""The team's API: the queue, claim, schedule (with the person's confirmation), complete, cancel, calendar files;
and what council staff cannot see."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import icalendar
from fastapi.testclient import TestClient

from easyread.render import text
from server.domain import handoffs
from server.domain.db import session_scope
from server.domain.models import Preferences, Representative
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN, bearer, council_with_staff, new_case

AT = "2099-03-03T14:00:00+00:00"  # a Tuesday: "Tuesday 3 March at 2pm"
PREFERENCE_KEYS = ("how", "support", "interpreter_language", "days", "times", "avoid_dates", "contact_by")


def team_token(http: httpx.Client, name: str = "Jo") -> dict[str, str]:
    response = http.post("/api/tokens", json={"role": "team", "name": name}, headers=ADMIN)
    assert response.status_code == 201, response.text
    return bearer(response.json()["token"])


def ready_case(
    http: httpx.Client, staff: dict[str, str], reference: str, phone: str = "+447700900711", contact_by: str = "text"
) -> tuple[dict[str, Any], int]:
    """A case whose person gave their preferences (as the dialogue records them) and is ready to schedule."""
    case = new_case(http, staff, reference, phone=phone)
    with session_scope() as session:
        session.add(
            Preferences(
                case_id=case["id"],
                how=["phone", "video"],
                support=["bsl", "extra_time"],
                interpreter_language=None,
                days=["tuesday"],
                times=["afternoon"],
                avoid_dates="Not the week of my sister's wedding",
                contact_by=contact_by,
                completed=True,
            )
        )
        session.add(
            Representative(
                case_id=case["id"],
                role="independent_advocate",
                name="Alex Advocate",
                contact="alex@example.org",
                joins_meeting=True,
                on_behalf=False,
            )
        )
        session.flush()
        handoff = handoffs.ready_to_schedule(session, case["id"], "person:sms")
        return case, handoff.id


def council_staff(http: httpx.Client, name: str, fieldwork_date: str) -> dict[str, str]:
    """A council with a fieldwork date, and a token for its staff."""
    council = http.post("/api/councils", json={"name": name, "fieldwork_date": fieldwork_date}, headers=ADMIN)
    assert council.status_code == 201 and council.json()["fieldwork_date"] == fieldwork_date
    body = {"role": "council_staff", "council_id": council.json()["id"], "name": "staff"}
    return bearer(http.post("/api/tokens", json=body, headers=ADMIN).json()["token"])


def all_keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


def test_queue_shows_preferences_and_helpers_most_urgent_first(client: TestClient) -> None:
    team = team_token(client)
    staff_later = council_staff(client, "Later", "2099-06-01")
    staff_sooner = council_staff(client, "Sooner", "2099-04-01")
    later_case, later_id = ready_case(client, staff_later, "L-1", phone="+447700900712")
    sooner_case, sooner_id = ready_case(client, staff_sooner, "S-1", phone="+447700900713")
    with session_scope() as session:
        urgent = handoffs.request(session, later_case["id"], None, "distress", "person:sms", urgent=True)

    response = client.get("/api/handoffs", headers=team)
    assert response.status_code == 200, response.text
    queue = response.json()
    assert [item["id"] for item in queue] == [urgent.id, sooner_id, later_id]
    item = queue[1]
    assert item["case_id"] == sooner_case["id"] and item["council_name"] == "Sooner" and item["theme"] == "older_people"
    assert (item["reason"], item["urgent"], item["status"], item["claimed_by"]) == ("schedule", False, "open", None)
    assert item["consent"]["state"] == "pending"
    assert item["preferences"]["how"] == ["phone", "video"] and item["preferences"]["contact_by"] == "text"
    [helper] = item["representatives"]
    assert helper["role"] == "independent_advocate" and (helper["joins_meeting"], helper["on_behalf"]) == (True, False)
    assert (helper["name"], helper["contact"]) == ("Alex Advocate", "alex@example.org")
    assert item["phone"] == "+447700900713" and item["meeting"] is None
    assert client.get(f"/api/handoffs/{sooner_id}", headers=team).json() == item
    assert client.post("/api/councils", json={"name": "X", "fieldwork_date": "soon"}, headers=ADMIN).status_code == 422


def test_claim_schedule_complete(client: TestClient) -> None:
    jo, sam = team_token(client, "Jo"), team_token(client, "Sam")
    council = council_with_staff(client, "North Council")
    case, handoff_id = ready_case(client, council.staff, "N-1")

    claimed = client.post(f"/api/handoffs/{handoff_id}/claim", headers=jo)
    assert claimed.status_code == 200 and claimed.json()["status"] == "claimed"
    assert claimed.json()["claimed_by_name"] == "Jo"
    assert client.post(f"/api/handoffs/{handoff_id}/claim", headers=jo).status_code == 200
    assert client.post(f"/api/handoffs/{handoff_id}/claim", headers=sam).status_code == 409
    assert client.post("/api/handoffs/999999/claim", headers=jo).status_code == 404

    url = f"/api/handoffs/{handoff_id}/schedule"
    assert client.post(url, json={"at": "2099-03-03T14:00:00", "how": "phone"}, headers=jo).status_code == 422
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert client.post(url, json={"at": past, "how": "phone"}, headers=jo).status_code == 422
    assert client.post(url, json={"at": AT, "how": "by owl"}, headers=jo).status_code == 422
    assert client.post(url, json={"at": AT, "how": "phone"}, headers=sam).status_code == 409

    scheduled = client.post(url, json={"at": AT, "how": "phone", "who": "Jo from the team"}, headers=jo)
    assert scheduled.status_code == 200, scheduled.text
    item = scheduled.json()
    assert item["status"] == "scheduled"
    assert (
        item["meeting"]["at"] == AT and item["meeting"]["how"] == "phone" and item["meeting"]["status"] == "scheduled"
    )
    assert item["meeting"]["confirmation"] == "outbox"
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["status"] == "scheduled"

    completed = client.post(f"/api/handoffs/{handoff_id}/complete", headers=jo)
    assert completed.status_code == 200 and completed.json()["status"] == "completed"
    assert completed.json()["meeting"]["status"] == "completed"
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["status"] == "completed"
    assert client.get("/api/handoffs", headers=jo).json() == []
    assert client.post(f"/api/handoffs/{handoff_id}/cancel", headers=jo).status_code == 409


def test_scheduling_texts_the_person_through_twilio_with_the_plain_date(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    team = team_token(client)
    council = council_with_staff(client, "North Council")
    _, handoff_id = ready_case(client, council.staff, "N-1", phone="+447700900714")
    response = client.post(f"/api/handoffs/{handoff_id}/schedule", json={"at": AT, "how": "video"}, headers=team)
    assert response.status_code == 200, response.text
    assert response.json()["meeting"]["confirmation"] == "queued"
    [body] = twilio_env.sms_to("+447700900714")
    assert "Tuesday 3 March at 2pm" in body
    assert text("team.how_video", "en") in body and text("team.change", "en") in body
    link = response.json()["meeting"]["person_calendar_url"]
    assert link.startswith("http://testserver/meeting/") and link in body


def test_without_twilio_the_confirmation_waits_in_the_outbox(client: TestClient) -> None:
    team = team_token(client)
    council = council_with_staff(client, "North Council")
    case, handoff_id = ready_case(client, council.staff, "N-1", phone="+447700900715")
    client.post(f"/api/handoffs/{handoff_id}/schedule", json={"at": AT, "how": "phone"}, headers=team)
    [sent] = [m for m in client.get("/api/outbox", headers=ADMIN).json() if m["kind"] == "confirmation"]
    assert sent["to"] == "+447700900715" and sent["case_id"] == case["id"] and sent["status"] == "outbox"
    assert "Tuesday 3 March at 2pm" in sent["body"]


def test_a_person_who_wants_contact_through_their_representative_is_not_texted(client: TestClient) -> None:
    team = team_token(client)
    council = council_with_staff(client, "North Council")
    _, handoff_id = ready_case(client, council.staff, "N-1", phone="+447700900716", contact_by="representative")
    item = client.post(f"/api/handoffs/{handoff_id}/schedule", json={"at": AT, "how": "phone"}, headers=team).json()
    assert item["meeting"]["confirmation"] == "contact_representative"
    assert [m for m in client.get("/api/outbox", headers=ADMIN).json() if m["kind"] == "confirmation"] == []


def test_cancel_calls_the_meeting_off_and_tells_the_person(client: TestClient, twilio_env: FakeTwilio) -> None:
    team = team_token(client)
    council = council_with_staff(client, "North Council")
    case, handoff_id = ready_case(client, council.staff, "N-1", phone="+447700900717")
    client.post(f"/api/handoffs/{handoff_id}/schedule", json={"at": AT, "how": "phone"}, headers=team)
    cancelled = client.post(f"/api/handoffs/{handoff_id}/cancel", headers=team)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled" and cancelled.json()["meeting"]["status"] == "cancelled"
    _confirmation, cancellation = twilio_env.sms_to("+447700900717")
    assert "Tuesday 3 March at 2pm" in cancellation and "will not happen" in cancellation
    # One message, and no promise of contact: we do not need to talk with them now (issue 15).
    assert "We do not need to talk with you now." in cancellation
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["status"] == "answered"
    assert client.post(f"/api/handoffs/{handoff_id}/complete", headers=team).status_code == 409


def test_calendar_files_for_the_team_and_the_person(client: TestClient) -> None:
    team = team_token(client)
    council = council_with_staff(client, "North Council")
    _, handoff_id = ready_case(client, council.staff, "N-1")
    assert client.get(f"/api/handoffs/{handoff_id}/calendar.ics", headers=team).status_code == 404
    body = {"at": "2099-03-03T15:00:00+01:00", "how": "elsewhere", "where": "Town library"}
    item = client.post(f"/api/handoffs/{handoff_id}/schedule", json=body, headers=team).json()

    staff_file = client.get(f"/api/handoffs/{handoff_id}/calendar.ics", headers=team)
    assert staff_file.status_code == 200
    assert staff_file.headers["content-type"].startswith("text/calendar")
    [event] = icalendar.Calendar.from_ical(staff_file.content).events
    assert event.start == datetime(2099, 3, 3, 14, 0, tzinfo=UTC)
    assert str(event["LOCATION"]) == "Town library"

    path = urlsplit(item["meeting"]["person_calendar_url"]).path
    person_file = client.get(path)  # no sign-in: the token is the key
    assert person_file.status_code == 200 and person_file.headers["content-type"].startswith("text/calendar")
    assert person_file.content == staff_file.content
    token = path.removeprefix("/meeting/").removesuffix(".ics")
    number, _, signature = token.partition("-")
    assert client.get(f"/meeting/{int(number) + 1}-{signature}.ics").status_code == 404
    assert client.get(f"/meeting/{number}-{'A' * len(signature)}.ics").status_code == 404
    assert client.get(f"/meeting/{number}.ics").status_code == 404


def test_council_staff_cannot_use_the_team_api_or_see_preferences(client: TestClient) -> None:
    team = team_token(client)
    council = council_with_staff(client, "North Council")
    case, handoff_id = ready_case(client, council.staff, "N-1")
    client.post(f"/api/handoffs/{handoff_id}/schedule", json={"at": AT, "how": "phone"}, headers=team)
    staff = council.staff
    assert client.get("/api/handoffs", headers=staff).status_code == 403
    assert client.get(f"/api/handoffs/{handoff_id}", headers=staff).status_code == 403
    for action in ("claim", "complete", "cancel"):
        assert client.post(f"/api/handoffs/{handoff_id}/{action}", headers=staff).status_code == 403
    schedule = client.post(f"/api/handoffs/{handoff_id}/schedule", json={"at": AT, "how": "phone"}, headers=staff)
    assert schedule.status_code == 403
    assert client.get(f"/api/handoffs/{handoff_id}/calendar.ics", headers=staff).status_code == 403
    assert client.get("/api/handoffs").status_code == 401

    # The council sees status only: scheduled, and nothing of the person's needs or their helper's details.
    one = client.get(f"/api/cases/{case['id']}", headers=staff)
    every = client.get("/api/cases", headers=staff)
    assert one.json()["status"] == "scheduled"
    for answer in (one, every):
        assert not all_keys(answer.json()) & {*PREFERENCE_KEYS, "preferences", "representatives", "name", "contact"}
        for secret in ("wedding", "Alex Advocate", "alex@example.org", "bsl", "extra_time"):
            assert secret not in answer.text
