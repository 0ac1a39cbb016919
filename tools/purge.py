"""`make purge`: remove the personal data of cases whose council's assessment closed more than RETENTION_DAYS ago.

Phone numbers, representatives' names and contacts, everything typed or sent, and conversations keyed by a phone
number go; the case rows, consent states and the audit chain stay (one `case.purged` event per case, counts only).
Conversations never tied to a case and quiet for RETENTION_DAYS go with their messages. Then the spoken prompts in
AUDIO_CACHE_DIR that repeat a purged person's words go (and every prompt unused for AUDIO_KEEP_DAYS), and an SQLite
database is vacuumed, so deleted rows do not linger in its file. Prints counts, never what was removed.
`--now` pretends it is another day (for tests); `--dry-run` changes nothing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from easyread.audio import AudioCache
from server.domain import retention
from server.domain.db import get_engine, session_scope
from server.domain.models import as_utc
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
    return as_utc(at)


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
    if not args.dry_run:
        forget_audio(report)
        vacuum()
    print(summary(report, days, dry_run=args.dry_run))
    return 0


def forget_audio(report: retention.PurgeReport) -> None:
    """Spoken prompts hold words too: those repeating a purged person's words go now; and, as during calls, every
    prompt nobody used for AUDIO_KEEP_DAYS (a read-back whose words changed shape on the way still goes then)."""
    settings = get_settings()
    cache = AudioCache(Path(settings.audio_cache_dir), settings.voice_name, settings.voice_rate)
    forgotten = cache.forget_words(report.personal_words)
    unused = cache.prune(settings.audio_keep_days * 86_400)
    if forgotten or unused:
        report.counts["spoken_prompts_deleted"] += forgotten + unused


def vacuum() -> None:
    """SQLite keeps deleted rows in free pages and its write-ahead log until they are reused: rebuild the file and
    empty the log, so what was purged is gone from the disk too. (PostgreSQL's own autovacuum reclaims its space.)"""
    engine = get_engine()
    if engine.dialect.name != "sqlite":
        return
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM"))
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    except SQLAlchemyError as exc:  # another process busy with the file: the next daily purge vacuums
        print(f"Could not vacuum the database ({type(exc).__name__}); the next purge will.", file=sys.stderr)


def summary(report: retention.PurgeReport, days: int, *, dry_run: bool) -> str:
    cutoff = report.cutoff.date().isoformat()
    if not report.cases and not report.counts:
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
