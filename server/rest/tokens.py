"""Staff and team tokens: issued by an admin, shown once."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from server.auth import Admin
from server.rest.params import IdField
from server.services import tokens

router = APIRouter(prefix="/api/tokens", tags=["tokens"])


class TokenIn(BaseModel):
    role: Literal["council_staff", "team"]
    council_id: IdField | None = None
    name: str = Field(min_length=1, max_length=200)
    # Team members only: may create cases, invite, call people and close assessments (else 403 on those).
    can_manage_cases: bool = False


class TokenOut(BaseModel):
    token: str


@router.post("", status_code=201, response_model=TokenOut)
def issue_token(body: TokenIn, caller: Admin) -> TokenOut:
    return TokenOut(token=tokens.issue(caller, body.role, body.council_id, body.name, body.can_manage_cases))
