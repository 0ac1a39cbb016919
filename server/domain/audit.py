"""Append-only audit events, each chained to the previous one by a SHA-256 hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.domain.models import AuditEvent, iso, utcnow

GENESIS = "0" * 64
_LOCK_KEY = 27560


def _utc(at: datetime) -> str:
    # One canonical UTC form is hashed, whatever zone the time was written in.
    return iso(at)


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


@dataclass(frozen=True)
class Break:
    """The first event where the chain does not hold, and what is wrong with it."""

    event: AuditEvent
    # edited: its content no longer matches its hash.
    # removed: it links to a predecessor that is not in the table.
    # out_of_order: it links to an event that is in the table, but not to the one stored before it.
    problem: Literal["edited", "removed", "out_of_order"]
    # The event stored just before it (None when it is the first), and for out_of_order the one it links to.
    previous_id: int | None
    linked_id: int | None = None

    def explain(self) -> str:
        if self.problem == "edited":
            return "edited: its content no longer matches its hash (the row was changed after it was written)"
        if self.problem == "removed":
            before = f"event {self.previous_id}" if self.previous_id is not None else "the start of the chain"
            return (
                "removed: it links to a predecessor that is not in the table "
                f"(an event between {before} and this one was deleted, or rewritten with a new hash)"
            )
        before = f"event {self.previous_id}" if self.previous_id is not None else "the start of the chain"
        return (
            f"out of order: it links to event {self.linked_id}, not to {before} stored before it "
            "(rows were moved or swapped)"
        )


@dataclass(frozen=True)
class ChainCheck:
    events: int
    # The hash of the last event that checked out: the newest event's when the chain is whole. A chain cannot
    # show that its newest events were deleted; noting this head elsewhere and comparing later can.
    head: str
    broken: Break | None


def verify(session: Session) -> ChainCheck:
    """Walk the chain in id order; say where and how it first breaks, or that it is whole."""
    total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
    prev_hash = GENESIS
    previous_id: int | None = None
    found: tuple[AuditEvent, bool] | None = None
    rows = session.scalars(select(AuditEvent).order_by(AuditEvent.id).execution_options(yield_per=500))
    for event in rows:
        expected = _digest(prev_hash, event.at, event.actor, event.action, event.case_id, event.detail)
        if event.prev_hash != prev_hash or event.hash != expected:
            # Does the row still match its own hash, whatever it links to? Then only its place is wrong.
            intact = event.hash == _digest(
                event.prev_hash, event.at, event.actor, event.action, event.case_id, event.detail
            )
            found = (event, intact)
            break
        prev_hash = event.hash
        previous_id = event.id
    rows.close()
    if found is None:
        return ChainCheck(events=total, head=prev_hash, broken=None)
    event, intact = found
    if not intact:
        return ChainCheck(total, prev_hash, Break(event, "edited", previous_id))
    linked = session.scalar(select(AuditEvent.id).where(AuditEvent.hash == event.prev_hash))
    if linked is None:
        return ChainCheck(total, prev_hash, Break(event, "removed", previous_id))
    return ChainCheck(total, prev_hash, Break(event, "out_of_order", previous_id, linked))


def first_broken(session: Session) -> AuditEvent | None:
    """The first event whose hash or link does not match, or None when the chain is whole."""
    broken = verify(session).broken
    return broken.event if broken else None
