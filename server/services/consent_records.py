"""The consent record download: a case's consent, who gave it, on which wording, and its whole history."""

from __future__ import annotations

from typing import Any

from server.domain import cases, consent_record
from server.domain.db import session_scope
from server.domain.tokens import Principal


def download(caller: Principal, case_id: int, controller_name: str) -> dict[str, Any]:
    """For staff who can see the case (its council's staff, the team, an admin)."""
    with session_scope() as session:
        return consent_record.build(session, cases.get_for(session, caller, case_id), controller_name)
