"""Append-only audit events, each chained to the previous one by a SHA-256 hash."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.domain.models import AuditEvent, utcnow

GENESIS = "0" * 64
_LOCK_KEY = 27560


def _utc(at: datetime) -> str:
    # SQLite hands back naive datetimes and PostgreSQL aware ones: hash one canonical UTC form.
    aware = at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)
    return aware.isoformat()


def _digest(
    prev_hash: str, at: datetime, actor: str, action: str, case_id: int | None, detail: dict[str, object]
) -> str:
    body = json.dumps(
        {"prev": prev_hash, "at": _utc(at), "actor": actor, "action": action, "case": case_id, "detail": detail},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def append(session: Session, actor: str, action: str, case_id: int | None, detail: dict[str, object]) -> AuditEvent:
    """Add an event after the newest one. `detail` must hold no personal data."""
    if session.get_bind().dialect.name == "postgresql":
        # Several servers share the database: one writer at a time extends the chain (released at commit).
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    for attempt in range(5):
        last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
        prev_hash = last.hash if last else GENESIS
        at = utcnow()
        event = AuditEvent(
            at=at,
            actor=actor,
            action=action,
            case_id=case_id,
            detail=detail,
            prev_hash=prev_hash,
            hash=_digest(prev_hash, at, actor, action, case_id, detail),
        )
        try:
            with session.begin_nested():
                session.add(event)
            return event
        except IntegrityError:
            # Another writer took that place in the chain first (prev_hash is unique): link after theirs.
            if attempt == 4:
                raise
    raise AssertionError("unreachable")


def events_for(session: Session, case_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case_id).order_by(AuditEvent.id)))


def first_broken(session: Session) -> AuditEvent | None:
    """The first event whose hash or link does not match, or None when the chain is whole."""
    prev_hash = GENESIS
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)):
        expected = _digest(prev_hash, event.at, event.actor, event.action, event.case_id, event.detail)
        if event.prev_hash != prev_hash or event.hash != expected:
            return event
        prev_hash = event.hash
    return None
