"""The assessment team's queue: people ready to schedule, or who need a person; claim, schedule, complete, cancel.

Team and admin only: the queue holds preferences, phone numbers and representatives' contacts, so council staff
get 403 on every route here.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response
from pydantic import AwareDatetime, BaseModel, Field

from server.auth import Team
from server.rest.params import Id
from server.services import handoffs, meetings, texts

router = APIRouter(prefix="/api/handoffs", tags=["handoffs"])


class ConsentState(BaseModel):
    state: Literal["pending", "given", "declined", "withdrawn"]
    given_by: str | None
    at: str | None
    check_at_start: bool
    # They said "not sure" (which records nothing): the team may talk it through with them.
    unsure: bool = False


class RepresentativeOut(BaseModel):
    role: str | None
    joins_meeting: bool | None
    on_behalf: bool | None
    name: str | None
    contact: str | None


class PreferencesOut(BaseModel):
    how: list[str]
    support: list[str]
    interpreter_language: str | None
    days: list[str]
    times: list[str]
    avoid_dates: str | None
    contact_by: str | None
    completed: bool


class MeetingOut(BaseModel):
    id: int
    at: str
    how: str
    where: str | None
    who: str | None
    expert_by_experience: bool = False
    status: str
    created_by: str
    confirmation: str = Field(
        description="Where the text telling the person got to: outbox, queued, sent, delivered, failed, blocked, "
        "not_sent (no phone), or contact_representative (the person asked to be contacted through them)."
    )
    calendar_url: str
    person_calendar_url: str


class HandoffOut(BaseModel):
    id: int
    case_id: int
    reference: str
    council_id: int
    council_name: str
    fieldwork_date: str | None
    theme: str
    language: str
    phone: str | None
    reason: str
    urgent: bool
    status: str
    claimed_by: str | None
    claimed_by_name: str | None
    claimed_at: str | None
    created_at: str
    consent: ConsentState
    representatives: list[RepresentativeOut]
    preferences: PreferencesOut | None
    # The person asked to talk with someone who has had care too (preferences.support holds "lived_experience").
    expert_by_experience_wanted: bool = False
    meeting: MeetingOut | None
    # The case's due-by date (its council's fieldwork date less CASE_DUE_DAYS_BEFORE_FIELDWORK), and whether it is at
    # risk of missing it.
    due_by: str | None = None
    at_risk: bool = False


class ScheduleIn(BaseModel):
    at: AwareDatetime = Field(description="ISO 8601 with a time zone, in the future, e.g. 2026-03-03T14:00:00+00:00")
    how: Literal["phone", "video", "home", "elsewhere"]
    where: str | None = Field(default=None, max_length=300)
    who: str | None = Field(default=None, max_length=300)
    # An Expert by Experience comes too: the person's confirmation says so. Left out: as the meeting being moved
    # had it, else as the person asked (expert_by_experience_wanted).
    expert_by_experience: bool | None = None


@router.get("", response_model=list[HandoffOut])
def queue(caller: Team) -> Any:
    """Every hand-off not yet completed or cancelled: urgent first, then nearest fieldwork date, then oldest."""
    return handoffs.queue()


@router.get("/{handoff_id}", response_model=HandoffOut)
def show(handoff_id: Id, caller: Team) -> Any:
    return handoffs.shown(handoff_id)


@router.post("/{handoff_id}/claim", response_model=HandoffOut)
def claim(handoff_id: Id, caller: Team) -> Any:
    """Take it on. 409 if someone else has it, or it has ended."""
    handoffs.claim(caller, handoff_id)
    return handoffs.shown(handoff_id)


@router.post("/{handoff_id}/schedule", response_model=HandoffOut)
async def schedule(handoff_id: Id, body: ScheduleIn, caller: Team) -> Any:
    """Book the meeting (or move it) and text the person an easy-read confirmation with a calendar link."""
    outgoing = handoffs.book(
        caller, handoff_id, body.at, body.how, body.where, body.who, expert_by_experience=body.expert_by_experience
    )
    await texts.send_all(outgoing)
    return handoffs.shown(handoff_id)


@router.post("/{handoff_id}/complete", response_model=HandoffOut)
async def complete(handoff_id: Id, caller: Team) -> Any:
    """The meeting took place (or, for a request for a person, the team has dealt with it). After a meeting the
    person gets an easy-read thank-you on their channel, once."""
    await texts.send_all(handoffs.complete(caller, handoff_id))
    return handoffs.shown(handoff_id)


@router.post("/{handoff_id}/cancel", response_model=HandoffOut)
async def cancel(handoff_id: Id, caller: Team) -> Any:
    """End it without a meeting. Scheduling work cancelled closes the case: the person is told once that we do not
    need to talk with them now (and that a booked meeting will not happen)."""
    await texts.send_all(handoffs.cancel(caller, handoff_id))
    return handoffs.shown(handoff_id)


@router.get("/{handoff_id}/calendar.ics", response_class=Response)
def calendar(handoff_id: Id, caller: Team) -> Response:
    return calendar_response(*meetings.calendar_for_handoff(handoff_id))


def calendar_response(body: bytes, meeting_id: int) -> Response:
    """An .ics file to open or save; also used by the person's link (server/rest/meetings.py)."""
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="meeting-{meeting_id}.ics"'},
    )
