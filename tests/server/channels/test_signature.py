"""Twilio's webhooks fail closed: without TWILIO_AUTH_TOKEN nothing can be checked, so every request is refused,
unless the operator chose TWILIO_WEBHOOKS_UNSIGNED for a demo, which the server warns about at start-up.

A signed request with the token set is accepted, and a bad or missing signature refused: test_twilio_sms.py and
test_voice.py check that for every webhook.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from server.domain.db import session_scope
from server.domain.models import Message
from server.settings import get_settings
from tests.fakes.twilio_api import FAKE_FROM_NUMBER, FakeTwilio
from tests.support import council_with_staff, new_case, sms_bodies, twilio_post

PUBLIC = "http://testserver"
WEBHOOKS = ("/twilio/sms", "/twilio/voice", "/twilio/status")


def params_for(path: str, phone: str) -> dict[str, str]:
    """What Twilio posts to each webhook."""
    if path == "/twilio/sms":
        return {"From": phone, "To": FAKE_FROM_NUMBER, "Body": "STOP", "MessageSid": "SM" + uuid.uuid4().hex}
    if path == "/twilio/voice":
        return {"CallSid": "CA" + uuid.uuid4().hex, "From": phone, "To": FAKE_FROM_NUMBER, "Direction": "inbound"}
    return {"MessageSid": "SM" + uuid.uuid4().hex, "MessageStatus": "delivered"}


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The server's warnings about its webhooks, from its start-up (the fixture `started`) on."""
    records = caplog.get_records("setup") + caplog.records
    return [r.getMessage() for r in records if r.name == "server.channels.signature" and r.levelno == logging.WARNING]


@pytest.fixture
def quiet_audio(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings_env: str) -> None:
    """The call's spoken prompts go to a cache of this test's own."""
    monkeypatch.setenv("AUDIO_CACHE_DIR", str(tmp_path / "audio"))
    get_settings.cache_clear()


@pytest.fixture
def unsigned(monkeypatch: pytest.MonkeyPatch, settings_env: str) -> None:
    monkeypatch.setenv("TWILIO_WEBHOOKS_UNSIGNED", "true")
    get_settings.cache_clear()


@pytest.fixture
def started(caplog: pytest.LogCaptureFixture, quiet_audio: None, settings_env: str) -> Iterator[TestClient]:
    """The app started (start-up logs captured) with whatever settings the test chose first."""
    from server.app import create_app

    caplog.set_level(logging.INFO)
    with TestClient(create_app()) as test_client:
        yield test_client


def test_without_a_token_every_webhook_refuses_with_a_short_plain_403(
    caplog: pytest.LogCaptureFixture, started: TestClient
) -> None:
    client = started
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone="+447700900801")
    for path in WEBHOOKS:
        for response in (
            client.post(path, data=params_for(path, "+447700900801")),
            # Signed with a token of someone's choosing: there is nothing to check it against, so still no.
            twilio_post(client, path, params_for(path, "+447700900801"), PUBLIC, token="a-token-anyone-could-pick"),
        ):
            assert response.status_code == 403, path
            assert response.headers["content-type"].startswith("text/plain"), path
            assert "TWILIO_AUTH_TOKEN" in response.text and len(response.text) < 100, path
    # A forged STOP changed nothing: the person is still asked, and nothing was stored from it.
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["consent"]["state"] == "pending"
    with session_scope() as session:
        assert session.scalar(select(func.count()).select_from(Message)) == 0
    assert any("refuse every request" in line for line in warnings_of(caplog))


def test_unsigned_when_the_operator_says_so_and_a_warning_at_start_up(
    caplog: pytest.LogCaptureFixture, unsigned: None, started: TestClient
) -> None:
    client = started
    [warning] = warnings_of(caplog)
    assert "unsigned" in warning and "never use it in production" in warning
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone="+447700900802")
    text = client.post("/twilio/sms", data=params_for("/twilio/sms", "+447700900802"))
    assert sms_bodies(text), "STOP is answered"
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["consent"]["state"] == "declined"
    call = client.post("/twilio/voice", data=params_for("/twilio/voice", "+447700900803"))
    assert call.status_code == 200 and "<Response>" in call.text
    assert client.post("/twilio/status", data=params_for("/twilio/status", "")).status_code == 204


def test_a_token_always_wins_over_the_unsigned_setting(
    caplog: pytest.LogCaptureFixture, unsigned: None, twilio_env: FakeTwilio, started: TestClient
) -> None:
    client = started
    for path in WEBHOOKS:
        assert client.post(path, data=params_for(path, "+447700900804")).status_code == 403, path
    signed = twilio_post(client, "/twilio/status", params_for("/twilio/status", ""), PUBLIC)
    assert signed.status_code == 204
    assert any("is ignored" in line for line in warnings_of(caplog))
