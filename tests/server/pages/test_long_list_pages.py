"""Council staff's long list page: a CSV with personal data refused whole, row by row; the team's pick shown; contact
details added on a picked case's page."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.domain.db import session_scope
from server.domain.models import Case, LongListRow
from tests.server.rest.test_selection import THEMES, team_token
from tests.support import council_with_staff, csrf_of, page_user, sign_in


def csv_list(count: int = 20, bad: dict[int, str] | None = None) -> str:
    lines = ["reference,theme,primary_need,age_band"]
    for i in range(count):
        need = (bad or {}).get(i, "Personal care")
        lines.append(f"L-{i:03d},{THEMES[i % len(THEMES)]},{need},65-74")
    return "\n".join(lines) + "\n"


def send(client: TestClient, body: str) -> httpx.Response:
    token = csrf_of(client.get("/staff/long-list").text)
    files = {"file": ("list.csv", body.encode(), "text/csv")}
    response: httpx.Response = client.post("/staff/long-list", data={"csrf_token": token}, files=files)
    return response


def test_a_csv_with_personal_data_is_refused_row_by_row_and_nothing_is_kept(client: TestClient) -> None:
    council = council_with_staff(client, "North")
    sign_in(client, page_user(client, "council_staff", council.council_id))
    response = send(client, csv_list(bad={0: "ring 07700 900123", 4: "DOB 1/2/1950"}))
    assert response.status_code == 400
    page = response.text
    assert "This looks like a phone number. Take it out." in page
    assert "This looks like a date of birth. Take it out." in page
    assert "900123" not in page and "1950" not in page
    assert '<th scope="row" class="govuk-table__header">2</th>' in page
    assert '<th scope="row" class="govuk-table__header">6</th>' in page
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(LongListRow)) == 0


def test_a_good_csv_is_kept_then_the_pick_shows_and_contact_details_go_in(client: TestClient) -> None:
    council = council_with_staff(client, "North")
    sign_in(client, page_user(client, "council_staff", council.council_id))
    response = send(client, csv_list())
    assert "We have your list of 20 people." in response.text
    team = team_token(client)
    made = client.post(f"/api/councils/{council.council_id}/selection", json={"seed": 3}, headers=team).json()
    page = client.get("/staff/long-list").text
    assert "The team&#39;s pick" in page or "The team's pick" in page
    for ref in made["primary"] + made["reserve"]:
        assert ref in page
    assert "Not added yet" in page
    with session_scope() as session:
        case_id = session.scalar(select(Case.id).where(Case.reference == made["primary"][0]))
    case_page = client.get(f"/staff/cases/{case_id}").text
    assert "Save contact details" in case_page
    token = csrf_of(case_page)
    bad = client.post(f"/staff/cases/{case_id}/contact", data={"csrf_token": token, "phone": "123", "language": "en"})
    assert bad.status_code == 400 and "Enter a real UK mobile number" in bad.text
    good = client.post(
        f"/staff/cases/{case_id}/contact", data={"csrf_token": token, "phone": "07700900555", "language": "pl"}
    )
    assert good.url.query == b"done=contact" and "We saved the contact details." in good.text
    with session_scope() as session:
        case = session.get(Case, case_id)
        assert case is not None and case.phone == "+447700900555" and case.language == "pl"
    # Once picked, a new list is refused.
    assert send(client, csv_list()).status_code == 409
