"""Councils: created by an admin; their fieldwork date and when the report is expected set by the admin or team."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import BaseModel, Field

from server.auth import Admin, Team
from server.rest.params import Id
from server.services import councils, texts

# "YYYY-MM": the month the assessment's report is expected.
Month = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2027-06"])

router = APIRouter(prefix="/api/councils", tags=["councils"])


class CouncilIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    # "YYYY-MM-DD": when fieldwork starts. The team's queue puts the nearest first.
    fieldwork_date: date | None = None
    # The thank-you after a meeting says when the report is expected.
    report_expected: str | None = Month


class CouncilOut(BaseModel):
    id: int
    name: str
    fieldwork_date: date | None = None
    report_expected: str | None = None
    talks_needed: int | None = None


class CouncilChange(BaseModel):
    fieldwork_date: date | None = None
    report_expected: str | None = Month
    # Completed talks the council needs (null: the pick's primaries). Reaching it tells the reserves still waiting.
    talks_needed: int | None = Field(default=None, ge=1, le=100)


@router.post("", status_code=201, response_model=CouncilOut)
def create_council(body: CouncilIn, caller: Admin) -> CouncilOut:
    return CouncilOut.model_validate(councils.create(caller, body.name, body.fieldwork_date, body.report_expected))


@router.patch("/{council_id}", response_model=CouncilOut)
async def change_council(council_id: Id, body: CouncilChange, caller: Team) -> CouncilOut:
    """Set the fieldwork date, the month the report is expected or the talks needed (fields left out stay as they
    are). When the completed talks reach the talks needed, the reserves still waiting are told, once each."""
    view, outgoing = councils.change(caller, council_id, **body.model_dump(exclude_unset=True))
    await texts.send_all(outgoing)
    return CouncilOut.model_validate(view)
