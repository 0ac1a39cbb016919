"""Pages for the assessment team: the hand-off queue, one hand-off with everything about the case, and the form
that books its meeting. The team may see the person's phone, helpers and communication needs; council staff may not
(they get the 403 page here).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from server.domain import meetings
from server.domain.errors import DomainError, NotFound
from server.pages.common import Form, PageError, Team, field, redirect, render
from server.rest.params import Id
from server.services import handoffs, texts

router = APIRouter(prefix="/team", include_in_schema=False)

# Meetings are booked in UK time; the domain stores UTC.
UK = ZoneInfo("Europe/London")
DONE = ("claimed", "booked", "completed", "cancelled")
DATE_PARTS = ("day", "month", "year", "hour", "minute")
# The queue shows this many hand-offs before "show all", so the progress table stays one scroll away.
QUEUE_SHOWN = 20


def _item(handoff_id: int) -> dict[str, Any]:
    try:
        return handoffs.shown(handoff_id)
    except NotFound:
        raise PageError(404, "not_found") from None


def _claimer(item: dict[str, Any]) -> str | None:
    """Who has it: the email of someone signed in to the pages, or the name on a team member's API token."""
    found = item["claimed_by_name"]
    return str(found) if found else None


@router.get("", response_class=HTMLResponse)
def home(caller: Team) -> Response:
    return redirect("/team/handoffs")


@router.get("/handoffs", response_class=HTMLResponse)
def queue(request: Request, caller: Team) -> Response:
    """The queue first (one council's with ?council=ID; the first QUEUE_SHOWN unless ?all=1), then one progress
    table with a row per council, whatever the number of councils."""
    raw = request.query_params.get("council", "")
    council_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    items, rows = handoffs.queue_and_progress(council_id)
    everything = request.query_params.get("all") == "1"
    shown = items if everything else items[:QUEUE_SHOWN]
    for item in shown:
        item["claimer"] = _claimer(item)
    council = next((row for row in rows if row["council_id"] == council_id), None)
    context = {"items": shown, "total": len(items), "rows": rows, "council": council, "council_id": council_id}
    return render(request, "pages/team/queue.html", context)


@router.get("/councils.csv")
def progress_csv(caller: Team) -> Response:
    """The progress table as CSV: the same rows, in the same order."""
    return Response(
        handoffs.progress_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="councils.csv"', "Cache-Control": "no-store"},
    )


@router.get("/handoffs/{handoff_id}", response_class=HTMLResponse)
def handoff_page(request: Request, handoff_id: Id, caller: Team) -> Response:
    item = _item(handoff_id)
    item["claimer"] = _claimer(item)
    done = request.query_params.get("done", "")
    context = {
        "item": item,
        "mine": item["claimed_by"] == caller.actor,
        "done": done if done in DONE else None,
        "problem": None,
    }
    return render(request, "pages/team/handoff.html", context)


async def _act(request: Request, handoff_id: int, caller: Team, action: str) -> Response:
    """Claim, complete or cancel; a conflict (someone else has it, it has ended) is shown on the hand-off page."""
    outgoing = texts.NOTHING
    try:
        if action == "claimed":
            handoffs.claim(caller, handoff_id)
        elif action == "completed":
            outgoing = handoffs.complete(caller, handoff_id)
        else:
            outgoing = handoffs.cancel(caller, handoff_id)
    except NotFound:
        raise PageError(404, "not_found") from None
    except DomainError as problem:
        item = _item(handoff_id)
        item["claimer"] = _claimer(item)
        context = {"item": item, "mine": item["claimed_by"] == caller.actor, "done": None, "problem": problem.message}
        return render(request, "pages/team/handoff.html", context, status=409)
    await texts.send_all(outgoing)
    return redirect(f"/team/handoffs/{handoff_id}?done={action}")


@router.post("/handoffs/{handoff_id}/claim")
async def claim(request: Request, handoff_id: Id, caller: Team, form: Form) -> Response:
    return await _act(request, handoff_id, caller, "claimed")


@router.post("/handoffs/{handoff_id}/complete")
async def complete(request: Request, handoff_id: Id, caller: Team, form: Form) -> Response:
    return await _act(request, handoff_id, caller, "completed")


@router.post("/handoffs/{handoff_id}/cancel")
async def cancel(request: Request, handoff_id: Id, caller: Team, form: Form) -> Response:
    return await _act(request, handoff_id, caller, "cancelled")


def _schedule_page(
    request: Request, item: dict[str, Any], values: dict[str, str], errors: dict[str, str], status: int = 200
) -> Response:
    context: dict[str, Any] = {"item": item, "values": values, "errors": errors, "hows": meetings.HOWS}
    context["problem"] = None
    if "problem" in errors:
        context["problem"] = errors.pop("problem")
    return render(request, "pages/team/schedule.html", context, status=status)


@router.get("/handoffs/{handoff_id}/schedule", response_class=HTMLResponse)
def schedule_page(request: Request, handoff_id: Id, caller: Team) -> Response:
    item = _item(handoff_id)
    values = {name: "" for name in (*DATE_PARTS, "how", "where", "who", "expert")}
    meeting = item["meeting"]
    if meeting is not None and meeting["status"] == "scheduled":
        at = datetime.fromisoformat(meeting["at"]).astimezone(UK)
        values |= {"day": str(at.day), "month": str(at.month), "year": str(at.year)}
        values |= {"hour": f"{at.hour:02d}", "minute": f"{at.minute:02d}", "how": meeting["how"]}
        values |= {"where": meeting["where"] or "", "who": meeting["who"] or ""}
        values["expert"] = "yes" if meeting["expert_by_experience"] else ""
    else:
        # The person's wish for someone who has had care too sets the box; the team can change it.
        values["expert"] = "yes" if item["expert_by_experience_wanted"] else ""
        if item["preferences"] and len(item["preferences"]["how"]) == 1:
            values["how"] = item["preferences"]["how"][0]
    return _schedule_page(request, item, values, {})


def _when(values: dict[str, str], errors: dict[str, str]) -> datetime | None:
    try:
        day, month, year = (int(values[part]) for part in ("day", "month", "year"))
        date_ok = year >= 2000
        datetime(year, month, day)
    except ValueError:
        date_ok = False
    if not date_ok:
        errors["day"] = "error_date"
    try:
        hour, minute = int(values["hour"]), int(values["minute"])
        time_ok = 0 <= hour < 24 and 0 <= minute < 60
    except ValueError:
        time_ok = False
    if not time_ok:
        errors["hour"] = "error_time"
    if errors:
        return None
    return datetime(year, month, day, hour, minute, tzinfo=UK)


def _read(form: FormData) -> dict[str, str]:
    values = {name: field(form, name, 10) for name in DATE_PARTS}
    values["how"] = field(form, "how", 20)
    values |= {name: field(form, name, 400) for name in ("where", "who")}
    values["expert"] = field(form, "expert", 10)
    return values


@router.post("/handoffs/{handoff_id}/schedule", response_class=HTMLResponse)
async def schedule(request: Request, handoff_id: Id, caller: Team, form: Form) -> Response:
    values = _read(form)
    errors: dict[str, str] = {}
    at = _when(values, errors)
    if values["how"] not in meetings.HOWS:
        errors["how"] = "error_how"
    elif values["how"] == "elsewhere" and not values["where"]:
        errors["where"] = "error_where"
    for name in ("where", "who"):
        if len(values[name]) > 300:
            errors[name] = "error_too_long"
    if at is not None and at <= datetime.now(UK):
        errors["day"] = "error_past"
    outgoing = texts.NOTHING
    if not errors and at is not None:
        try:
            outgoing = handoffs.book(
                caller,
                handoff_id,
                at,
                values["how"],
                values["where"],
                values["who"],
                expert_by_experience=values["expert"] == "yes",
            )
        except NotFound:
            raise PageError(404, "not_found") from None
        except DomainError as problem:
            errors["problem"] = problem.message
    if errors:
        return _schedule_page(request, _item(handoff_id), values, errors, status=400)
    await texts.send_all(outgoing)
    return redirect(f"/team/handoffs/{handoff_id}?done=booked")
