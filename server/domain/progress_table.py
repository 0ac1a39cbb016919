"""The team's progress table: one row per open council, councils at risk first, then the soonest fieldwork; the
same rows as a CSV file. Counts come from server.domain.timeliness.progress (GET /api/councils/{id}/progress)."""

from __future__ import annotations

import csv
import io
from typing import Any

# The CSV's columns, in the table's order: the progress field each holds.
COLUMNS = (
    ("council", "council_name"),
    ("council_id", "council_id"),
    ("people_needed", "needed"),
    ("invited", "approached"),
    ("answered", "answered"),
    ("said_yes", "consented"),
    ("booked", "scheduled"),
    ("done", "completed"),
    ("at_risk", "at_risk"),
    ("fieldwork_date", "fieldwork_date"),
    ("expert_by_experience_asked", "expert_by_experience_asked"),
    ("expert_by_experience_arranged", "expert_by_experience_arranged"),
    ("reserves_told", "reserves_told"),
)


def ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Councils with a case at risk first, then the soonest fieldwork (none set: last), then by name."""
    return sorted(
        rows,
        key=lambda row: (
            not row["at_risk"],
            row["fieldwork_date"] is None,
            row["fieldwork_date"] or "",
            str(row["council_name"]).lower(),
            row["council_id"],
        ),
    )


def export(rows: list[dict[str, Any]]) -> str:
    """The table as CSV, in the table's order; `at_risk` as a count."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _ in COLUMNS])
    for row in rows:
        writer.writerow([_cell(len(v) if isinstance(v, list) else v) for v in (row[key] for _, key in COLUMNS)])
    return out.getvalue()


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A council name starting with = + - @ would be run as a formula by spreadsheets: kept as plain text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
