"""Every datetime column hands back a timezone-aware time in UTC, on SQLite (which stores no zone) and on
PostgreSQL (which answers in the session's zone) alike, whatever zone the time was written in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, select, text

from server.domain import councils
from server.domain.db import session_scope
from server.domain.models import AwareDateTime, Base, Council

LONDON = ZoneInfo("Europe/London")
# 10:30 in London in summer is 09:30 UTC: a zone dropped on the way would show an hour out.
SUMMER_IN_LONDON = datetime(2027, 7, 21, 10, 30, tzinfo=LONDON)


def test_every_datetime_column_is_the_aware_type() -> None:
    columns = [c for table in Base.metadata.sorted_tables for c in table.columns if isinstance(c.type, DateTime)]
    plain = [f"{c.table.name}.{c.name}" for c in columns if not isinstance(c.type, AwareDateTime)]
    aware = [c for table in Base.metadata.sorted_tables for c in table.columns if isinstance(c.type, AwareDateTime)]
    assert plain == [] and len(aware) >= 30


def test_a_time_comes_back_aware_in_utc_whatever_zone_it_was_written_in(settings_env: str) -> None:
    with session_scope() as session:
        council = councils.create(session, "North", "admin")
        council.assessment_closed_at = SUMMER_IN_LONDON
        council_id = council.id
    with session_scope() as session:
        if session.bind is not None and session.bind.dialect.name == "postgresql":
            # PostgreSQL would answer in London time: the type still hands back UTC.
            session.execute(text("SET TIME ZONE 'Europe/London'"))
        found = session.get(Council, council_id)
        assert found is not None and found.assessment_closed_at is not None
        assert found.assessment_closed_at.tzinfo == UTC
        assert found.assessment_closed_at == SUMMER_IN_LONDON
        assert found.assessment_closed_at.hour == 9
        # A default (utcnow) comes back aware too, so it can be compared with now without asking which database.
        assert found.created_at.tzinfo == UTC
        assert datetime.now(UTC) - found.created_at < timedelta(minutes=5)


def test_a_time_written_without_a_zone_is_utc(settings_env: str) -> None:
    with session_scope() as session:
        council = councils.create(session, "North", "admin")
        council.assessment_closed_at = datetime(2027, 1, 5, 12, 0)
        council_id = council.id
    with session_scope() as session:
        found = session.get(Council, council_id)
        assert found is not None
        assert found.assessment_closed_at == datetime(2027, 1, 5, 12, 0, tzinfo=UTC)


def test_comparing_with_a_time_in_another_zone_compares_the_instants(settings_env: str) -> None:
    with session_scope() as session:
        council = councils.create(session, "North", "admin")
        council.assessment_closed_at = datetime(2027, 7, 21, 9, 45, tzinfo=UTC)  # 10:45 in London
        council_id = council.id
    with session_scope() as session:
        # 10:30 London (09:30 UTC) is before 09:45 UTC, though "10:30" is after "09:45" as written.
        later = select(Council.id).where(Council.assessment_closed_at > SUMMER_IN_LONDON)
        assert list(session.scalars(later)) == [council_id]
        earlier = select(Council.id).where(Council.assessment_closed_at < SUMMER_IN_LONDON)
        assert list(session.scalars(earlier)) == []
