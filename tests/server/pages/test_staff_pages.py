"""Council staff's pages: their cases with status and filters, loading cases from a CSV file (all or nothing,
every problem named by row), saving the list as CSV, and the invite and reserve actions."""

from __future__ import annotations

import csv
import io
import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.domain.db import session_scope
from server.domain.models import Case, OutboundMessage, Preferences
from tests.support import ADMIN, council_with_staff, csrf_of, new_case, page_user, sign_in

GOOD = (
    "reference,theme,phone,priority,language\n"
    "N-1,older_people,+447700900101,primary,en\n"
    "N-2,Unpaid carer,07700 900102,reserve,\n"
    "N-3,older-people,,reserve,\n"
)
BAD = (
    "reference,theme,phone,priority\n"
    "N-1,older_people,+447700900101,primary\n"
    ",older_people,,primary\n"
    "N-3,pensioners,+447700900103,primary\n"
    "N-4,unpaid_carer,12345,maybe\n"
    "N-1,unpaid_carer,,reserve\n"
)


def staff_signed_in(client: TestClient, name: str = "North Council") -> int:
    council = council_with_staff(client, name)
    sign_in(client, page_user(client, "council_staff", council.council_id))
    return council.council_id


def upload(client: TestClient, body: str | bytes) -> object:
    token = csrf_of(client.get("/staff/upload").text)
    data = body.encode() if isinstance(body, str) else body
    return client.post("/staff/upload", data={"csrf_token": token}, files={"file": ("cases.csv", data, "text/csv")})


def count_cases() -> int:
    with session_scope() as session:
        return session.scalar(select(func.count()).select_from(Case)) or 0


def test_a_good_file_adds_every_case(client: TestClient) -> None:
    staff_signed_in(client)
    response = upload(client, GOOD)
    assert response.url.path == "/staff/cases"  # type: ignore[attr-defined]
    page = response.text  # type: ignore[attr-defined]
    assert "We added 3 cases." in page
    for reference in ("N-1", "N-2", "N-3"):
        assert f">{reference}</a>" in page
    assert "Unpaid carer" in page and "Not invited" in page and "No answer yet" in page
    with session_scope() as session:
        phones = dict(session.execute(select(Case.reference, Case.phone)).all())
    assert phones == {"N-1": "+447700900101", "N-2": "+447700900102", "N-3": None}


def test_a_file_with_bad_rows_is_refused_row_by_row_and_nothing_is_stored(client: TestClient) -> None:
    staff_signed_in(client)
    response = upload(client, BAD)
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = response.text  # type: ignore[attr-defined]
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header">([^<]*)</th>\s*<td class="govuk-table__cell">([^<]*)</td>'
        r'\s*<td class="govuk-table__cell">([^<]*)</td>',
        page,
    )
    assert ("3", "reference", "Give a reference.") in rows
    assert ("4", "theme", "pensioners is not a theme we use.") in rows
    assert ("5", "phone", "This is not a real UK phone number.") in rows
    assert ("5", "priority", "Write primary or reserve, not maybe.") in rows
    assert ("6", "reference", "Row 2 has the same reference.") in rows
    assert len(rows) == 5
    assert "We did not add any cases" in page
    assert "12345" not in page, "phone numbers are not repeated back"
    assert count_cases() == 0, "not even the good row 2"


def test_a_reference_already_used_and_a_wrong_header_are_named(client: TestClient) -> None:
    staff_signed_in(client)
    upload(client, GOOD)
    again = upload(client, "reference,theme\nN-1,older_people\n").text  # type: ignore[attr-defined]
    assert "Your council already has a case called N-1." in again
    header = upload(client, "reference,name,theme\nX-1,Jane,older_people\n").text  # type: ignore[attr-defined]
    assert "We do not use a column called name. Take it out." in header
    missing = upload(client, "reference,phone\nX-1,+447700900101\n").text  # type: ignore[attr-defined]
    assert "Add a column called theme." in missing
    assert "This is not a CSV file" in upload(client, b"\xff\xfe\x00\x01garbage").text  # type: ignore[attr-defined]
    assert count_cases() == 3


def test_the_list_filters_and_saves_as_csv_for_the_council_only(client: TestClient) -> None:
    staff_signed_in(client)
    upload(client, GOOD)
    other = council_with_staff(client, "South Council")
    new_case(client, other.staff, "S-1")
    page = client.get("/staff/cases?priority=reserve").text
    assert ">N-2</a>" in page and ">N-3</a>" in page and ">N-1</a>" not in page
    assert "Showing 2 of 3 cases" in page
    assert ">S-1</a>" not in client.get("/staff/cases").text
    assert "No cases match" in client.get("/staff/cases?reference=zzz").text
    assert "Showing 3 of 3" in client.get("/staff/cases?status=nonsense").text, "unknown values are ignored"

    response = client.get("/staff/cases.csv?priority=reserve")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["reference"] for row in rows] == ["N-2", "N-3"]
    assert rows[0]["answer"] == "no_answer" and rows[0]["invitation"] == "not_sent"
    assert "phone" not in rows[0], "no phone numbers in the file"


def test_a_reference_that_looks_like_a_formula_is_saved_as_text(client: TestClient) -> None:
    staff_signed_in(client)
    upload(client, 'reference,theme\n"=HYPERLINK(""x"")",older_people\n')
    assert "'=HYPERLINK" in client.get("/staff/cases.csv").text


def test_staff_never_see_how_the_person_wants_to_meet(client: TestClient) -> None:
    council_id = staff_signed_in(client)
    case = client.post(
        "/api/cases",
        json={"council_id": council_id, "reference": "P-1", "theme": "older_people", "phone": "+447700900111"},
        headers=ADMIN,
    ).json()
    with session_scope() as session:
        session.add(Preferences(case_id=case["id"], how=["video"], support=["bsl"], interpreter_language="Polish"))
    page = client.get(f"/staff/cases/{case['id']}").text + client.get("/staff/cases").text
    for detail in ("British Sign Language", "Video call", "Polish", "+447700900111"):
        assert detail not in page


def test_invite_from_the_case_page_and_another_councils_case_is_missing(client: TestClient) -> None:
    staff_signed_in(client)
    upload(client, GOOD)
    with session_scope() as session:
        case_id = session.scalar(select(Case.id).where(Case.reference == "N-1"))
    page = client.get(f"/staff/cases/{case_id}").text
    response = client.post(f"/staff/cases/{case_id}/invite", data={"csrf_token": csrf_of(page)})
    assert response.url.query == b"done=outbox"
    assert "The invitation is in the outbox." in response.text and "In the outbox" in response.text
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(OutboundMessage)) == 1
    other = council_with_staff(client, "South Council")
    theirs = new_case(client, other.staff, "S-1")
    assert client.get(f"/staff/cases/{theirs['id']}").status_code == 404
    token = csrf_of(page)
    assert client.post(f"/staff/cases/{theirs['id']}/invite", data={"csrf_token": token}).status_code == 404


def test_a_primary_that_said_no_gets_a_reserve_to_invite(client: TestClient) -> None:
    staff_signed_in(client)
    upload(client, GOOD.replace("N-3,older-people,,reserve,", "N-3,older-people,+447700900103,reserve,"))
    with session_scope() as session:
        ids = dict(session.execute(select(Case.reference, Case.id)).all())
    from server.domain import consent
    from server.domain.models import Case as CaseRow

    with session_scope() as session:
        primary = session.get(CaseRow, ids["N-1"])
        assert primary is not None
        notice = consent.notice_version(session, "en", "web", "the words")
        consent.record(
            session,
            primary,
            state="declined",
            given_by="person",
            notice=notice,
            channel="web",
            conversation_id=None,
            actor="test",
        )
    page = client.get(f"/staff/cases/{ids['N-1']}").text
    assert "This person said no." in page and "Find a reserve" in page
    found = client.post(f"/staff/cases/{ids['N-1']}/reserve", data={"csrf_token": csrf_of(page)})
    assert "We suggest N-3. It has the same theme." in found.text
    invited = client.post(
        f"/staff/cases/{ids['N-3']}/invite", data={"csrf_token": csrf_of(page), "return_to": str(ids["N-1"])}
    )
    assert invited.url.path == f"/staff/cases/{ids['N-1']}"
    assert "See N-3" in invited.text
    assert "Reserve for N-1" in client.get("/staff/cases").text


def test_an_id_too_big_for_the_database_is_a_clear_4xx_not_a_server_error(client: TestClient) -> None:
    staff_signed_in(client)
    assert client.get("/staff/cases/99999999999").status_code == 422
    assert client.get("/staff/cases/0").status_code == 422
