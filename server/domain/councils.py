"""Councils: each one's staff see only its own cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from server.domain import audit
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.domain.models import Council

__all__ = ["Council", "change", "create", "get", "open_for_cases"]


def create(session: Session, name: str, actor: str, fieldwork_date: date | None = None) -> Council:
    """`fieldwork_date`: when the regulator's fieldwork starts; the team schedules the nearest first."""
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("Give the council a name of 1 to 200 characters.", "name")
    council = Council(name=name, fieldwork_date=fieldwork_date)
    session.add(council)
    session.flush()
    audit.append(session, actor, "council.created", None, {"council_id": council.id})
    return council


def get(session: Session, council_id: int) -> Council:
    council = session.get(Council, council_id)
    if council is None:
        raise NotFound("There is no council with that id.", "council_id")
    return council


# Said by the API (409) and the staff pages when a case is asked for after the assessment closed.
CLOSED = "This council's assessment is closed. A case cannot be added to it now: its invitation code would never work."


def open_for_cases(session: Session, council_id: int) -> Council:
    """The council, when its assessment is still open; Conflict (409) when it closed. A case made then would carry
    an invitation code that can never work (codes stop at the close), so the person would only hear "that code did
    not work"."""
    council = get(session, council_id)
    if council.assessment_closed_at is not None:
        raise Conflict(CLOSED, "council_id")
    return council


def change(session: Session, council_id: int, actor: str, **fields: Any) -> Council:
    """Set `fieldwork_date` (a date or None), `report_expected` ("YYYY-MM" or None) or `talks_needed` (a number of
    completed talks, or None for the pick's primaries); audited by field name."""
    council = get(session, council_id)
    for name, value in fields.items():
        if name not in ("fieldwork_date", "report_expected", "talks_needed"):
            raise InvalidInput(f"{name} cannot be changed here.", name)
        setattr(council, name, value)
    session.flush()
    audit.append(session, actor, "council.changed", None, {"council_id": council.id, "fields": sorted(fields)})
    return council
