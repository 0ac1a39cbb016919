"""Alembic environment: migrates the database named by the settings (or by the caller's connection)."""

from __future__ import annotations

from alembic import context

from server.domain.db import engine_for
from server.domain.models import Base
from server.settings import get_settings

target_metadata = Base.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    with engine_for(get_settings().database_url).connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


run()
