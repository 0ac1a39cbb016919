"""Schemathesis sends requests made from /openapi.json (valid and invalid ones) to the app on PostgreSQL, signed in
as an admin: none may get a server error. A 5xx it finds is a bug to fix where it starts, not to allow here."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import text

from server.app import create_app
from server.domain.db import engine_for
from server.domain.models import Base
from server.settings import get_settings
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN, ADMIN_TOKEN, council_with_staff, new_case, twilio_settings
from tools.stack import free_port

# The app's routes and schema do not depend on settings; its database does, and is set by `live_app` below.
app = create_app()
schema = schemathesis.openapi.from_asgi("/openapi.json", app)


@pytest.fixture(scope="module")
def live_app(postgres_url: str, fake_twilio: FakeTwilio, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with engine_for(postgres_url).begin() as conn:
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    with pytest.MonkeyPatch.context() as env:
        env.setenv("DATABASE_URL", postgres_url)
        env.setenv("ADMIN_TOKEN", ADMIN_TOKEN)
        # Nothing listens here: whatever needs Rasa finds it down, as it may be in real life.
        env.setenv("RASA_URL", f"http://127.0.0.1:{free_port()}")
        env.setenv("JOBS_INTERVAL_SECONDS", "0")
        # POST /api/jobs/run signs audit checkpoints, and prompts get spoken: in the test's own files.
        var = tmp_path_factory.mktemp("var")
        env.setenv("AUDIT_CHECKPOINT_PATH", str(var / "audit-checkpoints.jsonl"))
        env.setenv("AUDIO_CACHE_DIR", str(var / "audio"))
        # A Twilio account (the local fake), so calls and texts can be sent: without one, calls answer 503.
        for key, value in twilio_settings(fake_twilio, "http://testserver").items():
            env.setenv(key, value)
        get_settings.cache_clear()
        with TestClient(app) as client:
            # Something for the generated ids to find: a council, its staff and a case (ids 1).
            council = council_with_staff(client, "Schema Council")
            new_case(client, council.staff, "ST-1")
            yield
    get_settings.cache_clear()


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_gets_a_server_error(case: Any, live_app: None) -> None:
    case.call_and_validate(headers=ADMIN, checks=[not_a_server_error])
