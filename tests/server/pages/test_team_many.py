"""The team's page for many councils, and the wish for someone who has had care too on the team's pages: the queue
tags it, the case shows it, the booking form starts ticked and the team can untick it."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from server.domain import handoffs
from server.domain.db import session_scope
from server.domain.models import Meeting, Preferences
from tests.support import ADMIN, bearer, csrf_of, page_user, sign_in


def council(client: TestClient, name: str, fieldwork: date | None) -> dict[str, str]:
    body = {"name": name, "fieldwork_date": fieldwork.isoformat() if fieldwork else None}
    council_id = client.post("/api/councils", json=body, headers=ADMIN).json()["id"]
    token = client.post(
        "/api/tokens", json={"role": "council_staff", "council_id": council_id, "name": "s"}, headers=ADMIN
    ).json()["token"]
    return {"id": str(council_id), **bearer(token)}


def waiting(client: TestClient, staff: dict[str, str], reference: str, phone: str, support: list[str]) -> int:
    headers = {"Authorization": staff["Authorization"]}
    case = client.post(
        "/api/cases", json={"reference": reference, "theme": "older_people", "phone": phone}, headers=headers
    ).json()
    with session_scope() as session:
        session.add(Preferences(case_id=case["id"], how=["phone"], support=support, days=[], times=[], completed=True))
        session.flush()
        return handoffs.ready_to_schedule(session, case["id"], "test").id


def test_the_wish_is_tagged_shown_and_preset_and_the_team_can_untick_it(client: TestClient) -> None:
    north = council(client, "North", date.today() + timedelta(days=40))
    wanted = waiting(client, north, "W-1", "+447700900351", ["easy_read", "lived_experience"])
    plain = waiting(client, north, "W-2", "+447700900352", ["easy_read"])
    sign_in(client, page_user(client, "team"))
    queue = client.get("/team/handoffs").text
    rows = {ref: queue.split(f">{ref}</a>")[1].split("</tr>")[0] for ref in ("W-1", "W-2")}
    assert "Wants someone who has had care" in rows["W-1"] and "Wants someone" not in rows["W-2"]
    assert "Wants someone who has had care and support too" in client.get(f"/team/handoffs/{wanted}").text
    form = client.get(f"/team/handoffs/{wanted}/schedule").text
    assert 'name="expert" type="checkbox" value="yes" checked' in form
    other = client.get(f"/team/handoffs/{plain}/schedule").text
    assert 'name="expert" type="checkbox" value="yes" checked' not in other
    # Unticked by the team (a browser sends no "expert" then): no Expert by Experience.
    values = {"csrf_token": csrf_of(form), "day": "7", "month": "7", "year": "2099", "hour": "14", "minute": "30"}
    values |= {"how": "phone", "where": "", "who": ""}
    assert client.post(f"/team/handoffs/{wanted}/schedule", data=values).status_code == 200
    with session_scope() as session:
        meeting = session.scalars(select(Meeting)).one()
        assert meeting.expert_by_experience is False
    # Moving it, the form shows the meeting as booked: unticked.
    assert 'value="yes" checked' not in client.get(f"/team/handoffs/{wanted}/schedule").text
    # The council's staff see it counted on their progress panel: 1 asked, none arranged.
    staff_client = TestClient(client.app)
    sign_in(staff_client, page_user(client, "council_staff", int(north["id"])))
    panel = staff_client.get("/staff/cases").text
    count = '<span class="app-progress__count">{}</span> <span class="app-progress__label">{}</span>'
    assert count.format(1, "Asked for someone who has had care") in panel
    assert count.format(0, "Someone who has had care is coming") in panel


def test_one_table_of_councils_in_order_with_its_csv_and_a_link_to_each(client: TestClient) -> None:
    soon = date.today() + timedelta(days=30)
    made = {
        "Later": council(client, "Later", soon + timedelta(days=20)),
        "No date": council(client, "No date", None),
        "Sooner": council(client, "Sooner", soon),
        "=Risky": council(client, "=Risky", date.today() + timedelta(days=9)),
    }
    for n, staff in enumerate(made.values()):
        waiting(client, staff, f"R-{n}", f"+44770090036{n}", [])
    # 21 more in one council: the queue shows 20 and a link to all.
    for n in range(21):
        waiting(client, made["Later"], f"L-{n:02d}", f"+4477009004{n:02d}", [])
    sign_in(client, page_user(client, "team"))
    page = client.get("/team/handoffs").text
    assert page.index('id="queue"') < page.index('id="councils"')
    table = page.split('id="councils"')[1]
    order = [name for name in sorted(made, key=lambda n: table.index(f">{n}</a>"))]
    assert order == ["=Risky", "Sooner", "Later", "No date"]
    assert page.split('id="queue"')[1].split("</table>")[0].count("<tr") == 1 + 20
    assert "Show all 25" in page
    assert client.get("/team/handoffs?all=1").text.split('id="councils"')[0].count('href="/team/handoffs/') == 25
    # The CSV: the same rows in the same order; a name like a formula stays plain text.
    response = client.get("/team/councils.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["council"] for row in rows] == ["'=Risky", "Sooner", "Later", "No date"]
    assert rows[0]["at_risk"] == "1" and rows[2]["people_needed"] == "22" and rows[3]["fieldwork_date"] == ""
    # Each council's link shows its own work only.
    later = client.get(f"/team/handoffs?council={made['Later']['id']}").text
    assert "Work to do: Later" in later and ">R-0</a>" in later and ">R-1</a>" not in later
    # Staff cannot see it.
    staff_client = TestClient(client.app)
    sign_in(staff_client, page_user(client, "council_staff", int(made["Later"]["id"])))
    assert staff_client.get("/team/councils.csv").status_code == 403
