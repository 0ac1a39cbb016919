"""`make purge`: remove the personal data of cases whose council's assessment closed more than RETENTION_DAYS ago.

Phone numbers, representatives' names and contacts, everything typed or sent, and conversations keyed by a phone
number go; the case rows, consent states and the audit chain stay (one `case.purged` event per case, counts only).
Prints counts, never what was removed. `--now` pretends it is another day (for tests); `--dry-run` changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from sqlalchemy.exc import SQLAlchemyError

from server.domain import retention
from server.domain.db import session_scope
from server.settings import get_settings

ACTOR = "make-purge"


class DryRun(Exception):
    """Raised to roll the purge back after counting what it would do."""


def parse_now(text: str) -> datetime:
    """An ISO date (midnight UTC) or date and time (UTC when no offset is given)."""
    try:
        at = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO date or date and time: {text!r}") from exc
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.purge", description="Purge personal data after retention.")
    parser.add_argument("--now", type=parse_now, default=None, help="the date to purge as of (ISO), default today")
    parser.add_argument("--dry-run", action="store_true", help="count what would be purged, change nothing")
    args = parser.parse_args(argv)
    now: datetime = args.now or datetime.now(UTC)
    days = get_settings().retention_days
    if days < 0:
        print("RETENTION_DAYS must be 0 or more.", file=sys.stderr)
        return 2
    report: retention.PurgeReport | None = None
    try:
        with session_scope() as session:
            report = retention.purge(session, now, days, ACTOR)
            if args.dry_run:
                raise DryRun
    except DryRun:
        pass
    except SQLAlchemyError as exc:
        # The exception's text can carry the database address: say only what kind of failure it was.
        print(f"Could not purge ({type(exc).__name__}): nothing was changed. Is DATABASE_URL right?", file=sys.stderr)
        return 2
    assert report is not None
    print(summary(report, days, dry_run=args.dry_run))
    return 0


def summary(report: retention.PurgeReport, days: int, *, dry_run: bool) -> str:
    cutoff = report.cutoff.date().isoformat()
    if not report.cases:
        return (
            f"Nothing to purge: no case of an assessment closed before {cutoff} ({days} days ago) holds personal data."
        )
    verb = "Would purge" if dry_run else "Purged"
    lines = [f"{verb} {len(report.cases)} cases of assessments closed before {cutoff} ({days} days ago):"]
    lines += [f"  {name.replace('_', ' ')}: {count}" for name, count in sorted(report.counts.items())]
    if dry_run:
        lines.append("Dry run: nothing was changed.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
