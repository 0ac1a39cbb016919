"""The local outbox: texts that would have gone out through Twilio when no Twilio account is set (admin only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from server.auth import Admin
from server.domain import outbound
from server.domain.db import session_scope
from server.domain.models import iso

router = APIRouter(prefix="/api/outbox", tags=["outbox"])


class OutboundOut(BaseModel):
    id: int
    case_id: int | None
    kind: str
    to: str
    body: str
    status: str
    error_code: int | None
    at: str


@router.get("", response_model=list[OutboundOut])
def list_outbox(caller: Admin) -> Any:
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
