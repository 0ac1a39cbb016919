"""Shared fixtures: a migrated database on SQLite and on PostgreSQL, and the app with its settings."""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from server.domain.db import engine_for, upgrade
from server.domain.models import Base
from server.settings import get_settings
from tests.fakes.twilio_api import FakeTwilio, running_fake_twilio
from tests.support import ADMIN_TOKEN, twilio_settings

PG_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite:///{path}")
    engine_for(f"sqlite:///{path}").dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A database of its own for this run, migrated once, dropped at the end."""
    name = f"ct_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # a missing server is a failed run, never a skipped one
        pytest.fail(f"PostgreSQL is not reachable at {PG_ADMIN_URL}: start it (see .ci/run). {exc}")
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    yield url
    engine_for(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[str]:
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        shutil.copy(sqlite_template, path)
        url = f"sqlite:///{path}"
        yield url
        engine_for(url).dispose()
        return
    url = request.getfixturevalue("postgres_url")
    with engine_for(url).begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield url


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch, database_url: str, tmp_path: Path) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    # Audit checkpoints of test databases stay with the test, never in the project's var/.
    monkeypatch.setenv("AUDIT_CHECKPOINT_PATH", str(tmp_path / "audit-checkpoints.jsonl"))
    # Spoken prompts too (`make purge` deletes some): a test's own var/, never the project's.
    monkeypatch.setenv("AUDIO_CACHE_DIR", str(tmp_path / "var" / "audio"))
    monkeypatch.setenv("ADMIN_TOKEN", ADMIN_TOKEN)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


@pytest.fixture
def rasa_down(monkeypatch: pytest.MonkeyPatch, settings_env: str) -> None:
    """Rasa at an address where nothing listens (not whichever Rasa happens to run on this machine): a message
    that needs the model is kept and answered "we will reply soon". Ask for it before `client`."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("RASA_URL", f"http://127.0.0.1:{port}")
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def fake_twilio() -> Iterator[FakeTwilio]:
    with running_fake_twilio() as fake:
        yield fake


@pytest.fixture
def twilio_env(monkeypatch: pytest.MonkeyPatch, settings_env: str, fake_twilio: FakeTwilio) -> FakeTwilio:
    """The app with a Twilio account whose REST API is the local fake; TestClient's address is the public one."""
    fake_twilio.clear()
    for key, value in twilio_settings(fake_twilio, "http://testserver").items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    return fake_twilio


@pytest.fixture
def client(settings_env: str) -> Iterator[TestClient]:
    from server.app import create_app

    with TestClient(create_app()) as test_client:
        yield test_client
