"""A council's list of cases for its staff: filtered, loaded from a CSV file, and saved as one.

Loading is all or nothing: every row is checked first, each problem named by its row and column, and if there is
any problem nothing is stored. Staff see status only, never what the person said about how to meet.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import audit, cases, reserves
from server.domain.errors import DomainError, InvalidInput
from server.domain.models import Case, utcnow
from server.domain.tokens import Principal

COLUMNS = ("reference", "theme", "phone", "priority", "language")
REQUIRED = ("reference", "theme")
MAX_ROWS = 2000
MAX_BYTES = 1_000_000

# What the staff filter on, and the values each can take.
STATUSES = cases.STATUSES
ANSWERS = ("no_answer", "not_sure", "given", "declined", "withdrawn")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: `row` is the line in a spreadsheet (the header is row 1; 0 is the file)."""

    row: int
    column: str | None
    problem: str
    # Extra words for the message: the value, the other row, the limit.
    value: str = ""


class ImportRejected(DomainError):
    """The file had problems; nothing from it was stored."""

    status_code = 422

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("The file has problems. Nothing from it was stored.")
        self.problems = problems


# -- reading a file


def _theme(raw: str) -> str:
    """ "Older people", "older-people" and "older_people" are one theme."""
    return "_".join(raw.strip().lower().replace("-", " ").split())


def csv_rows(data: bytes) -> tuple[list[str], list[list[str]]]:
    """A staff CSV file's header (lower case) and its non-empty rows; too big, not text or not CSV is refused."""
    if len(data) > MAX_BYTES:
        raise ImportRejected([Problem(0, None, "too_big", str(MAX_BYTES // 1000))])
    try:
        # utf-8-sig: spreadsheets often save a byte-order mark first.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected([Problem(0, None, "not_text")]) from None
    try:
        lines = [row for row in csv.reader(io.StringIO(text, newline="")) if any(cell.strip() for cell in row)]
    except csv.Error:
        raise ImportRejected([Problem(0, None, "not_csv")]) from None
    if not lines:
        raise ImportRejected([Problem(0, None, "empty")])
    header = [cell.strip().lower() for cell in lines[0]]
    return header, lines[1:]


def _check_header(header: list[str]) -> list[Problem]:
    problems = [Problem(1, name, "unknown_column", name) for name in header if name not in COLUMNS]
    problems += [Problem(1, name, "missing_column", name) for name in REQUIRED if name not in header]
    seen: set[str] = set()
    for name in header:
        if name in seen and name in COLUMNS:
            problems.append(Problem(1, name, "repeated_column", name))
        seen.add(name)
    return problems


def read(session: Session, council_id: int, data: bytes) -> list[dict[str, Any]]:
    """The rows of a CSV file, checked, ready to create; or ImportRejected naming every problem."""
    header, lines = csv_rows(data)
    problems = _check_header(header)
    if problems:
        raise ImportRejected(problems)
    if not lines:
        raise ImportRejected([Problem(0, None, "no_rows")])
    if len(lines) > MAX_ROWS:
        raise ImportRejected([Problem(0, None, "too_many_rows", str(MAX_ROWS))])
    taken = set(session.scalars(select(Case.reference).where(Case.council_id == council_id)))
    first_row: dict[str, int] = {}
    rows = []
    for index, cells in enumerate(lines, start=2):
        if len(cells) > len(header):
            problems.append(Problem(index, None, "too_many_cells", str(len(header))))
            continue
        raw = {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
        row, found = _check_row(index, raw, taken, first_row)
        problems += found
        rows.append(row)
    if problems:
        raise ImportRejected(problems)
    return rows


def _check_row(
    index: int, raw: dict[str, str], taken: set[str], first_row: dict[str, int]
) -> tuple[dict[str, Any], list[Problem]]:
    problems = []
    reference = raw.get("reference", "")
    if not reference:
        problems.append(Problem(index, "reference", "reference_missing"))
    elif len(reference) > 100:
        problems.append(Problem(index, "reference", "reference_too_long", "100"))
    elif reference in taken:
        problems.append(Problem(index, "reference", "reference_in_use", reference))
    elif reference in first_row:
        problems.append(Problem(index, "reference", "reference_repeated", str(first_row[reference])))
    else:
        first_row[reference] = index
    theme = _theme(raw.get("theme", ""))
    if theme not in cases.THEMES:
        problems.append(Problem(index, "theme", "theme_unknown" if theme else "theme_missing", raw.get("theme", "")))
    phone: str | None = raw.get("phone") or None
    if phone is not None:
        try:
            phone = cases.normalise_phone(phone)
        except InvalidInput:
            # The number itself is not repeated back: it is personal data, and the row says where it is.
            problems.append(Problem(index, "phone", "phone_invalid"))
    priority = (raw.get("priority") or "primary").lower()
    if priority not in cases.PRIORITIES:
        problems.append(Problem(index, "priority", "priority_unknown", raw.get("priority", "")))
    language = (raw.get("language") or "en").lower()
    if language not in cases.LANGUAGES:
        problems.append(Problem(index, "language", "language_unknown", raw.get("language", "")))
    row = {"reference": reference, "theme": theme, "phone": phone, "priority": priority, "language": language}
    return row, problems


def load(session: Session, principal: Principal, council_id: int, data: bytes) -> list[Case]:
    """Create every case in the file, or none: raises ImportRejected (and the caller's transaction rolls back)."""
    rows = read(session, council_id, data)
    created = [cases.create(session, principal, council_id=council_id, **row) for row in rows]
    audit.append(session, principal.actor, "cases.loaded", None, {"council_id": council_id, "count": len(created)})
    return created


# -- the list, and the file to save


def rows(session: Session, principal: Principal, now: datetime | None = None) -> list[dict[str, Any]]:
    """Each case as staff see it (cases.view), with the reserve proposed for it and the primary a reserve is for."""
    now = now or utcnow()
    found = [case for case in cases.visible_to(session, principal) if case.purged_at is None]
    by_id = {case.id: case for case in found}
    out = []
    for case in found:
        item = cases.view(session, case, show_code=principal.role != "team")
        item["answer"] = answer_of(item)
        primary = by_id.get(case.reserve_for_case_id) if case.reserve_for_case_id else None
        item["reserve_for"] = {"id": primary.id, "reference": primary.reference} if primary else None
        item["replace_because"] = reserves.why_replace(session, case, now) if case.priority == "primary" else None
        proposed = reserves.proposed_for(session, case.id)
        item["reserve"] = (
            {
                "id": proposed.id,
                "reference": proposed.reference,
                "invitation": proposed.invite_status,
                "has_phone": proposed.phone is not None,
            }
            if proposed is not None
            else None
        )
        out.append(item)
    return out


def answer_of(view: dict[str, Any]) -> str:
    consent = view["consent"]
    if consent["state"] != "pending":
        return str(consent["state"])
    return "not_sure" if consent["unsure"] else "no_answer"


def filtered(items: list[dict[str, Any]], filters: dict[str, str]) -> list[dict[str, Any]]:
    """Keep the cases matching every filter given: status, answer, theme, priority, and reference (part of it)."""
    search = filters.get("reference", "").strip().lower()
    out = []
    for item in items:
        if any(filters.get(key) and item[key] != filters[key] for key in ("status", "answer", "theme", "priority")):
            continue
        if search and search not in item["reference"].lower():
            continue
        out.append(item)
    return out


EXPORT_COLUMNS = (
    "reference",
    "theme",
    "priority",
    "status",
    "invitation",
    "answer",
    "answered_by",
    "answered_at",
    "advocate_involved",
    "check_answer_at_meeting",
    "reserve_for",
    "reserve_proposed",
)


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A cell starting with = + - @ is run as a formula by spreadsheets: make it plain text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export(items: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for item in items:
        consent = item["consent"]
        writer.writerow(
            _cell(value)
            for value in (
                item["reference"],
                item["theme"],
                item["priority"],
                item["status"],
                item["invitation"]["status"],
                item["answer"],
                consent["given_by"],
                consent["at"],
                "yes" if item["advocate_involved"] else "no",
                "yes" if item["check_consent_at_start"] else "no",
                item["reserve_for"]["reference"] if item["reserve_for"] else None,
                item["reserve"]["reference"] if item["reserve"] else None,
            )
        )
    return out.getvalue()
