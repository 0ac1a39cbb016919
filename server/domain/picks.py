"""The council's standing pick: one query that the long list, the pick and the talks' target all read, kept apart
so that none of them imports another to ask it (the domain has no import cycles)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.models import Selection


def active_selection(session: Session, council_id: int) -> Selection | None:
    """The newest pick of the council that was not voided, or None."""
    return session.scalars(
        select(Selection)
        .where(Selection.council_id == council_id, Selection.voided_at.is_(None))
        .order_by(Selection.id.desc())
        .limit(1)
    ).first()
