"""Councils: an admin creates one; the admin or the team set its fieldwork date and report month."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.domain import councils, talks
from server.domain.db import session_scope
from server.domain.tokens import Principal
from server.services.texts import Outgoing, of


def _view(council: councils.Council) -> dict[str, object]:
    return {
        "id": council.id,
        "name": council.name,
        "fieldwork_date": council.fieldwork_date,
        "report_expected": council.report_expected,
        "talks_needed": council.talks_needed,
    }


def create(caller: Principal, name: str, fieldwork_date: date | None, report_expected: str | None) -> dict[str, object]:
    with session_scope() as session:
        council = councils.create(session, name, caller.actor, fieldwork_date)
        if report_expected:
            councils.change(session, council.id, caller.actor, report_expected=report_expected)
        return _view(council)


def change(caller: Principal, council_id: int, **fields: Any) -> tuple[dict[str, object], Outgoing]:
    """Set the fields given; the others stay as they are. A talks target the completed talks already reach tells
    the reserves still waiting: their messages are to send."""
    with session_scope() as session:
        council = councils.change(session, council_id, caller.actor, **fields)
        return _view(council), of(last=list(talks.release(session, council_id)))


def name_of(council_id: int | None) -> str:
    if council_id is None:
        return ""
    with session_scope() as session:
        return councils.get(session, council_id).name
