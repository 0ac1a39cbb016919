"""Hand-offs to a person on the team: when asked, when the bot cannot understand, when someone may be at risk."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import audit
from server.domain.models import Handoff

REASONS = ("asked", "not_understood")


def request(session: Session, case_id: int, conversation_id: str | None, reason: str, actor: str) -> Handoff:
    """Open a hand-off unless one is already open for this case, so repeats do not flood the team."""
    existing = session.scalars(select(Handoff).where(Handoff.case_id == case_id, Handoff.status == "open")).first()
    if existing is not None:
        return existing
    row = Handoff(case_id=case_id, conversation_id=conversation_id, reason=reason)
    session.add(row)
    session.flush()
    audit.append(session, actor, "handoff.requested", case_id, {"handoff_id": row.id, "reason": reason})
    return row


def open_for(session: Session, case_id: int) -> list[Handoff]:
    return list(session.scalars(select(Handoff).where(Handoff.case_id == case_id, Handoff.status == "open")))
