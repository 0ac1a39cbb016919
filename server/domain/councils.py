"""Councils: each one's staff see only its own cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from server.domain import audit
from server.domain.errors import InvalidInput, NotFound
from server.domain.models import Council

__all__ = ["Council", "change", "create", "get"]


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
