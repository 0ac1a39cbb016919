"""Councils: created by an admin."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field

from server.auth import Admin
from server.domain import councils
from server.domain.db import session_scope

router = APIRouter(prefix="/api/councils", tags=["councils"])


class CouncilIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    # "YYYY-MM-DD": when fieldwork starts. The team's queue puts the nearest first.
    fieldwork_date: date | None = None


class CouncilOut(BaseModel):
    id: int
    name: str
    fieldwork_date: date | None = None


@router.post("", status_code=201, response_model=CouncilOut)
def create_council(body: CouncilIn, caller: Admin) -> CouncilOut:
    with session_scope() as session:
        council = councils.create(session, body.name, caller.actor, body.fieldwork_date)
        return CouncilOut(id=council.id, name=council.name, fieldwork_date=council.fieldwork_date)
