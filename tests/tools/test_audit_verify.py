"""`make audit-verify` as it is run: a subprocess on DATABASE_URL, after rows were tampered with in the database."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass

from sqlalchemy import delete, select, update

from server.domain import audit
from server.domain.db import engine_for, session_scope
from server.domain.models import AuditEvent, Base
from server.settings import ROOT

ACTIONS = ("council.created", "case.created", "consent.given", "representative.added", "consent.withdrawn", "x.last")


@dataclass(frozen=True)
class Run:
    code: int
    out: str


def verify(database_url: str) -> Run:
    env = {**os.environ, "DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-m", "tools.audit_verify"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    return Run(done.returncode, done.stdout + done.stderr)


def chain(database_url: str) -> list[int]:
    """Six events, one per action, through the real writer; their ids in order."""
    with session_scope() as session:
        for n, action in enumerate(ACTIONS):
            audit.append(session, "tester", action, None, {"n": n})
    with session_scope() as session:
        return list(session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))


def test_a_whole_chain_passes(settings_env: str) -> None:
    chain(settings_env)
    run = verify(settings_env)
    assert run.code == 0, run.out
    assert run.out.startswith("6 events, chain intact")


def test_an_empty_chain_passes(settings_env: str) -> None:
    run = verify(settings_env)
    assert run.code == 0, run.out
    assert run.out.startswith("0 events, chain intact")


def test_an_edited_row_is_named(settings_env: str) -> None:
    ids = chain(settings_env)
    with engine_for(settings_env).begin() as conn:
        conn.execute(update(AuditEvent).where(AuditEvent.id == ids[2]).values(action="consent.declined"))
    run = verify(settings_env)
    assert run.code == 1, run.out
    assert f"first bad event is id {ids[2]} (consent.declined," in run.out
    assert "edited" in run.out


def test_an_edited_detail_is_named(settings_env: str) -> None:
    ids = chain(settings_env)
    with engine_for(settings_env).begin() as conn:
        conn.execute(update(AuditEvent).where(AuditEvent.id == ids[4]).values(detail={"n": "tampered-detail"}))
    run = verify(settings_env)
    assert run.code == 1, run.out
    assert f"first bad event is id {ids[4]} (consent.withdrawn," in run.out
    assert "edited" in run.out
    assert "tampered-detail" not in run.out  # an event's detail is never printed


def test_a_deleted_middle_row_is_named(settings_env: str) -> None:
    ids = chain(settings_env)
    with engine_for(settings_env).begin() as conn:
        conn.execute(delete(AuditEvent).where(AuditEvent.id == ids[2]))
    run = verify(settings_env)
    assert run.code == 1, run.out
    # The gap shows at the event after the deleted one: its predecessor is missing.
    assert f"first bad event is id {ids[3]} (representative.added," in run.out
    assert "removed" in run.out
    assert f"between event {ids[1]} and this one" in run.out


def test_a_deleted_first_row_is_named(settings_env: str) -> None:
    ids = chain(settings_env)
    with engine_for(settings_env).begin() as conn:
        conn.execute(delete(AuditEvent).where(AuditEvent.id == ids[0]))
    run = verify(settings_env)
    assert run.code == 1, run.out
    assert f"first bad event is id {ids[1]} (case.created," in run.out
    assert "removed" in run.out


def _swap(database_url: str, first: int, second: int) -> None:
    """Exchange everything but the ids of two rows (hash and prev_hash are unique: park one row first)."""
    columns = ("at", "actor", "action", "case_id", "detail", "prev_hash", "hash")
    table = Base.metadata.tables["audit_events"]
    with engine_for(database_url).begin() as conn:
        rows = {
            row.id: {name: getattr(row, name) for name in columns}
            for row in conn.execute(select(table).where(table.c.id.in_([first, second])))
        }
        conn.execute(update(table).where(table.c.id == first).values(prev_hash="parked", hash="parked"))
        conn.execute(update(table).where(table.c.id == second).values(**rows[first]))
        conn.execute(update(table).where(table.c.id == first).values(**rows[second]))


def test_two_swapped_rows_are_named(settings_env: str) -> None:
    ids = chain(settings_env)
    _swap(settings_env, ids[1], ids[4])
    run = verify(settings_env)
    assert run.code == 1, run.out
    # The lower id now holds the later event: it is whole, but it is in the wrong place.
    assert f"first bad event is id {ids[1]} (consent.withdrawn," in run.out
    assert "out of order" in run.out
    assert f"links to event {ids[3]}, not to event {ids[0]}" in run.out


def test_two_swapped_neighbours_are_named(settings_env: str) -> None:
    ids = chain(settings_env)
    _swap(settings_env, ids[2], ids[3])
    run = verify(settings_env)
    assert run.code == 1, run.out
    assert f"first bad event is id {ids[2]} (representative.added," in run.out
    assert "out of order" in run.out


def test_first_broken_says_what_is_wrong(settings_env: str) -> None:
    ids = chain(settings_env)
    with engine_for(settings_env).begin() as conn:
        conn.execute(delete(AuditEvent).where(AuditEvent.id == ids[3]))
    with session_scope() as session:
        check = audit.verify(session)
        assert check.events == 5
        assert check.broken is not None
        assert (check.broken.event.id, check.broken.problem, check.broken.previous_id) == (ids[4], "removed", ids[2])
        broken = audit.first_broken(session)
        assert broken is not None
        assert broken.id == ids[4]
