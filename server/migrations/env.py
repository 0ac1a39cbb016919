"""Alembic environment: migrates the database named by the settings (or by the caller's connection)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from server.domain.db import engine_for
from server.domain.models import Base
from server.settings import get_settings

target_metadata = Base.metadata


def _pragma(connection: Connection, sql: str) -> None:
    """A pragma outside any transaction (inside one, SQLite ignores foreign_keys): straight to the driver, which
    begins nothing by itself (server.domain.db)."""
    connection.connection.dbapi_connection.execute(sql)  # type: ignore[union-attr]


def _migrate(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # SQLite alters a table by copying it and dropping the old one, which other tables' foreign keys
        # would refuse; they are checked again below, once every table is in place.
        _pragma(connection, "PRAGMA foreign_keys=OFF")
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        connection.commit()
        _pragma(connection, "PRAGMA foreign_keys=ON")
        if broken:
            raise RuntimeError(f"Migration left {len(broken)} rows pointing at missing rows.")


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    with engine_for(get_settings().database_url).connect() as conn:
        _migrate(conn)
        conn.commit()


run()
