"""TwilioGateway against the local fake of Twilio's REST API: real HTTP round trips through the twilio library."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.clients.twilio import SendError, TwilioGateway
from tests.fakes.twilio_api import FAKE_FROM_NUMBER, FakeTwilio, running_fake_twilio

ALICE = "+447700900101"
BOB = "+447700900102"
CALLBACK = "https://example.org/twilio/status"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeTwilio]:
    with running_fake_twilio() as fake:
        yield fake


@pytest.fixture
def gateway(fake: FakeTwilio) -> TwilioGateway:
    fake.clear()
    return TwilioGateway(fake.account_sid, fake.auth_token, FAKE_FROM_NUMBER, api_base_url=fake.base_url)


def test_send_sms_reaches_twilio_with_recipient_sender_body_and_callback(
    fake: FakeTwilio, gateway: TwilioGateway
) -> None:
    sid = gateway.send_sms(ALICE, "Your case has been updated.", CALLBACK)

    [sent] = fake.sent
    assert (sent.kind, sent.to, sent.from_, sent.body, sent.status_callback) == (
        "sms",
        ALICE,
        FAKE_FROM_NUMBER,
        "Your case has been updated.",
        CALLBACK,
    )
    assert sid == sent.sid
    assert sid.startswith("SM") and len(sid) == 34
    assert fake.sms_to(ALICE) == ["Your case has been updated."]
    assert fake.sms_to(BOB) == []


def test_send_sms_without_callback_leaves_the_parameter_out(fake: FakeTwilio, gateway: TwilioGateway) -> None:
    gateway.send_sms(ALICE, "Hello", None)

    [sent] = fake.sent
    assert sent.status_callback is None
    assert sorted(sent.params) == ["Body", "From", "To"]


def test_the_client_is_reused_across_sends(fake: FakeTwilio, gateway: TwilioGateway) -> None:
    first = gateway.send_sms(ALICE, "One", None)
    second = gateway.send_sms(ALICE, "Two", None)

    assert first != second
    assert fake.sms_to(ALICE) == ["One", "Two"]


def test_start_call_asks_twilio_to_fetch_twiml_from_the_url(fake: FakeTwilio, gateway: TwilioGateway) -> None:
    sid = gateway.start_call(BOB, "https://example.org/twilio/voice", CALLBACK)

    [call] = fake.calls_to(BOB)
    assert (call.kind, call.to, call.from_, call.url, call.status_callback) == (
        "call",
        BOB,
        FAKE_FROM_NUMBER,
        "https://example.org/twilio/voice",
        CALLBACK,
    )
    assert call.params["Method"] == "POST"
    assert call.body is None
    assert sid == call.sid and sid.startswith("CA") and len(sid) == 34
    assert fake.sms_to(BOB) == []


def test_an_opted_out_number_is_refused_with_code_21610(fake: FakeTwilio, gateway: TwilioGateway) -> None:
    fake.opt_out(ALICE)

    with pytest.raises(SendError) as caught:
        gateway.send_sms(ALICE, "Hello", None)

    assert (caught.value.code, caught.value.status, caught.value.opted_out) == (21610, 400, True)
    assert "unsubscribed" in str(caught.value)
    assert fake.sent == []
    gateway.send_sms(BOB, "Others still get theirs", None)
    fake.opt_in(ALICE)
    gateway.send_sms(ALICE, "Back again", None)
    assert fake.sms_to(ALICE) == ["Back again"]


def test_wrong_credentials_are_refused_with_401(fake: FakeTwilio) -> None:
    wrong = TwilioGateway(fake.account_sid, "not-the-token", FAKE_FROM_NUMBER, api_base_url=fake.base_url)

    with pytest.raises(SendError) as caught:
        wrong.send_sms(ALICE, "Hello", None)
    assert (caught.value.status, caught.value.code, caught.value.opted_out) == (401, 20003, False)

    with pytest.raises(SendError) as caught:
        wrong.start_call(ALICE, "https://example.org/twilio/voice", None)
    assert caught.value.status == 401


def test_a_server_error_is_a_send_error(fake: FakeTwilio, gateway: TwilioGateway) -> None:
    fake.fail_next(status=503, message="Service Unavailable")

    with pytest.raises(SendError) as caught:
        gateway.start_call(BOB, "https://example.org/twilio/voice", None)

    assert caught.value.status == 503
    assert fake.sent == []
    gateway.start_call(BOB, "https://example.org/twilio/voice", None)  # only the next request failed
    assert len(fake.calls_to(BOB)) == 1


def test_an_unreachable_twilio_is_a_send_error_without_code_or_status() -> None:
    with running_fake_twilio() as stopped:
        gateway = TwilioGateway(
            stopped.account_sid, stopped.auth_token, FAKE_FROM_NUMBER, api_base_url=stopped.base_url, timeout=2
        )
        gateway.send_sms(ALICE, "Before the outage", None)
    assert not stopped.running

    with pytest.raises(SendError) as caught:
        gateway.send_sms(ALICE, "During the outage", None)
    assert (caught.value.code, caught.value.status) == (None, None)

    with pytest.raises(SendError) as caught:
        gateway.start_call(ALICE, "https://example.org/twilio/voice", None)
    assert (caught.value.code, caught.value.status) == (None, None)
