"""The long list and the pick: council staff upload an anonymised long list; the team makes a seeded, stratified
pick from it and may void it; everyone concerned sees the pick and the council's progress."""

from __future__ import annotations

from typing import Any

from server.domain import cases, long_lists, picks, selection, timeliness
from server.domain.db import session_scope
from server.domain.models import utcnow
from server.domain.tokens import Principal


def upload_rows(caller: Principal, council_id: int, raw: list[dict[str, str]]) -> dict[str, object] | None:
    """Replace the council's long list from rows (ImportRejected names each problem; nothing is stored then)."""
    with session_scope() as session:
        long_lists.can_see(caller, council_id)
        rows = long_lists.check(raw)
        long_lists.upload(session, caller, council_id, rows)
        return long_lists.summary(session, caller, council_id)


def upload_csv(caller: Principal, council_id: int, data: bytes) -> None:
    """The same from a CSV file (the staff page)."""
    rows = long_lists.read_csv(data)
    with session_scope() as session:
        long_lists.upload(session, caller, council_id, rows)


def long_list(caller: Principal, council_id: int) -> dict[str, object] | None:
    """The long list waiting for a pick, if any."""
    with session_scope() as session:
        return long_lists.summary(session, caller, council_id)


def pick(
    caller: Principal,
    council_id: int,
    primary: int,
    reserve: int,
    seed: int | None,
    allocation: str = "round_robin",
    size: selection.Size | None = None,
) -> dict[str, object]:
    """The seeded pick by its size and allocation rules (README, "The pick")."""
    with session_scope() as session:
        made = selection.pick(session, caller, council_id, primary, reserve, seed, allocation=allocation, size=size)
        return selection.view(made)


def current(caller: Principal, council_id: int) -> dict[str, object]:
    with session_scope() as session:
        return selection.view(selection.current_for(session, caller, council_id))


def void(caller: Principal, council_id: int, selection_id: int, reason: str) -> dict[str, object]:
    with session_scope() as session:
        return selection.view(selection.void(session, caller, council_id, selection_id, reason))


def progress(caller: Principal, council_id: int) -> dict[str, object]:
    """How the council's cases are going: counts, the cases at risk of missing fieldwork, reserves left."""
    with session_scope() as session:
        long_lists.can_see(caller, council_id)
        return timeliness.progress(session, council_id, utcnow())


def staff_page(caller: Principal, council_id: int) -> dict[str, Any]:
    """What the staff's long-list page shows: the list waiting, the standing pick, which picked cases have a phone."""
    with session_scope() as session:
        waiting = long_lists.summary(session, caller, council_id)
        standing = picks.active_selection(session, council_id)
        visible = cases.visible_to(session, caller)
        return {
            "waiting": waiting,
            "picked": selection.view(standing) if standing is not None else None,
            "contacts": {case.reference: case.phone is not None for case in visible},
            "ids": {case.reference: case.id for case in visible},
        }
