"""The real stack for end-to-end tests: the trained model (trained once, cached by a hash of its data),
Rasa and the server as separate processes on loopback, and a migrated SQLite database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from server.domain.db import upgrade
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN_TOKEN, twilio_settings
from tools import stack
from tools.model import ensure_model


@pytest.fixture(scope="session")
def shared_rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[stack.Rasa]:
    """One Rasa for every test that never stops it (loading the model takes 10 to 40 s); the durability and
    scale-out tests start their own."""
    running = stack.start_rasa_alone(ensure_model(quiet=True), tmp_path_factory.mktemp("rasa"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def live(
    tmp_path_factory: pytest.TempPathFactory, fake_twilio: FakeTwilio, shared_rasa: stack.Rasa
) -> Iterator[stack.Stack]:
    model = ensure_model(quiet=True)
    workdir = tmp_path_factory.mktemp("e2e")
    url = f"sqlite:///{workdir / 'e2e.db'}"
    upgrade(url)
    port = stack.free_port()
    env = {"DATABASE_URL": url, "ADMIN_TOKEN": ADMIN_TOKEN, **twilio_settings(fake_twilio, f"http://127.0.0.1:{port}")}
    logs = Path(os.environ.get("E2E_LOGS", workdir / "logs"))
    running = stack.start(model, env, logs, server_port=port, rasa=shared_rasa)
    yield running
    running.stop()


@pytest.fixture
def http(live: stack.Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live.server_url, timeout=30) as client:
        yield client
