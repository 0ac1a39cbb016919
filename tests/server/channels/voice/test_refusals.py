"""A call's request refused (too many, too big) is answered as a call: said, then hung up; never as a text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from easyread.render import text
from server.settings import get_settings
from tests.fakes.twilio_api import FakeTwilio
from tests.support import twilio_post

PUBLIC = "http://testserver"


def call_params(phone: str, sid: str) -> dict[str, str]:
    return {"CallSid": sid, "From": phone, "To": "+447700900000", "Direction": "inbound"}


def said(response_text: str) -> tuple[list[str], bool, bool]:
    """The words a call's TwiML says, whether it hangs up, and whether it holds any SMS <Message>."""
    root = ET.fromstring(response_text)
    assert root.tag == "Response"
    words = [say.text or "" for say in root.iter("Say")]
    return words, root.find("Hangup") is not None, root.find("Message") is not None


def test_a_number_that_calls_too_fast_is_told_so_in_voice_twiml(
    monkeypatch: pytest.MonkeyPatch, twilio_env: FakeTwilio
) -> None:
    monkeypatch.setenv("MESSAGES_PER_NUMBER", "1")
    get_settings.cache_clear()
    from server.app import create_app

    with TestClient(create_app()) as client:
        assert twilio_post(client, "/twilio/voice", call_params("+447700900831", "CA1"), PUBLIC).status_code == 200
        refused = twilio_post(client, "/twilio/voice", call_params("+447700900831", "CA2"), PUBLIC)
    assert refused.status_code == 429 and refused.headers["Retry-After"]
    words, hangup, message = said(refused.text)
    assert words == [text("limits.too_many", "en")] and hangup and not message


def test_a_call_request_too_big_is_refused_in_voice_twiml(client: TestClient, twilio_env: FakeTwilio) -> None:
    params = {**call_params("+447700900832", "CAbig"), "SpeechResult": "a" * 70_000}
    response = twilio_post(client, "/twilio/voice", params, PUBLIC)
    assert response.status_code == 413
    words, hangup, message = said(response.text)
    assert words == [text("limits.too_big", "en")] and hangup and not message
