"""`make audit-verify` as it is run: a subprocess on DATABASE_URL, after rows were tampered with in the database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, delete, func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from server.domain import audit, audit_checkpoints
from server.domain.db import engine_for, session_scope, upgrade
from server.domain.models import AuditEvent, Base, DatabaseIdentity
from server.settings import ROOT, get_settings
from tests.support import run_coroutine

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


# -- signed checkpoints: what the chain alone cannot show


def checkpoints_file() -> Path:
    return get_settings().audit_checkpoint_path


def signed(database_url: str) -> list[int]:
    """The six-event chain, verified once, which signs a checkpoint of its head."""
    ids = chain(database_url)
    run = verify(database_url)
    assert run.code == 0, run.out
    assert "signed the first one" in run.out
    assert len(checkpoints_file().read_text().splitlines()) == 1
    return ids


def test_every_verify_signs_a_checkpoint_outside_the_database(settings_env: str) -> None:
    ids = signed(settings_env)
    [line] = checkpoints_file().read_text().splitlines()
    point = json.loads(line)
    assert point["events"] == 6 and len(point["mac"]) == 64
    with session_scope() as session:
        assert point["head"] == session.scalars(select(AuditEvent.hash).where(AuditEvent.id == ids[-1])).one()
        audit.append(session, "tester", "x.later", None, {})
    run = verify(settings_env)
    assert run.code == 0, run.out
    assert run.out.startswith("7 events, chain intact") and "Holds all 1 signed checkpoints" in run.out
    assert len(checkpoints_file().read_text().splitlines()) == 2


def test_an_edited_event_is_caught_after_a_checkpoint(settings_env: str) -> None:
    ids = signed(settings_env)
    with engine_for(settings_env).begin() as conn:
        conn.execute(update(AuditEvent).where(AuditEvent.id == ids[3]).values(action="consent.declined"))
    run = verify(settings_env)
    assert run.code == 1 and "edited" in run.out, run.out


def test_deleting_the_newest_event_is_caught(settings_env: str) -> None:
    ids = signed(settings_env)
    with engine_for(settings_env).begin() as conn:
        conn.execute(delete(AuditEvent).where(AuditEvent.id == ids[-1]))
    run = verify(settings_env)
    assert run.code == 1, run.out
    assert "truncated" in run.out and "signed 6 events, the chain has 5" in run.out
    # A failed check signs nothing: the good checkpoint stays the newest.
    assert len(checkpoints_file().read_text().splitlines()) == 1
    assert verify(settings_env).code == 1


def test_deleting_the_oldest_event_is_caught(settings_env: str) -> None:
    ids = signed(settings_env)
    with engine_for(settings_env).begin() as conn:
        conn.execute(delete(AuditEvent).where(AuditEvent.id == ids[0]))
    run = verify(settings_env)
    assert run.code == 1 and "removed" in run.out, run.out


def test_a_chain_rewritten_with_fresh_valid_hashes_is_caught(settings_env: str) -> None:
    signed(settings_env)
    # Whoever can write the database replaces the whole chain with a story of their own, every hash valid.
    with engine_for(settings_env).begin() as conn:
        conn.execute(delete(AuditEvent))
    with session_scope() as session:
        for n, action in enumerate(ACTIONS):
            audit.append(session, "tester", action.replace("consent.given", "consent.declined"), None, {"n": n})
        assert audit.verify(session).broken is None
    run = verify(settings_env)
    assert run.code == 1, run.out
    assert "rewritten: event number 6 is not the one signed" in run.out


def test_a_forged_checkpoint_is_refused(settings_env: str) -> None:
    ids = signed(settings_env)
    with engine_for(settings_env).begin() as conn:
        conn.execute(delete(AuditEvent).where(AuditEvent.id == ids[-1]))
    # Adding a checkpoint of the shortened chain needs the key, which is not in the database.
    point = json.loads(checkpoints_file().read_text())
    forged = {**point, "events": 5, "head": "0" * 64, "mac": "f" * 64}
    with checkpoints_file().open("a") as out:
        out.write(json.dumps(forged) + "\n")
    run = verify(settings_env)
    assert run.code == 1 and "not signed with the checkpoint key" in run.out, run.out


def test_the_scheduled_jobs_sign_a_checkpoint_every_audit_checkpoint_minutes(
    settings_env: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from server import jobs

    monkeypatch.setenv("AUDIT_CHECKPOINT_MINUTES", "30")
    get_settings.cache_clear()
    chain(settings_env)
    start = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    assert run_coroutine(jobs.run_once(start))["audit_checkpoints"] == 1
    assert jobs.checkpoint(start + timedelta(minutes=29)) == 0
    assert jobs.checkpoint(start + timedelta(minutes=31)) == 1
    assert len(checkpoints_file().read_text().splitlines()) == 2
    # A truncated chain is never signed by the jobs either.
    with engine_for(settings_env).begin() as conn:
        newest = conn.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
        conn.execute(delete(AuditEvent).where(AuditEvent.id == newest))
    assert jobs.checkpoint(start + timedelta(hours=2)) == 0
    assert verify(settings_env).code == 1


# -- checkpoints per database: each database's identity, made at its first migration


@contextmanager
def database_at(kind: str, tmp_path: Path, postgres_url: str, name: str) -> Iterator[Callable[[], str]]:
    """A database address that can be started afresh (`fresh()`: an empty database there, migrated from the first
    migration, with an identity of its own), as an operator starts a new database at the same DATABASE_URL."""
    if kind == "sqlite":
        path = tmp_path / f"{name}.db"
        url = f"sqlite:///{path}"

        def fresh_sqlite() -> str:
            engine_for(url).dispose()
            path.unlink(missing_ok=True)
            upgrade(url)
            return url

        yield fresh_sqlite
        engine_for(url).dispose()
        return
    database = postgres_url.rsplit("/", 1)[1] + f"_{name}"
    url = postgres_url.rsplit("/", 1)[0] + "/" + database
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")

    def fresh_postgres() -> str:
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        upgrade(url)
        return url

    try:
        yield fresh_postgres
    finally:
        engine_for(url).dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        admin.dispose()


def events_in(url: str, count: int) -> None:
    with Session(engine_for(url)) as session, session.begin():
        for n in range(count):
            audit.append(session, "tester", f"x.event_{n}", None, {"n": n})


def identity_of(url: str) -> str:
    with engine_for(url).connect() as conn:
        found = conn.execute(select(DatabaseIdentity.identity)).scalar_one()
    return str(found)


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_fresh_database_at_the_same_address_verifies_and_the_replaced_one_is_named(
    kind: str, settings_env: str, tmp_path: Path, postgres_url: str
) -> None:
    with database_at(kind, tmp_path, postgres_url, "replaced") as fresh:
        old = fresh()
        events_in(old, 6)
        first = verify(old)
        assert first.code == 0 and "signed the first one" in first.out, first.out
        assert verify(old).code == 0
        old_identity = identity_of(old)
        assert f"identity {old_identity}" in first.out
        # The operator starts again on a new, empty database at the same DATABASE_URL.
        new = fresh()
        assert new == old and identity_of(new) != old_identity
        events_in(new, 2)
        run = verify(new)
        assert run.code == 0, run.out
        assert run.out.startswith("2 events, chain intact")
        assert f"Database: {make_url(new).render_as_string(hide_password=True)} (identity {identity_of(new)}" in run.out
        replaced = "This database replaced another at the same address: the file holds 2 checkpoints of database"
        assert f"{replaced} {old_identity}" in run.out
        assert "No checkpoint of this database yet: signed the first one." in run.out
        # From now on it is judged by its own checkpoints: deleting its newest event is caught.
        with engine_for(new).begin() as conn:
            newest = conn.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)).scalar_one()
            conn.execute(delete(AuditEvent).where(AuditEvent.id == newest))
        run = verify(new)
        assert run.code == 1 and "truncated: the checkpoint of" in run.out and "signed 2 events" in run.out, run.out


def test_a_file_with_checkpoints_only_for_another_database_says_so(
    settings_env: str, tmp_path: Path, postgres_url: str
) -> None:
    with database_at("sqlite", tmp_path, postgres_url, "elsewhere") as fresh:
        other = fresh()
        events_in(other, 3)
        assert verify(other).code == 0
    chain(settings_env)
    run = verify(settings_env)
    assert run.code == 0, run.out
    assert "The checkpoint file holds checkpoints only for other databases (1), none for this one." in run.out
    assert "replaced" not in run.out
    assert "Holds all 1 signed checkpoints" in verify(settings_env).out


def legacy_checkpoint(url: str) -> None:
    """A checkpoint as written before databases had identities: its database named by its address alone."""
    with Session(engine_for(url)) as session:
        head = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        count = session.scalar(select(func.count()).select_from(AuditEvent))
    body: dict[str, object] = {
        "events": count,
        "head": head.hash,
        "at": datetime.now(UTC).isoformat(),
        "database": audit_checkpoints.database_id(url),
    }
    with checkpoints_file().open("a") as out:
        out.write(json.dumps({**body, "mac": audit_checkpoints._mac(body)}) + "\n")


@pytest.mark.parametrize("from_upgrade", [True, False])
def test_checkpoints_from_before_identities_belong_to_a_database_upgraded_with_its_events(
    settings_env: str, from_upgrade: bool
) -> None:
    ids = chain(settings_env)
    legacy_checkpoint(settings_env)
    with session_scope() as session:
        audit_checkpoints.identity(session)  # made at the migration (the tests' PostgreSQL empties every table)
    with engine_for(settings_env).begin() as conn:
        conn.execute(update(DatabaseIdentity).values(from_upgrade=from_upgrade))
        conn.execute(delete(AuditEvent).where(AuditEvent.id == ids[-1]))
    run = verify(settings_env)
    if from_upgrade:
        # Its own checkpoint from before the upgrade still holds it to its 6 events.
        assert run.code == 1 and "truncated" in run.out and "signed 6 events, the chain has 5" in run.out, run.out
    else:
        # A new database, made with every migration at once: that checkpoint was of the one before it.
        assert run.code == 0 and "This database replaced another at the same address" in run.out, run.out
