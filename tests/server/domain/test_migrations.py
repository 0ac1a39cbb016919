"""The migrations build exactly the tables the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.domain.db import engine_for
from server.domain.models import Base


def test_migrations_match_the_models(database_url: str) -> None:
    with engine_for(database_url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_a_database_with_cases_upgrades_from_the_first_migration(tmp_path: object, postgres_url: str) -> None:
    """SQLite rebuilds altered tables; rows that other tables point at must survive it (and on PostgreSQL)."""
    from pathlib import Path

    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from server.settings import ROOT

    assert isinstance(tmp_path, Path)
    rows = [
        "INSERT INTO councils (id, name, created_at) VALUES (1, 'C', '2026-01-01')",
        "INSERT INTO cases (id, council_id, reference, theme, priority, phone, language, invite_code, status,"
        " unsure, created_at, updated_at) VALUES (1, 1, 'R', 'older_people', 'primary', '+447700900123', 'en',"
        " 'ABCDEFGH', 'created', false, '2026-01-01', '2026-01-01')",
        "INSERT INTO conversations (id, channel, case_id, language, stage, explain_step, misunderstood, created_at,"
        " updated_at) VALUES ('web:x', 'web', 1, 'en', 'start', 0, 0, '2026-01-01', '2026-01-01')",
    ]
    fresh = f"sqlite:///{tmp_path / 'old.db'}"
    with create_engine(postgres_url, isolation_level="AUTOCOMMIT").connect() as admin:
        name = postgres_url.rsplit("/", 1)[1].replace("ct_test_", "ct_mig_")
        admin.execute(text(f'CREATE DATABASE "{name}"'))
    pg_url = postgres_url.rsplit("/", 1)[0] + "/" + name
    try:
        for url in (fresh, pg_url):
            config = Config(str(ROOT / "alembic.ini"))
            # As server.domain.db.upgrade migrates: on a connection, committed after (SQLite's foreign keys can
            # only be turned off for the table rebuilds outside a transaction).
            with engine_for(url).connect() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "0001")
                for row in rows:
                    connection.execute(text(row))
                connection.commit()
            with engine_for(url).connect() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                connection.commit()
            with engine_for(url).connect() as connection:
                assert connection.execute(text("SELECT invite_status FROM cases")).scalar() == "not_sent"
                assert connection.execute(text("SELECT case_id FROM conversations")).scalar() == 1
                # A case made before links were gets a link token of its own (192 bits, 32 characters).
                assert len(connection.execute(text("SELECT invite_token FROM cases")).scalar() or "") == 32
                # The database gets its identity at that migration.
                identity = connection.execute(text("SELECT identity FROM database_identity")).scalar()
                assert identity is not None and len(identity) == 32
            engine_for(url).dispose()
    finally:
        with create_engine(postgres_url, isolation_level="AUTOCOMMIT").connect() as admin:
            admin.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
