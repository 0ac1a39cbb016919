"""Councils: an admin creates one; the admin or the team set its fieldwork date and report month."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.domain import councils
from server.domain.db import session_scope
from server.domain.tokens import Principal


def _view(council: councils.Council) -> dict[str, object]:
    return {
        "id": council.id,
        "name": council.name,
        "fieldwork_date": council.fieldwork_date,
        "report_expected": council.report_expected,
    }


def create(caller: Principal, name: str, fieldwork_date: date | None, report_expected: str | None) -> dict[str, object]:
    with session_scope() as session:
        council = councils.create(session, name, caller.actor, fieldwork_date)
        if report_expected:
            councils.change(session, council.id, caller.actor, report_expected=report_expected)
        return _view(council)


def change(caller: Principal, council_id: int, **fields: Any) -> dict[str, object]:
    """Set the fields given; the others stay as they are."""
    with session_scope() as session:
        return _view(councils.change(session, council_id, caller.actor, **fields))


def name_of(council_id: int | None) -> str:
    if council_id is None:
        return ""
    with session_scope() as session:
        return councils.get(session, council_id).name
