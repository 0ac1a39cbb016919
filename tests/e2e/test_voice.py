"""Whole phone calls against the real model and server, signed as Twilio signs them: speaking and pressing keys
from the greeting to recorded consent, and saying "stop" on a later call to withdraw it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from easyread.audio import AudioCache
from easyread.render import text
from server.settings import Settings
from tests.e2e.people import case_of
from tests.fakes.twilio_api import FakeTwilio
from tests.phone import Heard, Phone
from tests.support import council_with_staff, new_case
from tools.stack import Stack

pytestmark = pytest.mark.e2e


def live_cache() -> AudioCache:
    """The live server's audio cache: it reads the same environment as this process."""
    settings = Settings()
    return AudioCache(Path(settings.audio_cache_dir), settings.voice_name, settings.voice_rate)


def offered(heard: Heard, title: str) -> bool:
    return f"for {title}." in heard.text


def to_the_question(person: Phone, first: Heard) -> Heard:
    """Through the greeting and the explanation, as a caller would: by voice and by keys."""
    heard = first
    for turn in range(15):
        if offered(heard, text("buttons.not_sure", "en")):
            return heard
        assert heard.gather is not None and not heard.hangup, heard.text
        if offered(heard, text("choices.self", "en")):
            heard = person.say("this is for me")
        elif turn % 2:
            heard = person.say("next")
        else:
            heard = person.press(heard.key_for(text("buttons.next", "en")))
    raise AssertionError("the consent question never came on the call")


def consent_by_phone(http: httpx.Client, staff: dict[str, str], case: dict[str, Any], person: Phone) -> None:
    question = to_the_question(person, person.ring())
    readback = person.say("Yes.")
    assert text("bot.readback_yes", "en") in readback.words
    # The read-back is answered with a key; the words say which one.
    assert "Press 1 if that is right. Press 2 if it is wrong." in readback.text, readback.text
    assert case_of(http, staff, case["id"])["consent"]["state"] == "pending"
    unclear = person.say("yes that's right", confidence=0.4)
    assert unclear.words[0] == text("voice.speech_unclear", "en")
    assert case_of(http, staff, case["id"])["consent"]["state"] == "pending", "an unclear yes is not enough"
    # They rang us, and a caller's number can be faked: we ring the number on file and take the answer on that call.
    offer = person.say("yes that's right", confidence=0.92)
    assert text("bot.ring_back_offer", "en") in offer.words
    assert case_of(http, staff, case["id"])["consent"]["state"] == "pending"
    ending = person.press(offer.key_for("Yes"))
    assert ending.hangup
    picked_up = person.answer()
    given = person.press(picked_up.key_for("that is right"))
    assert text("bot.consent_given", "en") in given.words
    assert question.gather is not None and question.gather["language"] == "en-GB"


def test_a_whole_call_from_greeting_to_recorded_consent(http: httpx.Client, live: Stack) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "CALL-1", phone="+447700900611")
    person = Phone(http, live.server_url, "+447700900611", live_cache())
    consent_by_phone(http, council.staff, case, person)
    consent = case_of(http, council.staff, case["id"])["consent"]
    assert consent["state"] == "given" and consent["given_by"] == "person"
    events = [e["action"] for e in http.get(f"/api/cases/{case['id']}/audit", headers=council.staff).json()]
    assert events.count("consent.given") == 1
    # What the caller heard was audio made for it, not Twilio's own voice.
    assert person.last is not None and person.last.audio_urls and not person.last.said
    for url in person.last.audio_urls:
        played = http.get(url.removeprefix(live.server_url))
        assert played.status_code == 200 and played.content[:4] == b"RIFF"


def test_saying_stop_on_a_later_call_withdraws_consent(
    http: httpx.Client, live: Stack, fake_twilio: FakeTwilio
) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "CALL-2", phone="+447700900612")
    person = Phone(http, live.server_url, "+447700900612", live_cache())
    consent_by_phone(http, council.staff, case, person)

    # Staff call them back; they pick up and say stop.
    assert http.post(f"/api/cases/{case['id']}/call", headers=council.staff).status_code == 202
    ring_back, call = fake_twilio.calls_to("+447700900612")
    assert ring_back.url == call.url == f"{live.server_url}/twilio/voice"
    hello = person.answer()
    assert hello.gather is not None
    stopped = person.say("Stop.")
    assert stopped.words == [text("bot.stop_withdrawn", "en"), text("voice.goodbye", "en")]
    assert stopped.hangup
    consent = case_of(http, council.staff, case["id"])["consent"]
    assert consent["state"] == "withdrawn"
    events = [e["action"] for e in http.get(f"/api/cases/{case['id']}/audit", headers=council.staff).json()]
    assert events.count("consent.withdrawn") == 1


def test_a_wish_to_stop_on_a_call_they_made_is_recorded_at_once_after_its_read_back(
    http: httpx.Client, live: Stack, fake_twilio: FakeTwilio
) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "CALL-5", phone="+447700900615")
    person = Phone(http, live.server_url, "+447700900615", live_cache())
    consent_by_phone(http, council.staff, case, person)
    calls_before = len(fake_twilio.calls_to("+447700900615"))

    # Later they ring us (their number not attested) and say they want to stop, in their own words.
    person.ring()
    readback = person.say("stop, I don't want to do this")
    assert text("bot.stop_readback", "en") in readback.words, readback.words
    assert case_of(http, council.staff, case["id"])["consent"]["state"] == "given"
    stopped = person.press(readback.key_for("that is right"))
    assert text("bot.stop_withdrawn", "en") in stopped.words and stopped.hangup
    consent = case_of(http, council.staff, case["id"])["consent"]
    assert consent["state"] == "withdrawn" and consent["caller_verified"] is False
    # No call back, and nothing else sent.
    assert len(fake_twilio.calls_to("+447700900615")) == calls_before
    events = [e["action"] for e in http.get(f"/api/cases/{case['id']}/audit", headers=council.staff).json()]
    # The only call back is the one for their yes, before.
    assert events.count("consent.withdrawn") == 1 and events.count("call.ring_back_requested") == 1


def test_a_call_we_placed_reaches_a_recorded_yes_by_speech_alone(
    http: httpx.Client, live: Stack, fake_twilio: FakeTwilio
) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "CALL-3", phone="+447700900613")
    assert http.post(f"/api/cases/{case['id']}/call", headers=council.staff).status_code == 202
    person = Phone(http, live.server_url, "+447700900613", live_cache())
    heard = person.answer()
    for words in ("this is for me", "ok", "next", "yes please", "yes that's right"):
        assert heard.gather is not None and not heard.hangup, heard.text
        heard = person.say(words, confidence=0.91)
    assert text("bot.consent_given", "en") in heard.words, heard.text
    consent = case_of(http, council.staff, case["id"])["consent"]
    assert consent["state"] == "given" and consent["given_by"] == "person"


def test_an_unclear_spoken_answer_gets_a_person_on_the_second_try(
    http: httpx.Client, live: Stack, fake_twilio: FakeTwilio
) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "CALL-4", phone="+447700900614")
    assert http.post(f"/api/cases/{case['id']}/call", headers=council.staff).status_code == 202
    person = Phone(http, live.server_url, "+447700900614", live_cache())
    person.answer()
    for words in ("this is for me", "ok", "ok"):
        person.say(words)
    assert text("bot.readback_yes", "en") in person.say("yes").words
    assert person.say("yes", confidence=0.35).words[0] == text("voice.speech_unclear", "en")
    second = person.say("yeah", confidence=0.5)
    assert second.words[0] == text("voice.speech_person", "en") and text("bot.handoff", "en") in second.words
    assert case_of(http, council.staff, case["id"])["consent"]["state"] == "pending"
