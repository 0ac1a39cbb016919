"""The consent record download: real records validate against the JSON Schema in the repo, carry no personal data,
and only staff who can see the case can download it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from server.domain import consent
from server.domain.db import session_scope
from server.domain.models import Case, Meeting
from server.settings import ROOT, get_settings
from tests.support import ADMIN, bearer, council_with_staff, new_case

SCHEMA = json.loads((ROOT / "server" / "schemas" / "consent_record.schema.json").read_text())
PHONE = "+447700900123"
NOTICE = "Case tracking is a chat about your care. Do you want to take part?"


def validate(record: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    validator.validate(record)


def answer(case_id: int, state: str, *, channel: str = "sms", role: str | None = None, text: str = NOTICE) -> str:
    """Record an answer through the real writer, as the dialogue does; returns the notice version."""
    with session_scope() as session:
        case = session.get(Case, case_id)
        assert case is not None
        notice = consent.notice_version(session, "en", channel, text)
        consent.record(
            session,
            case,
            state=state,
            given_by="representative" if role else "person",
            representative_role=role,
            notice=notice,
            channel=channel,
            conversation_id=f"{channel}:{PHONE}" if channel == "sms" else f"{channel}:browser-1",
            actor=f"person:{channel}",
        )
        return notice


def download(client: TestClient, case_id: int, headers: dict[str, str]) -> dict[str, Any]:
    response = client.get(f"/api/cases/{case_id}/consent-record", headers=headers)
    assert response.status_code == 200, response.text
    assert PHONE not in response.text
    body: dict[str, Any] = response.json()
    validate(body)
    return body


def test_the_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_a_case_with_no_answer_yet(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone=PHONE)
    record = download(client, case["id"], council.staff)
    assert record["state"] == "pending"
    assert record["history"] == []
    assert record["notice"] is None
    assert record["reconfirmation"] is None
    assert record["pii_principal_id"] == f"urn:casetracking:case-{case['id']}"


def test_consent_given_then_withdrawn_through_a_representative(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone=PHONE)
    given_on = answer(case["id"], "given")
    withdrawn_on = answer(case["id"], "withdrawn", channel="web", role="independent_advocate", text=NOTICE + " (web)")

    response = client.get(f"/api/cases/{case['id']}/consent-record", headers=council.staff)
    assert response.headers["content-disposition"] == f'attachment; filename="consent-record-case-{case["id"]}.json"'
    record = download(client, case["id"], council.staff)

    assert record["schema_version"] == "1.0"
    assert record["record_id"] == f"urn:casetracking:consent-record:case-{case['id']}"
    assert record["consent_type"] == "explicit"
    assert record["controllers"] == [{"name": "Care Quality Commission", "role": "controller"}]
    assert [p["id"] for p in record["purposes"]] == ["talk-with-assessment-team", "look-at-care-information"]
    assert "not the legal basis for the council's sharing of records" in record["processing_note"]
    assert "STOP" in record["withdrawal"]["method"]
    assert set(record["withdrawal"]["channels"]) == {"voice", "sms", "web"}
    # The current state: who, when, how, on which wording.
    assert record["state"] == "withdrawn"
    assert record["given_by"] == "representative"
    assert record["representative_role"] == "independent_advocate"
    assert record["how"]["channel"] == "web"
    assert record["notice"] == {"version": withdrawn_on, "language": "en", "channel": "web", "text": NOTICE + " (web)"}
    # The full history, oldest first.
    history = record["history"]
    assert [(h["state"], h["channel"], h["given_by"], h["notice_version"]) for h in history] == [
        ("given", "sms", "person", given_on),
        ("withdrawn", "web", "representative", withdrawn_on),
    ]
    assert history[0]["method"] == "answer read back and confirmed"
    assert history[0]["representative_role"] is None
    assert record["at"] == history[-1]["at"]


def test_reconfirmation_comes_from_the_meeting(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone=PHONE)
    answer(case["id"], "given")
    meeting_at = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    with session_scope() as session:
        # Meetings are set up by the team; this stands in for a reminder that got no answer.
        session.add(
            Meeting(
                case_id=case["id"],
                at=meeting_at,
                how="phone",
                where="Flat 2, 10 Example Road",
                who="Sam (inspector)",
                reminder_sent_at=meeting_at - timedelta(days=2),
                reconfirm="no_answer",
                created_by="team",
            )
        )
        stored = session.get(Case, case["id"])
        assert stored is not None
        stored.check_consent_at_start = True
    response = client.get(f"/api/cases/{case['id']}/consent-record", headers=council.staff)
    assert "Example Road" not in response.text and "Sam" not in response.text
    record = download(client, case["id"], council.staff)
    assert record["reconfirmation"] == {
        "status": "no_answer",
        "asked_at": "2026-12-01T10:00:00+00:00",
        "meeting_at": "2026-12-03T10:00:00+00:00",
        "meeting_status": "scheduled",
        "check_consent_at_start": True,
    }


def test_only_staff_who_can_see_the_case_can_download_it(client: TestClient) -> None:
    north = council_with_staff(client, "North Council")
    south = council_with_staff(client, "South Council")
    case = new_case(client, north.staff, "N-1", phone=PHONE)
    answer(case["id"], "given")
    path = f"/api/cases/{case['id']}/consent-record"
    # Another council's case looks like a missing one, exactly as GET /api/cases/{id} does.
    assert client.get(path, headers=south.staff).status_code == 404
    assert client.get(path).status_code == 401
    assert client.get("/api/cases/999999/consent-record", headers=north.staff).status_code == 404
    team = client.post("/api/tokens", json={"role": "team", "name": "team"}, headers=ADMIN).json()["token"]
    assert download(client, case["id"], bearer(team))["state"] == "given"
    assert download(client, case["id"], ADMIN)["state"] == "given"


def test_the_controller_is_a_setting(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone=PHONE)
    monkeypatch.setenv("CONTROLLER_NAME", "The Regulator")
    get_settings.cache_clear()
    assert download(client, case["id"], council.staff)["controllers"][0]["name"] == "The Regulator"


def test_the_schema_refuses_personal_data_and_unknown_states(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone=PHONE)
    answer(case["id"], "given")
    record = download(client, case["id"], council.staff)
    with pytest.raises(jsonschema.ValidationError):
        validate({**record, "phone": PHONE})
    with pytest.raises(jsonschema.ValidationError):
        validate({**record, "state": "maybe"})
    with pytest.raises(jsonschema.ValidationError):
        validate({**record, "given_by": "representative", "representative_role": None})
