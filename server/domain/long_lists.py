"""A council's anonymised long list: checked for personal data row by row and column by column, stored whole or not
at all, replaced by a new upload until the team makes its pick.

The list must never hold personal data. Any cell shaped like a phone number, an email address, an NHS number (10
digits, with or without spaces), a postcode or a date of birth is refused, naming its row and column but never
repeating the value.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.domain import audit, case_lists, cases, councils, picks
from server.domain.case_lists import ImportRejected, Problem, csv_rows
from server.domain.errors import Conflict, NotFound
from server.domain.models import Case, LongList, LongListRow
from server.domain.tokens import Principal

COLUMNS = ("reference", "theme", "primary_need", "age_band")
REQUIRED = ("reference", "theme")
MIN_ROWS = 10
MAX_ROWS = 500
# The CSV reader (case_lists.csv_rows) refuses a larger file; the page reads no more than this.
MAX_BYTES = case_lists.MAX_BYTES
LIMITS = {"reference": 100, "theme": 60, "primary_need": 200, "age_band": 20}

_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
# A run of digits with the spaces, dots, dashes and brackets people write numbers with.
_NUMBER = re.compile(r"\+?\(?\d[\d\s().-]*\d")
_POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
_MONTHS = "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec"
_DATES = (
    re.compile(r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b"),
    re.compile(r"\b\d{4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}\b"),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})[a-z]*\.?,?\s+\d{{2,4}}\b", re.IGNORECASE),
    re.compile(rf"\b(?:{_MONTHS})[a-z]*\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b", re.IGNORECASE),
    re.compile(r"\b(?:dob|d\.o\.b|date of birth|born)\b", re.IGNORECASE),
)


@dataclass(frozen=True)
class Row:
    reference: str
    theme: str
    primary_need: str | None
    age_band: str | None


def personal_data(value: str) -> str | None:
    """What a cell looks like if it looks like personal data: email, nhs_number, phone_number, postcode,
    date_of_birth; None when it looks like none of them."""
    if _EMAIL.search(value):
        return "email"
    for found in _NUMBER.finditer(value):
        raw = found.group(0)
        digits = re.sub(r"\D", "", raw)
        if len(digits) == 10 and not raw.startswith(("+", "0", "(")):
            return "nhs_number"
        if len(digits) >= 9:
            return "phone_number"
    if any(pattern.search(value) for pattern in _DATES):
        return "date_of_birth"
    if _POSTCODE.search(value):
        return "postcode"
    return None


def theme_of(raw: str) -> str:
    """ "Older people", "older-people" and "older_people" are one theme."""
    return "_".join(raw.strip().lower().replace("-", " ").split())


def check(raw_rows: list[dict[str, str]], first_row: int = 1) -> list[Row]:
    """The rows, checked; or ImportRejected naming every problem (`first_row`: the number of the first row, 2 in a
    spreadsheet whose row 1 is the header)."""
    if len(raw_rows) < MIN_ROWS or len(raw_rows) > MAX_ROWS:
        raise ImportRejected([Problem(0, None, "long_list_size", f"{MIN_ROWS} to {MAX_ROWS}")])
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    rows = []
    for index, raw in enumerate(raw_rows, start=first_row):
        for name in raw:
            if name not in COLUMNS:
                problems.append(Problem(index, name[:40], "unknown_column", name[:40]))
        values = {name: (raw.get(name) or "").strip() for name in COLUMNS}
        for name, value in values.items():
            looks = personal_data(value) if value else None
            if looks is not None:
                problems.append(Problem(index, name, f"looks_like_{looks}"))
            elif len(value) > LIMITS[name]:
                problems.append(Problem(index, name, "too_long", str(LIMITS[name])))
        reference, theme = values["reference"], theme_of(values["theme"])
        if not reference:
            problems.append(Problem(index, "reference", "reference_missing"))
        elif reference in seen:
            problems.append(Problem(index, "reference", "reference_repeated", str(seen[reference])))
        else:
            seen[reference] = index
        if theme not in cases.THEMES:
            problem = "theme_unknown" if theme else "theme_missing"
            # A cell that looked like personal data is never repeated back.
            shown = "" if personal_data(values["theme"]) else values["theme"][:60]
            problems.append(Problem(index, "theme", problem, shown))
        rows.append(Row(reference, theme, values["primary_need"] or None, values["age_band"] or None))
    if problems:
        raise ImportRejected(problems)
    return rows


def read_csv(data: bytes) -> list[Row]:
    """A CSV file with a header row (reference, theme, primary_need, age_band), checked like the API's rows."""
    header, lines = csv_rows(data)
    problems = [Problem(1, name[:40], "unknown_column", name[:40]) for name in header if name not in COLUMNS]
    problems += [Problem(1, name, "missing_column", name) for name in REQUIRED if name not in header]
    if problems:
        raise ImportRejected(problems)
    raw_rows = []
    for index, cells in enumerate(lines, start=2):
        if len(cells) > len(header):
            problems.append(Problem(index, None, "too_many_cells", str(len(header))))
            continue
        raw_rows.append({name: (cells[i] if i < len(cells) else "") for i, name in enumerate(header)})
    if problems:
        raise ImportRejected(problems)
    return check(raw_rows, first_row=2)


def sha256(rows: list[Row]) -> str:
    """The list's fingerprint: SHA-256 of its rows sorted by reference, one line each, "reference<TAB>theme<TAB>
    primary_need<TAB>age_band" ending in a newline (an empty cell is empty), in UTF-8. Row order does not matter."""
    lines = [
        "\t".join((row.reference, row.theme, row.primary_need or "", row.age_band or "")) + "\n"
        for row in sorted(rows, key=lambda row: row.reference)
    ]
    return hashlib.sha256("".join(lines).encode()).hexdigest()


def can_see(principal: Principal, council_id: int) -> None:
    # Another council's list looks exactly like a missing council.
    if principal.role == "council_staff" and principal.council_id != council_id:
        raise NotFound("There is no council with that id.", "council_id")


def current(session: Session, council_id: int) -> LongList | None:
    """The list waiting for a pick (None when there is none)."""
    return session.scalars(
        select(LongList)
        .where(LongList.council_id == council_id, LongList.picked_at.is_(None))
        .order_by(LongList.id.desc())
        .limit(1)
    ).first()


def upload(session: Session, principal: Principal, council_id: int, rows: list[Row]) -> LongList:
    """Store the list, replacing one not yet picked from. 409 once a pick stands (the team voids it first)."""
    can_see(principal, council_id)
    councils.get(session, council_id)
    if picks.active_selection(session, council_id) is not None:
        raise Conflict("The team has made its pick from this council's list. It must be voided before a new list.")
    # A reference already used by one of the council's cases (not one from a voided pick) cannot be picked again.
    taken = set(session.scalars(select(Case.reference).where(Case.council_id == council_id, Case.status != "voided")))
    clashes = [Problem(i, "reference", "reference_in_use", row.reference) for i, row in enumerate(rows, 1)]
    clashes = [problem for problem in clashes if problem.value in taken]
    if clashes:
        raise ImportRejected(clashes)
    old = current(session, council_id)
    if old is not None:
        session.execute(delete(LongListRow).where(LongListRow.long_list_id == old.id))
        session.delete(old)
        session.flush()
    digest = sha256(rows)
    found = LongList(council_id=council_id, sha256=digest, row_count=len(rows), uploaded_by=principal.actor)
    session.add(found)
    session.flush()
    session.add_all(
        LongListRow(
            long_list_id=found.id,
            position=index,
            reference=row.reference,
            theme=row.theme,
            primary_need=row.primary_need,
            age_band=row.age_band,
        )
        for index, row in enumerate(rows, start=1)
    )
    session.flush()
    detail: dict[str, object] = {"council_id": council_id, "rows": len(rows), "list_sha256": digest}
    if old is not None:
        detail["replaced_list_sha256"] = old.sha256
    audit.append(session, principal.actor, "long_list.uploaded", None, detail)
    return found


def rows_of(session: Session, long_list: LongList) -> list[Row]:
    found = session.scalars(
        select(LongListRow).where(LongListRow.long_list_id == long_list.id).order_by(LongListRow.position)
    )
    return [Row(r.reference, r.theme, r.primary_need, r.age_band) for r in found]


def summary(session: Session, principal: Principal, council_id: int) -> dict[str, object] | None:
    """The list waiting for a pick: its size, fingerprint and rows per theme."""
    can_see(principal, council_id)
    councils.get(session, council_id)
    found = current(session, council_id)
    if found is None:
        return None
    themes: dict[str, int] = {}
    for row in rows_of(session, found):
        themes[row.theme] = themes.get(row.theme, 0) + 1
    return {
        "id": found.id,
        "council_id": council_id,
        "rows": found.row_count,
        "list_sha256": found.sha256,
        "themes": themes,
        "uploaded_at": found.created_at.isoformat(),
    }
