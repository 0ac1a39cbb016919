"""Signed checkpoints of the audit chain, kept outside the database.

A hash chain shows an edited or removed event, but not that its newest events were deleted, nor that the whole
chain was rewritten with fresh, valid hashes. So the chain's head (how many events, the newest hash, when) is
signed with a key that is not in the database (HMAC-SHA256, server.keys.checkpoint_key) and appended as one JSON
line to AUDIT_CHECKPOINT_PATH. Verifying then also checks that every checkpoint of this database still holds: the
chain is at least as long, and the event at each checkpointed position has the hash that was signed.

Each line names its database by a hash of DATABASE_URL (without any password), so checkpoints of other databases
(tests, another environment) in the same file are ignored. Lines are only ever appended.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from server.domain import audit
from server.domain.models import AuditEvent, iso, utcnow
from server.keys import checkpoint_key
from server.settings import get_settings


class BadCheckpoints(Exception):
    """The checkpoint file has a line that is unreadable or not signed with the checkpoint key."""


@dataclass(frozen=True)
class Checkpoint:
    events: int
    head: str
    at: str
    database: str

    def body(self) -> dict[str, object]:
        return {"events": self.events, "head": self.head, "at": self.at, "database": self.database}


@dataclass(frozen=True)
class Comparison:
    checkpoints: int
    newest: Checkpoint | None
    # None when the chain holds every checkpoint; else what is wrong, in words.
    problem: str | None


def database_id(url: str | None = None) -> str:
    """Which database a checkpoint is of: a hash of its URL without the password."""
    rendered = make_url(url or get_settings().database_url).render_as_string(hide_password=True)
    return hashlib.sha256(rendered.encode()).hexdigest()[:16]


def _mac(body: dict[str, object]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hmac.new(checkpoint_key(), canonical.encode(), hashlib.sha256).hexdigest()


def read(path: Path | None = None, database: str | None = None) -> list[Checkpoint]:
    """This database's checkpoints, oldest first. Raises BadCheckpoints on any line that does not verify."""
    path = path or get_settings().audit_checkpoint_path
    database = database or database_id()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    found: list[Checkpoint] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            point = Checkpoint(int(raw["events"]), str(raw["head"]), str(raw["at"]), str(raw["database"]))
            mac = str(raw["mac"])
        except (ValueError, KeyError, TypeError) as exc:
            raise BadCheckpoints(f"line {number} of the checkpoint file cannot be read") from exc
        if point.database != database:
            continue  # another database's (tests, another environment), perhaps under another key
        if not hmac.compare_digest(mac, _mac(point.body())):
            raise BadCheckpoints(f"line {number} of the checkpoint file is not signed with the checkpoint key")
        found.append(point)
    return found


def compare(session: Session, checkpoints: list[Checkpoint]) -> Comparison:
    """Whether the chain in the database still holds every checkpoint (run after audit.verify found it whole)."""
    newest = checkpoints[-1] if checkpoints else None
    wanted: dict[int, Checkpoint] = {}
    for signed in checkpoints:
        wanted.setdefault(signed.events, signed)
    position = 0
    rows = session.scalars(select(AuditEvent.hash).order_by(AuditEvent.id).execution_options(yield_per=1000))
    problem: str | None = None
    for position, digest in enumerate(rows, start=1):
        point = wanted.get(position)
        if point is not None and point.head != digest:
            problem = (
                f"rewritten: event number {position} is not the one signed in the checkpoint of {point.at} "
                "(the chain was replaced or rewritten since)"
            )
            break
    rows.close()
    if problem is None and newest is not None:
        longest = max(checkpoints, key=lambda p: p.events)
        if position < longest.events:
            problem = (
                f"truncated: the checkpoint of {longest.at} signed {longest.events} events, the chain has {position} "
                "(the newest events were deleted)"
            )
    return Comparison(len(checkpoints), newest, problem)


def write(session: Session, now: datetime | None = None, path: Path | None = None) -> Checkpoint:
    """Sign the chain's head as it is now and append it. Call only after the chain verified."""
    path = path or get_settings().audit_checkpoint_path
    head = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    # Counted up to that head, so an event appended meanwhile by another server does not skew the pair.
    upto = select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= (head.id if head else 0))
    events = session.scalar(upto) or 0
    point = Checkpoint(events, head.hash if head else audit.GENESIS, iso(now or utcnow()), database_id())
    line = json.dumps({**point.body(), "mac": _mac(point.body())}, sort_keys=True) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    # One write of one short line with O_APPEND: lines from several processes never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return point


def due(checkpoints: list[Checkpoint], now: datetime, minutes: int) -> bool:
    if not checkpoints:
        return True
    return datetime.fromisoformat(checkpoints[-1].at) <= now - timedelta(minutes=minutes)


def check_and_sign(session: Session, now: datetime | None = None) -> tuple[audit.ChainCheck, Comparison | None]:
    """Verify the chain and its checkpoints; sign a new checkpoint only when both hold (never sign a bad chain).

    Raises BadCheckpoints when the checkpoint file itself was tampered with."""
    check = audit.verify(session)
    if check.broken is not None:
        return check, None
    comparison = compare(session, read())
    if comparison.problem is None:
        write(session, now)
    return check, comparison
