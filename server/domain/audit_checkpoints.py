"""Signed checkpoints of the audit chain, kept outside the database.

A hash chain shows an edited or removed event, but not that its newest events were deleted, nor that the whole
chain was rewritten with fresh, valid hashes. So the chain's head (how many events, the newest hash, when) is
signed with a key that is not in the database (HMAC-SHA256, server.keys.checkpoint_key) and appended as one JSON
line to AUDIT_CHECKPOINT_PATH. Verifying then also checks that every checkpoint of this database still holds: the
chain is at least as long, and the event at each checkpointed position has the hash that was signed.

Each line names its database by the database's own identity (made at its first migration, in the database itself)
and the address it was reached at (a hash of DATABASE_URL without any password). Checkpoints are kept per identity,
so a fresh database is judged by none of an old one's; checkpoints of other databases (tests, another environment)
in the same file are ignored; and when the file holds checkpoints for this address under another identity, the
database there was replaced, and verifying says so. Lines are only ever appended.

Lines written before databases had identities name their database by the address alone: they are this database's
own when its identity was made by upgrading a database that already had audit events (`from_upgrade`), and an
earlier database's (replaced) otherwise.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.domain import audit
from server.domain.models import AuditEvent, DatabaseIdentity, iso, utcnow
from server.keys import checkpoint_key
from server.settings import get_settings


class BadCheckpoints(Exception):
    """The checkpoint file has a line that is unreadable or not signed with the checkpoint key."""


@dataclass(frozen=True)
class Checkpoint:
    events: int
    head: str
    at: str
    # The database's identity; on a line written before identities, the hash of its address.
    database: str
    # The hash of the address it was reached at (None on a line written before identities).
    address: str | None = None

    def body(self) -> dict[str, object]:
        body: dict[str, object] = {"events": self.events, "head": self.head, "at": self.at, "database": self.database}
        if self.address is not None:
            body["address"] = self.address
        return body


@dataclass(frozen=True)
class Replaced:
    """Another database that was at this address, as the checkpoint file remembers it."""

    database: str
    checkpoints: int
    newest: str


@dataclass(frozen=True)
class Found:
    """What the checkpoint file holds, for the database being checked."""

    # This database's own checkpoints, oldest first.
    own: list[Checkpoint]
    # Other databases that were at this same address: each was replaced by this one (or by one since).
    replaced: list[Replaced]
    # How many databases elsewhere (other addresses) the file has checkpoints of.
    elsewhere: int


@dataclass(frozen=True)
class Identity:
    """Which database this is: its identity, when it was made, the address it was reached at (no password)."""

    database: str
    created_at: str
    from_upgrade: bool
    name: str
    address: str


@dataclass(frozen=True)
class Comparison:
    checkpoints: int
    newest: Checkpoint | None
    # None when the chain holds every checkpoint; else what is wrong, in words.
    problem: str | None
    identity: Identity | None = None
    replaced: tuple[Replaced, ...] = ()
    elsewhere: int = 0


def database_id(url: str | None = None) -> str:
    """Which address a checkpoint was signed at: a hash of the database URL without the password."""
    rendered = make_url(url or get_settings().database_url).render_as_string(hide_password=True)
    return hashlib.sha256(rendered.encode()).hexdigest()[:16]


def database_name(url: str | None = None) -> str:
    """The database's address as people read it, without the password."""
    return make_url(url or get_settings().database_url).render_as_string(hide_password=True)


def identity(session: Session) -> Identity:
    """This database's identity. Made at its first migration (0007); made here when the row is missing (a
    database emptied by hand), which verifying then reports as a database replaced at its address."""
    row = session.get(DatabaseIdentity, 1)
    if row is None:
        try:
            with session.begin_nested():
                session.add(DatabaseIdentity(id=1, identity=uuid.uuid4().hex, created_at=utcnow()))
        except IntegrityError:  # another server made it at the same moment
            pass
        row = session.get(DatabaseIdentity, 1, populate_existing=True)
        assert row is not None
    return Identity(row.identity, iso(row.created_at), row.from_upgrade, database_name(), database_id())


def _mac(body: dict[str, object]) -> str:
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hmac.new(checkpoint_key(), canonical.encode(), hashlib.sha256).hexdigest()


def _lines(path: Path) -> list[tuple[int, Checkpoint, str]]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    found = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            address = raw.get("address")
            point = Checkpoint(
                int(raw["events"]),
                str(raw["head"]),
                str(raw["at"]),
                str(raw["database"]),
                None if address is None else str(address),
            )
            mac = str(raw["mac"])
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BadCheckpoints(f"line {number} of the checkpoint file cannot be read") from exc
        found.append((number, point, mac))
    return found


def read(session: Session, path: Path | None = None) -> Found:
    """This database's checkpoints, and the databases replaced at its address. Raises BadCheckpoints on any
    line of either that does not verify (another address's lines may be under another key: not judged)."""
    path = path or get_settings().audit_checkpoint_path
    me = identity(session)
    own: list[Checkpoint] = []
    replaced: dict[str, list[Checkpoint]] = {}
    elsewhere: set[str] = set()
    for number, point, mac in _lines(path):
        legacy = point.address is None
        at_this_address = point.database == me.address if legacy else point.address == me.address
        if point.database != me.database and not at_this_address:
            elsewhere.add(point.database)
            continue
        if not hmac.compare_digest(mac, _mac(point.body())):
            raise BadCheckpoints(f"line {number} of the checkpoint file is not signed with the checkpoint key")
        if point.database == me.database or (legacy and me.from_upgrade):
            own.append(point)
        else:
            replaced.setdefault(point.database, []).append(point)
    gone = [Replaced(database, len(points), points[-1].at) for database, points in replaced.items()]
    return Found(own, gone, len(elsewhere))


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
    me = identity(session)
    head = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).first()
    # Counted up to that head, so an event appended meanwhile by another server does not skew the pair.
    upto = select(func.count()).select_from(AuditEvent).where(AuditEvent.id <= (head.id if head else 0))
    events = session.scalar(upto) or 0
    point = Checkpoint(events, head.hash if head else audit.GENESIS, iso(now or utcnow()), me.database, me.address)
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
    """Verify the chain and this database's checkpoints; sign a new checkpoint only when both hold (never sign a
    bad chain).

    Raises BadCheckpoints when the checkpoint file itself was tampered with."""
    check = audit.verify(session)
    if check.broken is not None:
        return check, None
    found = read(session)
    comparison = compare(session, found.own)
    comparison = Comparison(
        comparison.checkpoints,
        comparison.newest,
        comparison.problem,
        identity(session),
        tuple(found.replaced),
        found.elsewhere,
    )
    if comparison.problem is None:
        write(session, now)
    return check, comparison
