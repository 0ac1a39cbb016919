"""Assessments: the team or an admin closes a council's assessment, which starts the retention clock."""

from __future__ import annotations

from server.domain import closing, retention
from server.domain.db import session_scope
from server.domain.models import iso
from server.domain.tokens import Principal
from server.services.texts import Outgoing, of


def close(caller: Principal, council_id: int, retention_days: int) -> tuple[dict[str, object], Outgoing]:
    """Close it (audited; closing again keeps the first time); everyone waiting or part way gets their last
    message. Returns the council's closing dates, and those messages to send."""
    with session_scope() as session:
        council = retention.close_assessment(session, council_id, caller.actor)
        texts = [
            closing.close(session, case, "assessment_closed", caller.actor)
            for case in closing.waiting_or_part_way(session, council_id)
        ]
        closed_at = council.assessment_closed_at
        purge_after = retention.purge_after(council, retention_days)
        assert closed_at is not None and purge_after is not None
        view: dict[str, object] = {
            "id": council.id,
            "name": council.name,
            "assessment_closed_at": iso(closed_at),
            "purge_after": iso(purge_after),
        }
        return view, of(last=texts)
