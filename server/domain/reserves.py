"""Reserves: when a primary case says no, stops, or does not answer in time, propose a reserve to invite instead.

A reserve is proposed by setting its `reserve_for_case_id` to the primary it would replace. It is a reserve of the
same council and theme that has not been invited and has not been proposed before, the first the council loaded.
If a proposed reserve in turn says no or does not answer, the next one is proposed for the same primary.
The council invites the proposed reserve with the usual `POST /api/cases/{id}/invite`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from server.domain import audit, consent, talks
from server.domain.models import Case, ConsentRecord, Conversation, Council, Message, utcnow
from server.settings import get_settings

REFUSED = ("declined", "withdrawn")
ACTOR = "system:reserves"


def _answered(session: Session, case: Case) -> bool:
    """The person (or someone for them) has replied at all: a consent answer, "not sure", or any message."""
    if case.unsure:
        return True
    if session.scalar(select(exists().where(ConsentRecord.case_id == case.id))):
        return True
    replied = exists().where(
        Message.conversation_id == Conversation.id, Conversation.case_id == case.id, Message.direction == "in"
    )
    return bool(session.scalar(select(replied)))


def answered(session: Session, case: Case) -> bool:
    """The person (or someone for them) has replied at all."""
    return _answered(session, case)


def why_replace(session: Session, case: Case, now: datetime, after_days: int | None = None) -> str | None:
    """Why this case needs someone in its place ("declined", "withdrawn", "no_answer"), or None if it does not."""
    if case.purged_at is not None:
        return None
    current = consent.current(session, case.id)
    if current is not None and current.state in REFUSED:
        return current.state
    days = get_settings().reserve_after_days if after_days is None else after_days
    if case.invited_at is not None and case.invited_at + timedelta(days=days) <= now and not _answered(session, case):
        return "no_answer"
    return None


def proposed_for(session: Session, primary_id: int) -> Case | None:
    """The newest reserve proposed to replace this primary."""
    return session.scalars(
        select(Case).where(Case.reserve_for_case_id == primary_id).order_by(Case.id.desc()).limit(1)
    ).first()


def _still_needed(session: Session, primary: Case, now: datetime) -> str | None:
    """Why the primary needs a (new) reserve: it cannot take part and no proposed reserve is still in the running."""
    reason = why_replace(session, primary, now)
    if reason is None:
        return None
    latest = proposed_for(session, primary.id)
    if latest is not None and why_replace(session, latest, now) is None:
        return None
    return reason


def _candidates(session: Session, primary: Case) -> list[Case]:
    answered = exists().where(ConsentRecord.case_id == Case.id)
    return list(
        session.scalars(
            select(Case)
            .where(
                Case.council_id == primary.council_id,
                Case.theme == primary.theme,
                Case.priority == "reserve",
                Case.id != primary.id,
                Case.reserve_for_case_id.is_(None),
                Case.invited_at.is_(None),
                Case.invite_status == "not_sent",
                Case.purged_at.is_(None),
                ~answered,
            )
            .order_by(Case.id)
        )
    )


def propose_for(session: Session, primary: Case, now: datetime | None = None) -> Case | None:
    """Propose a reserve for one primary if it needs one; returns the reserve now proposed (None if none was)."""
    now = now or utcnow()
    if primary.priority != "primary":
        return None
    # One proposer per primary at a time on PostgreSQL: the check and the proposal happen under the row lock.
    session.execute(select(Case.id).where(Case.id == primary.id).with_for_update())
    reason = _still_needed(session, primary, now)
    council = session.get(Council, primary.council_id)
    if reason is None or (council is not None and talks.reached(session, council)):
        # The council has all the talks it needs: nobody is asked to step in.
        return None
    for reserve in _candidates(session, primary):
        # Only if still free in the database: two proposers cannot hand one reserve to two primaries.
        taken = session.execute(
            update(Case)
            .where(Case.id == reserve.id, Case.reserve_for_case_id.is_(None))
            .values(reserve_for_case_id=primary.id)
            .execution_options(synchronize_session=False)
        )
        if getattr(taken, "rowcount", 0) != 1:
            continue
        session.refresh(reserve)
        audit.append(session, ACTOR, "reserve.proposed", primary.id, {"reserve_case_id": reserve.id, "reason": reason})
        audit.append(session, ACTOR, "case.proposed_as_reserve", reserve.id, {"for_case_id": primary.id})
        return reserve
    return None


def propose_reserves(session: Session, now: datetime | None = None) -> list[Case]:
    """The job: every primary that said no, stopped or has not answered in time gets a reserve proposed."""
    now = now or utcnow()
    primaries = session.scalars(
        select(Case).where(Case.priority == "primary", Case.purged_at.is_(None)).order_by(Case.id)
    ).all()
    proposed = []
    for primary in primaries:
        reserve = propose_for(session, primary, now)
        if reserve is not None:
            proposed.append(reserve)
    return proposed


def after_refusal(session: Session, case: Case) -> Case | None:
    """Call right after a consent record of "declined" or "withdrawn", in the same session.

    For a primary, proposes a reserve at once. For a proposed reserve that says no, proposes the next one for its
    primary. Returns the reserve proposed, if any.
    """
    if case.priority == "primary":
        return propose_for(session, case)
    if case.reserve_for_case_id is not None:
        primary = session.get(Case, case.reserve_for_case_id)
        if primary is not None:
            return propose_for(session, primary)
    return None
