"""Staff and team bearer tokens: an admin issues one, shown once."""

from __future__ import annotations

from server.domain import tokens
from server.domain.db import session_scope
from server.domain.tokens import Principal


def issue(caller: Principal, role: str, council_id: int | None, name: str, can_manage_cases: bool = False) -> str:
    with session_scope() as session:
        return tokens.issue(session, role, council_id, name, caller.actor, can_manage_cases)
