"""The local outbox: texts that would have gone out through Twilio when no Twilio account is set."""

from __future__ import annotations

from server.domain import outbound
from server.domain.db import session_scope
from server.domain.models import iso


def recent() -> list[dict[str, object]]:
    with session_scope() as session:
        return [
            {
                "id": m.id,
                "case_id": m.case_id,
                "kind": m.kind,
                "to": m.to,
                "body": m.body,
                "status": m.status,
                "error_code": m.error_code,
                "at": iso(m.created_at),
            }
            for m in outbound.recent(session)
        ]
