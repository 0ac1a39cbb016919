"""The local outbox: texts that would have gone out through Twilio when no Twilio account is set (admin only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from server.auth import Admin
from server.services import texts

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
    return texts.recent()
