"""People who sign in to the pages: created by an admin. The password is never shown again, nor stored."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from server.auth import Admin
from server.domain.users import MAX_PASSWORD, MIN_PASSWORD
from server.rest.params import IdField
from server.services import users

router = APIRouter(prefix="/api/users", tags=["users"])


class UserIn(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)
    role: Literal["council_staff", "team"]
    council_id: IdField | None = None
    # Team members only: may create cases, invite, call people and close assessments (else 403 on those).
    can_manage_cases: bool = False


class UserOut(BaseModel):
    id: int
    email: str
    role: str
    council_id: int | None
    can_manage_cases: bool


@router.post("", status_code=201, response_model=UserOut)
def create_user(body: UserIn, caller: Admin) -> UserOut:
    """Council staff need their council's id; the team sees every council. Sign in at /sign-in."""
    created = users.create(caller, body.email, body.password, body.role, body.council_id, body.can_manage_cases)
    return UserOut.model_validate(created)
