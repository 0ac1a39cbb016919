"""The wish to talk with someone who has had care too (an Expert by Experience): a first-class preference.

The person asks for it among the kinds of help (`support` holds "lived_experience"), or in their own words at any
meeting question (dialogue/wishes.py). The team's queue marks it (`expert_by_experience_wanted`), the booking form
starts with the meeting's Expert by Experience flag set from it, and the progress counts how many asked and how many
have one arranged (a meeting booked or held with the flag set).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import audit
from server.domain.models import Case, Meeting, Preferences

WISH = "lived_experience"


def wanted(prefs: Preferences | None) -> bool:
    return prefs is not None and WISH in (prefs.support or [])


def wanted_for(session: Session, case_id: int) -> bool:
    return wanted(session.get(Preferences, case_id))


def note_wish(session: Session, case_id: int, actor: str, stage: str, before_support: bool) -> None:
    """Heard in the person's own words at a meeting question (`stage`, kept in the audit): added to `support`.
    Heard before the question about help is answered (`before_support`), it is kept whatever they answer there (the
    answer would otherwise replace `support`)."""
    prefs = session.get(Preferences, case_id)
    if prefs is None:
        prefs = Preferences(case_id=case_id, how=[], support=[], days=[], times=[])
        session.add(prefs)
    if WISH not in (prefs.support or []):
        prefs.support = sorted({*(prefs.support or []), WISH})
    prefs.expert_wish_pending = before_support
    session.flush()
    audit.append(session, actor, "preferences.expert_wish", case_id, {"stage": stage})


def counts(session: Session, council_id: int) -> dict[str, int]:
    """How many of the council's cases asked for an Expert by Experience, and how many have one arranged."""
    live = (Case.council_id == council_id, Case.status != "voided", Case.purged_at.is_(None))
    supports = session.scalars(select(Preferences.support).join(Case, Case.id == Preferences.case_id).where(*live))
    asked = sum(1 for support in supports if WISH in (support or []))
    arranged = session.scalars(
        select(Meeting.case_id)
        .join(Case, Case.id == Meeting.case_id)
        .where(*live, Meeting.expert_by_experience.is_(True), Meeting.status.in_(("scheduled", "completed")))
        .distinct()
    ).all()
    return {"expert_by_experience_asked": asked, "expert_by_experience_arranged": len(arranged)}
