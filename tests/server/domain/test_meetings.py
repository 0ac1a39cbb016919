"""Hand-offs and meetings in the domain: the queue's order, claiming, booking, the calendar file and its link."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy.orm import Session

from easyread.render import text
from server.domain import cases, consent, councils, handoffs, meetings
from server.domain.db import session_scope
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.domain.models import Case, Handoff, Meeting, Preferences
from server.domain.tokens import Principal

ADMIN = Principal(role="admin", council_id=None, actor="admin")
AT = datetime(2099, 3, 3, 14, 0, tzinfo=UTC)  # a Tuesday, in GMT


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


def test_schedule_complete_and_the_case_status(settings_env: str) -> None:
    with session_scope() as session:
        handoff = _ready(session)
        meeting = meetings.schedule(session, handoff, AT, "home", None, "Jo and Sam", "token:1")
        case = session.get(Case, handoff.case_id)
        assert case is not None
        assert (case.status, handoff.status, handoff.claimed_by) == ("scheduled", "scheduled", "token:1")
        assert meeting.at == AT and meeting.status == "scheduled"
        meetings.complete(session, handoff, "token:1")
        assert (case.status, handoff.status, meeting.status) == ("completed", "completed", "completed")
        with pytest.raises(Conflict):
            meetings.cancel(session, handoff, "token:1")


def test_booking_again_moves_the_meeting_and_cancel_calls_it_off(settings_env: str) -> None:
    with session_scope() as session:
        handoff = _ready(session)
        first = meetings.schedule(session, handoff, AT, "phone", None, None, "token:1")
        second = meetings.schedule(session, handoff, AT + timedelta(days=1), "video", None, None, "token:1")
        assert first.status == "cancelled" and second.status == "scheduled"
        assert meetings.current(session, handoff) is second
        cancelled = meetings.cancel(session, handoff, "token:1")
        assert cancelled is second and second.status == "cancelled"
        case = session.get(Case, handoff.case_id)
        assert case is not None and case.status == "answered" and handoff.status == "cancelled"


@pytest.mark.parametrize(
    ("at", "how", "where"),
    [
        (datetime(2099, 3, 3, 14, 0), "phone", None),  # no time zone
        (datetime(2000, 3, 3, 14, 0, tzinfo=UTC), "phone", None),  # in the past
        (AT, "carrier pigeon", None),
        (AT, "elsewhere", "  "),  # somewhere else, but not said where
    ],
)
def test_schedule_refuses_bad_input(settings_env: str, at: datetime, how: str, where: str | None) -> None:
    with session_scope() as session:
        handoff = _ready(session)
        with pytest.raises(InvalidInput):
            meetings.schedule(session, handoff, at, how, where, None, "token:1")


def test_no_meeting_for_someone_who_said_no(settings_env: str) -> None:
    with session_scope() as session:
        handoff = _ready(session)
        case = session.get(Case, handoff.case_id)
        assert case is not None
        notice = consent.notice_version(session, "en", "sms", "the words shown")
        consent.record(
            session, case, state="withdrawn", given_by="person", notice=notice, channel="sms", conversation_id=None,
            actor="person:sms",
        )  # fmt: skip
        with pytest.raises(Conflict):
            meetings.schedule(session, handoff, AT, "phone", None, None, "token:1")


def test_a_scheduling_hand_off_completes_only_with_a_meeting(settings_env: str) -> None:
    with session_scope() as session:
        handoff = _ready(session)
        with pytest.raises(Conflict):
            meetings.complete(session, handoff, "token:1")
        asked = handoffs.request(session, handoff.case_id, None, "asked", "person:web")
        assert meetings.complete(session, asked, "token:1") is None
        assert asked.status == "completed"


def test_confirmation_text_says_the_date_plainly_in_uk_time(settings_env: str) -> None:
    with session_scope() as session:
        handoff = _ready(session)
        summer = datetime(2099, 7, 1, 13, 30, tzinfo=UTC)  # 2:30pm in British Summer Time
        meeting = meetings.schedule(session, handoff, summer, "elsewhere", "The library, High Street", None, "t")
        message = meetings.confirmation(session, meeting)
        assert message is not None
        assert message.to == "+447700900701" and message.kind == "confirmation"
        assert "Wednesday 1 July at 2:30pm" in message.body
        assert "The library, High Street" in message.body
        assert meetings.link_token(meeting.id) in message.body
        assert text("team.how_elsewhere", "en") in message.body


def test_no_text_when_the_person_asked_to_be_contacted_through_their_representative(settings_env: str) -> None:
    with session_scope() as session:
        handoff = _ready(session)
        session.add(
            Preferences(case_id=handoff.case_id, how=[], support=[], days=[], times=[], contact_by="representative")
        )
        meeting = meetings.schedule(session, handoff, AT, "phone", None, None, "token:1")
        assert meetings.confirmation(session, meeting) is None
        assert meetings.view(session, meeting)["confirmation"] == "contact_representative"


def test_the_calendar_file_parses_back_with_the_right_start(settings_env: str) -> None:
    with session_scope() as session:
        handoff = _ready(session)
        meeting = meetings.schedule(session, handoff, AT, "elsewhere", "The library", None, "token:1")
        body = meetings.ics(meeting, "North Council")
        assert meetings.ics(meeting, "North Council") == body  # stable: same file, same UID, every time
        meeting_id = meeting.id
    calendar = icalendar.Calendar.from_ical(body)
    [event] = calendar.events
    assert event.start == AT
    assert event.end == AT + timedelta(hours=1)
    assert str(event["LOCATION"]) == "The library"
    assert str(event["SUMMARY"]) == text("team.calendar_title", "en")
    assert "North Council" in str(event["DESCRIPTION"])
    assert str(event["UID"]).startswith(f"case-tracking-meeting-{meeting_id}-")
    assert b"DTSTART:20990303T140000Z" in body


def test_calendar_link_tokens(settings_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from server.settings import get_settings

    monkeypatch.setenv("SECRET_KEY", "one-key")
    get_settings.cache_clear()
    with session_scope() as session:
        meeting = meetings.schedule(session, _ready(session), AT, "phone", None, None, "token:1")
        token = meetings.link_token(meeting.id)
        assert meetings.by_token(session, token) is meeting
        number, _, signature = token.partition("-")
        # Another meeting's number, an altered signature, none, nothing, not base64, a digit int() refuses ("²").
        for wrong in (
            f"{int(number) + 1}-{signature}",
            f"{number}-x{signature[1:]}",
            number,
            "",
            "1-\u00e9",
            "\u00b2-x",
        ):
            with pytest.raises(NotFound):
                meetings.by_token(session, wrong)
    monkeypatch.setenv("SECRET_KEY", "another-key")
    get_settings.cache_clear()
    assert meetings.link_token(meeting.id) != token


def test_without_a_secret_key_one_is_made_once_and_kept(tmp_path: Path) -> None:
    from server import keys

    path = tmp_path / "var" / "secret_key"
    first = keys._file_secret(path)
    keys._file_secret.cache_clear()
    assert keys._file_secret(path) == first and len(first) >= 32
    assert path.stat().st_mode & 0o077 == 0


def test_meeting_rows_are_kept(settings_env: str) -> None:
    with session_scope() as session:
        handoff = _ready(session)
        meetings.schedule(session, handoff, AT, "phone", None, None, "token:1")
        meetings.schedule(session, handoff, AT + timedelta(hours=2), "phone", None, None, "token:1")
    with session_scope() as session:
        assert [m.status for m in session.query(Meeting).order_by(Meeting.id)] == ["cancelled", "scheduled"]


def test_only_the_claimer_books(settings_env: str) -> None:
    with session_scope() as session:
        handoff = _ready(session)
        handoffs.claim(session, handoff, "token:1")
        with pytest.raises(Conflict):
            meetings.schedule(session, handoff, AT, "phone", None, None, "token:2")
