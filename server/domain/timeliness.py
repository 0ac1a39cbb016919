"""Every case on time: a due-by date per case, at-risk flags, the progress a council and the team see, and the
team's notice when a case becomes at risk.

A case is due CASE_DUE_DAYS_BEFORE_FIELDWORK days before its council's fieldwork date. It is at risk when it is still
in play (not completed, not said no or stopped, not closed; a reserve only once it is proposed or invited) and either
its due-by date is within AT_RISK_DAYS with no meeting booked, or it has had no answer RESERVE_AFTER_DAYS after its
invitation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from easyread.render import text
from server.domain import audit, consent, councils, experts, handoffs, reserves, talks
from server.domain.models import Case, Council, OutboundMessage, as_utc
from server.settings import get_settings

ACTOR = "system:timeliness"
REFUSED = ("declined", "withdrawn")


def _today(now: datetime) -> date:
    return as_utc(now).date()


def due_by(council: Council) -> date | None:
    if council.fieldwork_date is None:
        return None
    return council.fieldwork_date - timedelta(days=get_settings().case_due_days_before_fieldwork)


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """England's bank holidays in `year` (the same days as Wales's), substitute days included: a Christmas Day on a
    Saturday gives the Monday after. A frozen set per year, so threads never share the holidays object while it fills
    itself in."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def working_day(on: date) -> bool:
    return on.weekday() < 5 and on not in bank_holidays(on.year)


def working_days_after(start: date, days: int) -> date:
    """The date `days` working days (Monday to Friday, not a bank holiday in England) after `start`, so the date we
    promise is never a day early."""
    on = start
    while days > 0:
        on += timedelta(days=1)
        if working_day(on):
            days -= 1
    return on


def contact_by(session: Session, case: Case, now: datetime) -> date:
    """When the team gets in touch after a yes, as the person is told: CONTACT_WITHIN_DAYS working days on, but
    never later than the case's due-by date (and never before tomorrow)."""
    today = _today(now)
    promised = working_days_after(today, get_settings().contact_within_days)
    due = due_by(councils.get(session, case.council_id))
    if due is not None:
        promised = max(min(promised, due), today + timedelta(days=1))
    return promised


def _cases(session: Session, council_id: int) -> list[Case]:
    return list(
        session.scalars(
            select(Case)
            .where(Case.council_id == council_id, Case.status != "voided", Case.purged_at.is_(None))
            .order_by(Case.id)
        )
    )


def approached(case: Case) -> bool:
    """Invited, or in touch by any channel (a linked conversation)."""
    return case.invited_at is not None or case.status != "created"


def in_play(session: Session, case: Case) -> bool:
    if case.status in ("completed", "voided") or case.closed_reason is not None or case.purged_at is not None:
        return False
    current = consent.current(session, case.id)
    if current is not None and current.state in REFUSED:
        return False
    # A reserve nobody has asked for yet is a spare, not a case that is late.
    return case.priority == "primary" or case.reserve_for_case_id is not None or approached(case)


def at_risk(session: Session, case: Case, council: Council, now: datetime) -> bool:
    if not in_play(session, case):
        return False
    due = due_by(council)
    if due is not None and (due - _today(now)).days <= get_settings().at_risk_days and case.status != "scheduled":
        return True
    return reserves.why_replace(session, case, now) == "no_answer"


def timing(session: Session, case_id: int, now: datetime) -> dict[str, object]:
    """A case's due-by date (None without a fieldwork date) and whether it is at risk now."""
    case = session.get(Case, case_id)
    assert case is not None
    council = councils.get(session, case.council_id)
    return {"due_by": _iso(due_by(council)), "at_risk": at_risk(session, case, council, now)}


def progress(session: Session, council_id: int, now: datetime) -> dict[str, object]:
    council = councils.get(session, council_id)
    found = _cases(session, council_id)
    needed = talks.target(session, council) or 0
    counts = dict.fromkeys(
        ("approached", "answered", "consented", "scheduled", "completed", "declined", "withdrawn", "no_answer"), 0
    )
    risky: list[int] = []
    reserves_left = 0
    for case in found:
        state = current.state if (current := consent.current(session, case.id)) else "pending"
        was_approached = approached(case)
        replied = reserves.answered(session, case)
        counts["approached"] += was_approached
        counts["answered"] += replied
        counts["consented"] += state == "given"
        counts["scheduled"] += case.status == "scheduled"
        counts["completed"] += case.status == "completed"
        counts["declined"] += state == "declined"
        counts["withdrawn"] += state == "withdrawn"
        counts["no_answer"] += was_approached and not replied
        if at_risk(session, case, council, now):
            risky.append(case.id)
        if (
            case.priority == "reserve"
            and not was_approached
            and case.reserve_for_case_id is None
            and case.closed_reason is None
            and state == "pending"
        ):
            reserves_left += 1
    due = due_by(council)
    return {
        "council_id": council.id,
        "council_name": council.name,
        "needed": needed,
        **counts,
        "at_risk": risky,
        "fieldwork_date": council.fieldwork_date.isoformat() if council.fieldwork_date else None,
        "due_by": due.isoformat() if due else None,
        "reserves_left": reserves_left,
        # The talks target as set on the council (None: the pick's primaries), when it was reached, and the reserves
        # told then (or by staff) that we do not need to talk with them.
        "talks_needed": council.talks_needed,
        "talks_done_at": council.talks_done_at.isoformat() if council.talks_done_at else None,
        "reserves_told": talks.told_count(session, council_id),
        **experts.counts(session, council_id),
    }


def open_councils(session: Session) -> list[int]:
    """Councils whose assessment is open and that have cases: the ones the team's queue shows progress for."""
    with_cases = select(Case.council_id).where(Case.status != "voided", Case.purged_at.is_(None))
    return list(
        session.scalars(
            select(Council.id)
            .where(Council.assessment_closed_at.is_(None), Council.id.in_(with_cases))
            .order_by(Council.fieldwork_date.is_(None), Council.fieldwork_date, Council.id)
        )
    )


@dataclass(frozen=True)
class Notice:
    council_id: int
    case_ids: list[int]


def flag(session: Session, now: datetime) -> list[Notice]:
    """The job: mark cases that became at risk (each once, until it is no longer at risk), open a hand-off for each
    in the team's queue, and write one email-shaped notice per council to the outbox. Clears cases no longer at risk.
    """
    notices = []
    for council in session.scalars(select(Council).where(Council.assessment_closed_at.is_(None)).order_by(Council.id)):
        became = []
        for case in _cases(session, council.id):
            risky = at_risk(session, case, council, now)
            if risky and case.at_risk_since is None:
                case.at_risk_since = now
                became.append(case)
            elif not risky and case.at_risk_since is not None:
                case.at_risk_since = None
        session.flush()
        if not became:
            continue
        for case in became:
            audit.append(session, ACTOR, "case.at_risk", case.id, {"due_by": _iso(due_by(council))})
            handoffs.request(session, case.id, None, "at_risk", ACTOR)
        session.add(
            OutboundMessage(
                case_id=None,
                kind="at_risk",
                channel="email",
                to="team",
                body=notice_body(council, became),
                status="outbox",
            )
        )
        session.flush()
        notices.append(Notice(council.id, [case.id for case in became]))
    return notices


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def notice_body(council: Council, became: list[Case]) -> str:
    """An email to the team, in plain English: which cases, and by when they are due."""
    settings = get_settings()
    due = due_by(council)
    lines = [
        f"To: {settings.team_email}",
        "Subject: " + text("pages.notice_at_risk_subject", "en", count=len(became), council=council.name),
        "",
        text("pages.notice_at_risk_intro", "en", council=council.name),
        "",
        *(f"- {case.reference} ({case.priority})" for case in became),
        "",
        text("pages.notice_at_risk_due", "en", due=due.isoformat())
        if due
        else text("pages.notice_at_risk_no_date", "en"),
        text("pages.notice_at_risk_next", "en"),
    ]
    return "\n".join(lines)
