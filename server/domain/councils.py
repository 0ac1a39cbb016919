"""Councils: each one's staff see only its own cases."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from server.domain import audit
from server.domain.errors import InvalidInput, NotFound
from server.domain.models import Council


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
