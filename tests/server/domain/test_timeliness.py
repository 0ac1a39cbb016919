"""Working days: the date a person is promised after a yes counts out weekends and England's bank holidays, so the
team is never due a day before the date we said."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from easyread.dates import spoken_date
from easyread.render import text
from server.domain import cases, councils, timeliness
from server.domain.db import session_scope
from server.domain.tokens import Principal

SYSTEM = Principal(role="admin", council_id=None, actor="admin")


def _promised(said_yes: datetime, language: str = "en") -> tuple[date, str]:
    """The date the team will be in touch by, and the receipt's words, for a yes at `said_yes` (no fieldwork date
    yet, so only the working days count)."""
    with session_scope() as session:
        council = councils.create(session, "North", "admin")
        case = cases.create(
            session,
            SYSTEM,
            council_id=council.id,
            reference="P-1",
            theme="older_people",
            phone="+447700900731",
            language=language,
            priority="primary",
        )
        by = timeliness.contact_by(session, case, said_yes)
    return by, text("consent.receipt", language, by=spoken_date(by, language))


@pytest.mark.usefixtures("settings_env")
def test_a_yes_just_before_christmas_counts_out_the_bank_holidays() -> None:
    # Monday 21 December 2026, 10 working days: Christmas Day (Friday), Boxing Day's substitute (Monday 28) and
    # New Year's Day are not working days, so the date is three days later than weekdays alone would give.
    by, receipt = _promised(datetime(2026, 12, 21, 10, 0, tzinfo=UTC))
    assert by == date(2027, 1, 7)
    assert "a person will contact you by Thursday 7 January to find a time" in receipt


@pytest.mark.usefixtures("settings_env")
def test_a_yes_just_before_easter_counts_out_good_friday_and_easter_monday() -> None:
    by, receipt = _promised(datetime(2027, 3, 25, 16, 0, tzinfo=UTC), "pl")
    assert by == date(2027, 4, 12)
    assert "Ktoś się odezwie do dnia: poniedziałek, 12 kwietnia," in receipt


@pytest.mark.usefixtures("settings_env")
def test_a_yes_in_an_ordinary_fortnight_counts_weekdays_only() -> None:
    by, _ = _promised(datetime(2027, 6, 7, 9, 0, tzinfo=UTC))  # a Monday with no bank holiday in the next 3 weeks
    assert by == date(2027, 6, 21)


def test_bank_holidays_are_englands_with_substitute_days() -> None:
    # Christmas 2027 is a Saturday and Boxing Day a Sunday: the Monday and Tuesday after are bank holidays.
    assert {date(2027, 12, 27), date(2027, 12, 28)} <= timeliness.bank_holidays(2027)
    assert not timeliness.working_day(date(2027, 12, 28))
    # Scotland's 2 January and St Andrew's Day are not England's.
    assert date(2027, 1, 2) not in timeliness.bank_holidays(2027)
    assert date(2026, 11, 30) not in timeliness.bank_holidays(2026)
    assert timeliness.working_days_after(date(2027, 12, 24), 1) == date(2027, 12, 29)
