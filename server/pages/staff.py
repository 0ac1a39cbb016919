"""Pages for council staff: their council's cases with status and filters, one case with its actions
(invite, find and invite a reserve), loading cases from a CSV file, and saving the list as one.

Staff see status only: never the person's meeting preferences, helpers' names or what they said.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from server.domain import case_lists, cases, long_lists
from server.domain.councils import CLOSED as ASSESSMENT_CLOSED
from server.domain.errors import Conflict, InvalidInput, NotFound
from server.pages.common import Form, PageError, Staff, field, redirect, render
from server.rest.params import Id
from server.services import cases as case_service
from server.services import councils, selection, texts

router = APIRouter(prefix="/staff", include_in_schema=False)

FILTERS = {
    "status": case_lists.STATUSES,
    "answer": case_lists.ANSWERS,
    "theme": cases.THEMES,
    "priority": cases.PRIORITIES,
}
# After an action the page says what happened (?done=...): only these words can be shown.
DONE = ("invited", "outbox", "queued", "blocked", "failed", "reserve_found", "reserve_none", "contact", "not_needed")


def _filters(request: Request) -> dict[str, str]:
    """Only known values: anything else in the address is ignored."""
    chosen = {key: request.query_params.get(key, "") for key in FILTERS}
    chosen = {key: value for key, value in chosen.items() if value in FILTERS[key]}
    reference = request.query_params.get("reference", "").strip()[:100]
    if reference:
        chosen["reference"] = reference
    return chosen


def _council_name(council_id: int | None) -> str:
    return councils.name_of(council_id)


@router.get("", response_class=HTMLResponse)
def home(caller: Staff) -> Response:
    return redirect("/staff/cases")


@router.get("/cases", response_class=HTMLResponse)
def case_list(request: Request, caller: Staff) -> Response:
    filters = _filters(request)
    items, progress = case_service.rows(caller)
    shown = case_lists.filtered(items, filters)
    added = request.query_params.get("added", "")
    context: dict[str, Any] = {
        "council": _council_name(caller.council_id),
        "cases": shown,
        "total": len(items),
        "filters": filters,
        "options": FILTERS,
        "added": int(added) if added.isascii() and added.isdigit() else None,
        "query": request.url.query,
        "progress": progress,
    }
    return render(request, "pages/staff/cases.html", context)


@router.get("/cases.csv")
def case_list_csv(request: Request, caller: Staff) -> Response:
    items = case_lists.filtered(case_service.rows(caller)[0], _filters(request))
    return Response(
        case_lists.export(items),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="cases.csv"', "Cache-Control": "no-store"},
    )


def _case(caller: Staff, case_id: int) -> dict[str, Any]:
    try:
        item = case_service.row(caller, case_id)
    except NotFound:
        raise PageError(404, "not_found") from None
    if item is None:  # purged
        raise PageError(404, "not_found")
    return item


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, case_id: Id, caller: Staff) -> Response:
    item = _case(caller, case_id)
    done = request.query_params.get("done", "")
    context = {
        "case": item,
        "council": _council_name(caller.council_id),
        "done": done if done in DONE else None,
        "errors": {},
        "values": {"phone": "", "language": item["language"]},
        "languages": cases.LANGUAGES,
    }
    return render(request, "pages/staff/case.html", context)


@router.post("/cases/{case_id}/contact", response_class=HTMLResponse)
def add_contact(request: Request, case_id: Id, caller: Staff, form: Form) -> Response:
    """The phone number and language of a case the team picked (as PATCH /api/cases/{id})."""
    item = _case(caller, case_id)
    values = {"phone": field(form, "phone", 30), "language": field(form, "language", 10)}
    errors: dict[str, str] = {}
    if values["language"] not in cases.LANGUAGES:
        errors["language"] = "error_language"
    if not errors:
        try:
            case_service.add_contact(caller, case_id, values["phone"], values["language"])
            return redirect(f"/staff/cases/{case_id}?done=contact")
        except InvalidInput:
            errors["phone"] = "error_phone"
        except Conflict:
            errors["phone"] = "error_contact_locked"
    context = {
        "case": item,
        "council": _council_name(caller.council_id),
        "done": None,
        "errors": errors,
        "values": values,
        "languages": cases.LANGUAGES,
    }
    return render(request, "pages/staff/case.html", context, status=400)


@router.post("/cases/{case_id}/invite")
async def invite(case_id: Id, caller: Staff, form: Form) -> Response:
    _case(caller, case_id)
    back = f"/staff/cases/{case_id}"
    # An invitation to a proposed reserve goes back to the primary it replaces, where the action was.
    return_to = form.get("return_to")
    if isinstance(return_to, str) and return_to.isascii() and return_to.isdigit():
        _case(caller, int(return_to))
        back = f"/staff/cases/{int(return_to)}"
    try:
        [status] = await texts.send_all(case_service.invite(caller, case_id))
    except (InvalidInput, Conflict):  # no number, or the assessment closed: no code that can never work is sent
        status = "failed"
    return redirect(f"{back}?done={status}")


@router.post("/cases/{case_id}/not-needed")
async def not_needed(case_id: Id, caller: Staff, form: Form) -> Response:
    """A reserve invited but not needed: told once that we do not need to talk with them now."""
    _case(caller, case_id)
    await texts.send_all(case_service.not_needed(caller, case_id))
    return redirect(f"/staff/cases/{case_id}?done=not_needed")


@router.post("/cases/{case_id}/reserve")
def find_reserve(case_id: Id, caller: Staff, form: Form) -> Response:
    try:
        found = case_service.propose_reserve(caller, case_id) is not None
    except NotFound:
        raise PageError(404, "not_found") from None
    return redirect(f"/staff/cases/{case_id}?done={'reserve_found' if found else 'reserve_none'}")


@router.get("/upload", response_class=HTMLResponse)
def upload_page(request: Request, caller: Staff) -> Response:
    context: dict[str, Any] = {"problems": [], "error": None, "themes": cases.THEMES}
    return render(request, "pages/staff/upload.html", context)


@router.post("/upload", response_class=HTMLResponse)
async def upload(request: Request, caller: Staff, form: Form) -> Response:
    chosen = form.get("file")
    data = b""
    if isinstance(chosen, UploadFile):
        data = await chosen.read(case_lists.MAX_BYTES + 1)
    context: dict[str, Any] = {"problems": [], "error": None, "themes": cases.THEMES}
    if not data:
        context["error"] = "no_file"
        return render(request, "pages/staff/upload.html", context, status=400)
    assert caller.council_id is not None
    try:
        added = case_service.load_file(caller, caller.council_id, data)
    except case_lists.ImportRejected as rejected:
        context["problems"] = rejected.problems
        return render(request, "pages/staff/upload.html", context, status=400)
    except Conflict as conflict:  # another upload took a reference between the check and the save: all rolled back
        if conflict.message == ASSESSMENT_CLOSED:
            context["error"] = "assessment_closed"
            return render(request, "pages/staff/upload.html", context, status=409)
        context["problems"] = [case_lists.Problem(0, None, "conflict")]
        return render(request, "pages/staff/upload.html", context, status=400)
    return redirect(f"/staff/cases?added={added}")


def _long_list_context(caller: Staff) -> dict[str, Any]:
    assert caller.council_id is not None
    return {
        "problems": [],
        "error": None,
        "themes": cases.THEMES,
        **selection.staff_page(caller, caller.council_id),
        "columns": long_lists.COLUMNS,
    }


@router.get("/long-list", response_class=HTMLResponse)
def long_list_page(request: Request, caller: Staff) -> Response:
    return render(request, "pages/staff/long_list.html", _long_list_context(caller))


@router.post("/long-list", response_class=HTMLResponse)
async def long_list_upload(request: Request, caller: Staff, form: Form) -> Response:
    chosen = form.get("file")
    data = b""
    if isinstance(chosen, UploadFile):
        data = await chosen.read(long_lists.MAX_BYTES + 1)
    context = _long_list_context(caller)
    if not data:
        context["error"] = "no_file"
        return render(request, "pages/staff/long_list.html", context, status=400)
    assert caller.council_id is not None
    try:
        selection.upload_csv(caller, caller.council_id, data)
    except case_lists.ImportRejected as rejected:
        context["problems"] = rejected.problems
        return render(request, "pages/staff/long_list.html", context, status=400)
    except Conflict:
        context["error"] = "picked"
        return render(request, "pages/staff/long_list.html", context, status=409)
    return redirect("/staff/long-list?done=1")
