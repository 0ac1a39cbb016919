"""The long list and the pick: council staff upload an anonymised long list; the team makes a seeded, stratified
pick from it; everyone concerned can see the pick."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, model_validator

from server.auth import Caller, Team, require
from server.domain import case_lists
from server.domain.errors import NotFound
from server.domain.selection import MAX_COUNT, MAX_SEED, Size
from server.domain.tokens import Principal
from server.rest.params import Id
from server.services import selection

router = APIRouter(prefix="/api/councils", tags=["selection"])

ListWriter = Annotated[Principal, Depends(require("admin", "council_staff"))]


class LongListIn(BaseModel):
    rows: list[dict[str, str | int | float | None]] = Field(
        description="reference, theme, primary_need, age_band: 10 to 500 rows, anonymised"
    )


class LongListOut(BaseModel):
    id: int
    council_id: int
    rows: int
    list_sha256: str
    themes: dict[str, int]
    uploaded_at: str


class SizeIn(BaseModel):
    """The primaries as a share of the long list's rows, rounded down, at least `min`, at most `max`."""

    share: float = Field(gt=0, le=1, examples=[0.125])
    min: int = Field(ge=1, le=MAX_COUNT, examples=[6])
    max: int = Field(ge=1, le=MAX_COUNT, examples=[12])

    @model_validator(mode="after")
    def min_not_above_max(self) -> SizeIn:
        if self.min > self.max:
            raise ValueError("min must be no more than max")
        return self


class SelectionIn(BaseModel):
    primary: int | None = Field(default=None, ge=1, le=MAX_COUNT, description="a fixed count (6 when no size)")
    reserve: int = Field(default=4, ge=0, le=MAX_COUNT)
    seed: int | None = Field(default=None, ge=0, le=MAX_SEED)
    allocation: Literal["round_robin", "proportional"] = "round_robin"
    size: SizeIn | None = Field(default=None, description="instead of primary: a share of the list")

    @model_validator(mode="after")
    def primary_or_size(self) -> SelectionIn:
        if self.primary is not None and self.size is not None:
            raise ValueError("give primary or size, not both")
        return self


class SizeOut(BaseModel):
    share: float
    min: int
    max: int


class SelectionOut(BaseModel):
    id: int
    council_id: int
    seed: int
    list_sha256: str
    primary: list[str]
    reserve: list[str]
    allocation: str
    # None: the primaries were a fixed count.
    size: SizeOut | None
    primary_count: int
    reserve_count: int
    made_by: str
    made_at: str
    voided_at: str | None
    void_reason: str | None


class VoidIn(BaseModel):
    reason: str = Field(min_length=1, max_length=300)


def rejected(problems: case_lists.ImportRejected) -> JSONResponse:
    """422 naming each problem by row and column; never the value that looked like personal data."""
    return JSONResponse(
        {
            "detail": problems.message,
            "problems": [
                {"row": p.row, "column": p.column, "problem": p.problem, **({"value": p.value} if p.value else {})}
                for p in problems.problems
            ],
        },
        status_code=422,
    )


@router.post("/{council_id}/long-list", status_code=201, response_model=LongListOut)
def upload_long_list(council_id: Id, body: LongListIn, caller: ListWriter) -> Any:
    """Replace the council's long list (until a pick is made). A row holding anything like personal data is refused,
    row by row and column by column (422), and nothing is stored."""
    raw = [{key: "" if value is None else str(value) for key, value in row.items()} for row in body.rows]
    try:
        return selection.upload_rows(caller, council_id, raw)
    except case_lists.ImportRejected as problems:
        return rejected(problems)


@router.get("/{council_id}/long-list", response_model=LongListOut)
def show_long_list(council_id: Id, caller: ListWriter) -> Any:
    found = selection.long_list(caller, council_id)
    if found is None:
        raise NotFound("This council has no long list waiting for a pick.")
    return found


@router.post("/{council_id}/selection", status_code=201, response_model=SelectionOut)
def make_selection(council_id: Id, body: SelectionIn, caller: Team) -> Any:
    """The seeded, stratified pick (see the README): a fixed count or a share of the list, round robin or
    proportional across themes. 409 when a pick stands; the seed is random when not given."""
    size = Size(body.size.share, body.size.min, body.size.max) if body.size is not None else None
    primary = body.primary if body.primary is not None else 6
    return selection.pick(caller, council_id, primary, body.reserve, body.seed, body.allocation, size)


@router.get("/{council_id}/selection", response_model=SelectionOut)
def show_selection(council_id: Id, caller: Caller) -> Any:
    return selection.current(caller, council_id)


@router.post("/{council_id}/selection/{selection_id}/void", response_model=SelectionOut)
def void_selection(council_id: Id, selection_id: Id, body: VoidIn, caller: Team) -> Any:
    return selection.void(caller, council_id, selection_id, body.reason)


class ProgressOut(BaseModel):
    council_id: int
    council_name: str
    needed: int
    approached: int
    answered: int
    consented: int
    scheduled: int
    completed: int
    declined: int
    withdrawn: int
    no_answer: int
    at_risk: list[int]
    fieldwork_date: str | None
    due_by: str | None
    reserves_left: int
    talks_needed: int | None = None
    talks_done_at: str | None = None
    reserves_told: int = 0
    expert_by_experience_asked: int = 0
    expert_by_experience_arranged: int = 0


@router.get("/{council_id}/progress", response_model=ProgressOut)
def progress(council_id: Id, caller: Caller) -> Any:
    """How the council's cases are going: counts, the cases at risk of missing fieldwork, reserves left."""
    return selection.progress(caller, council_id)
