"""A wish to stop on a call the person made (whose number could be faked) is read back and, once confirmed, recorded
at once, as a text's STOP is: withdrawing is as easy as giving. Giving consent on such a call still waits for our
call back. The audit event and the staff case page say the caller was not verified. Real Twilio signatures, the
real application, SQLite and PostgreSQL; no language model (these words need none)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from easyread.audio import AudioCache
from easyread.render import text
from server.domain.db import session_scope
from server.domain.models import AuditEvent
from server.settings import get_settings
from tests.fakes.twilio_api import FakeTwilio
from tests.phone import Phone
from tests.server.channels.voice.test_routes import PUBLIC, to_the_read_back
from tests.support import council_with_staff, new_case, page_user, sign_in

I_WANT_TO_STOP = "stop, I don't want to do this any more"


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings_env: str) -> AudioCache:
    monkeypatch.setenv("AUDIO_CACHE_DIR", str(tmp_path / "audio"))
    get_settings.cache_clear()
    settings = get_settings()
    return AudioCache(Path(settings.audio_cache_dir), settings.voice_name, settings.voice_rate)


def consent_of(client: TestClient, staff: dict[str, str], case_id: int) -> dict[str, Any]:
    found: dict[str, Any] = client.get(f"/api/cases/{case_id}", headers=staff).json()["consent"]
    return found


def consent_events(case_id: int) -> list[tuple[str, dict[str, Any]]]:
    with session_scope() as session:
        rows = session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action.like("consent.%"))
        )
        return [(row.action, dict(row.detail)) for row in rows]


def given_on_our_call(client: TestClient, cache: AudioCache, number: str) -> Phone:
    """Consent given on a call we placed (we know who is on the line)."""
    person = Phone(client, PUBLIC, number, cache)
    person.answer()
    to_the_read_back(person)
    given = person.press(person.last.key_for("that is right"))  # type: ignore[union-attr]
    assert text("bot.consent_given", "en") in given.words
    return person


def test_a_wish_to_stop_on_their_own_call_is_recorded_at_once_after_its_read_back(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "V-STOP", phone="+447700900671")
    given_on_our_call(client, cache, "+447700900671")
    assert consent_of(client, council.staff, case["id"])["state"] == "given"

    # Later they ring us (caller ID not attested), and say they want to stop.
    caller = Phone(client, PUBLIC, "+447700900671", cache)
    caller.ring()
    readback = caller.say(I_WANT_TO_STOP)
    assert text("bot.stop_readback", "en") in readback.words
    assert consent_of(client, council.staff, case["id"])["state"] == "given", "read back before anything changes"
    stopped = caller.press(readback.key_for("that is right"))
    assert text("bot.stop_withdrawn", "en") in stopped.words
    assert text("bot.ring_back_offer", "en") not in stopped.words, "no call back is needed to stop"
    assert stopped.hangup
    consent = consent_of(client, council.staff, case["id"])
    assert consent["state"] == "withdrawn" and consent["caller_verified"] is False
    # Nothing more is sent: no call back, no text.
    assert twilio_env.calls_to("+447700900671") == [] and twilio_env.sms_to("+447700900671") == []
    # The audit says who was sure of whom: the yes on our call, the stop on theirs.
    events = consent_events(case["id"])
    assert [(action, detail.get("caller_verified")) for action, detail in events] == [
        ("consent.given", True),
        ("consent.withdrawn", False),
    ]
    # And the staff case page says so, with what to do.
    sign_in(client, page_user(client, "council_staff", council.council_id))
    page = client.get(f"/staff/cases/{case['id']}")
    assert text("pages.caller_not_verified", "en") in page.text


def test_a_no_before_any_yes_on_their_call_is_recorded_after_its_read_back(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "V-NO", phone="+447700900672")
    caller = Phone(client, PUBLIC, "+447700900672", cache)
    caller.ring()
    caller.say("this is for me")
    caller.say("ok")
    caller.say("ok")
    readback = caller.say("no")
    assert text("bot.readback_no", "en") in readback.words
    declined = caller.press(readback.key_for("that is right"))
    assert text("bot.consent_declined", "en") in declined.words
    assert text("bot.ring_back_offer", "en") not in declined.words
    consent = consent_of(client, council.staff, case["id"])
    assert consent["state"] == "declined" and consent["caller_verified"] is False
    assert twilio_env.calls_to("+447700900672") == []


def test_saying_it_is_wrong_after_the_read_back_changes_nothing(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "V-KEEP", phone="+447700900673")
    given_on_our_call(client, cache, "+447700900673")
    caller = Phone(client, PUBLIC, "+447700900673", cache)
    caller.ring()
    readback = caller.say(I_WANT_TO_STOP)
    kept = caller.press(readback.key_for("it is wrong"))
    assert text("bot.not_stopped", "en") in kept.words
    assert consent_of(client, council.staff, case["id"])["state"] == "given"
    assert [action for action, _ in consent_events(case["id"])] == ["consent.given"]


def test_a_yes_on_their_call_still_waits_for_our_call_back(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "V-YES", phone="+447700900674")
    caller = Phone(client, PUBLIC, "+447700900674", cache)
    caller.ring()
    to_the_read_back(caller)
    offer = caller.press(caller.last.key_for("that is right"))  # type: ignore[union-attr]
    assert text("bot.ring_back_offer", "en") in offer.words
    assert consent_of(client, council.staff, case["id"])["state"] == "pending"
