"""Engine and sessions. One engine per database URL, created on first use.

A unit of work that writes takes SQLite's write lock when it begins (`BEGIN IMMEDIATE`, SQLAlchemy's documented
pysqlite recipe), so two turns never both read and then both try to write: the second waits its turn (the busy
timeout) instead of failing with "database is locked". A read-only unit (`read_scope`) begins as usual and never
waits for a writer (WAL). `run` retries a whole unit of work that met a busy database, a PostgreSQL serialization
failure or deadlock, a connection the database dropped, or a race to insert the same row.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from server.settings import ROOT, get_settings

log = logging.getLogger(__name__)
# How long a SQLite writer waits for the write lock before its attempt fails (then `run` tries again).
BUSY_TIMEOUT_SECONDS = 5.0
# PostgreSQL's SQLSTATEs for a transaction that lost a race and may simply be run again.
RETRYABLE_PG = frozenset({"40001", "40P01"})
READ_ONLY = "casetracking_read_only"


class Busy(Exception):
    """The database stayed busy through every attempt: nothing of the unit of work was kept."""


@lru_cache(maxsize=8)
def engine_for(url: str) -> Engine:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # The driver's own transaction handling is off: SQLAlchemy says when a transaction begins (below).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            # WAL lets readers read while one writer writes; foreign keys are off by default.
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            read_only = conn.get_execution_options().get(READ_ONLY, False)
            conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

        return engine
    # No ping before each use: it cost a round trip on every unit of work. A connection the server lost (PostgreSQL
    # restarted) fails its first statement instead, the pool drops it, and `run` runs the unit of work again on a
    # new one (SQLAlchemy's "optimistic" disconnect handling).
    return create_engine(url)


def get_engine() -> Engine:
    return engine_for(get_settings().database_url)


@lru_cache(maxsize=16)
def _factory(url: str, read_only: bool = False) -> sessionmaker[Session]:
    engine = engine_for(url)
    return sessionmaker(engine.execution_options(**{READ_ONLY: True}) if read_only else engine, expire_on_commit=False)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A unit of work: committed if the block succeeds, rolled back if it raises."""
    session = _factory(get_settings().database_url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_scope() -> Iterator[Session]:
    """A unit of work that only reads: on SQLite it does not wait for (or hold up) a writer."""
    session = _factory(get_settings().database_url, read_only=True)()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def retryable(exc: BaseException) -> bool:
    """Whether running the same unit of work again may succeed: the database was busy, or it lost a race."""
    if isinstance(exc, IntegrityError):
        return True  # two first messages at once both made the conversation: the second finds it next time
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True  # the connection was gone (the database restarted): the pool has dropped it
    if isinstance(exc, OperationalError) and "locked" in str(exc.orig).lower():
        return True
    code = getattr(getattr(exc, "orig", None), "sqlstate", None) if isinstance(exc, DBAPIError) else None
    return code in RETRYABLE_PG


def run[T](work: Callable[[Session], T], attempts: int = 3) -> T:
    """Run `work` as one unit of work, committed once; run again from the start (nothing of a failed attempt is
    kept) when the database was busy or the attempt lost a race. Raises Busy when every attempt failed so."""
    for attempt in range(attempts):
        try:
            with session_scope() as session:
                return work(session)
        except DBAPIError as exc:
            if not retryable(exc):
                raise
            log.warning("unit of work retried", extra={"attempt": attempt + 1, "error": type(exc).__name__})
            time.sleep(0.01 * (attempt + 1))
    raise Busy()


def upgrade(url: str) -> None:
    """Bring the database at `url` to the newest migration (what `alembic upgrade head` does)."""
    from alembic import command
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    with engine_for(url).connect() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        connection.commit()
