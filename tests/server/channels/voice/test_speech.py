"""A consent read-back answered by speech alone, signed as Twilio signs it: a clear yes or no heard surely counts
like its key; an unclear one is asked once more, then a person is asked for, then the call ends with that promise.
No sentence is said three times running. The turns before the read-back need no model (Rasa is not running)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from easyread.audio import AudioCache
from easyread.render import text
from server.channels.voice.call import SPEECH_CONFIDENCE, clear_answer
from server.settings import get_settings
from tests.fakes.twilio_api import FakeTwilio
from tests.phone import Heard, Phone
from tests.support import council_with_staff, new_case

PUBLIC = "http://testserver"


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings_env: str) -> AudioCache:
    monkeypatch.setenv("AUDIO_CACHE_DIR", str(tmp_path / "audio"))
    get_settings.cache_clear()
    settings = get_settings()
    return AudioCache(Path(settings.audio_cache_dir), settings.voice_name, settings.voice_rate)


def placed_call_to_the_read_back(
    client: TestClient, cache: AudioCache, number: str
) -> tuple[Phone, dict[str, str], int]:
    council = council_with_staff(client, f"Speech Council {number[-3:]}")
    case = new_case(client, council.staff, f"SP-{number[-3:]}", phone=number)
    person = Phone(client, PUBLIC, number, cache)
    person.answer()  # a call we placed: we know who is on the line
    person.say("this is for me")
    person.say("ok")
    person.say("ok")
    readback = person.say("yes")
    assert text("bot.readback_yes", "en") in readback.words
    return person, council.staff, case["id"]


def state(client: TestClient, staff: dict[str, str], case_id: int) -> str:
    return str(client.get(f"/api/cases/{case_id}", headers=staff).json()["consent"]["state"])


@pytest.mark.parametrize("words", ["yes that's right", "Yes.", "yeah that's correct", "that's right"])
def test_a_clear_spoken_yes_at_the_read_back_records_consent_with_no_key_pressed(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache, words: str
) -> None:
    person, staff, case_id = placed_call_to_the_read_back(client, cache, "+447700900721")
    given = person.say(words, confidence=0.93)
    assert text("bot.consent_given", "en") in given.words
    assert state(client, staff, case_id) == "given"


def test_a_clear_spoken_no_at_the_read_back_asks_the_question_again(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    person, staff, case_id = placed_call_to_the_read_back(client, cache, "+447700900722")
    again = person.say("no that's wrong", confidence=0.91)
    assert text("bot.try_again", "en") in again.words and text("bot.ask_consent", "en") in again.words
    assert state(client, staff, case_id) == "pending"


def said_runs(turns: list[Heard]) -> int:
    """The longest run of turns that start with the same sentence."""
    longest = run = 1
    for before, after in itertools.pairwise(turns):
        run = run + 1 if before.words[:1] == after.words[:1] else 1
        longest = max(longest, run)
    return longest


def test_an_unclear_spoken_answer_is_asked_once_then_a_person_then_the_call_ends(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    person, staff, case_id = placed_call_to_the_read_back(client, cache, "+447700900723")
    first = person.say("yes that's right", confidence=0.41)
    assert first.words[0] == text("voice.speech_unclear", "en")
    assert "Press 1 if that is right" in first.text and not first.hangup
    assert state(client, staff, case_id) == "pending"
    second = person.say("mmm yes i think", confidence=0.55)
    assert second.words[0] == text("voice.speech_person", "en")
    assert text("bot.handoff", "en") in second.words and not second.hangup
    queue = client.get(f"/api/cases/{case_id}/audit", headers=staff).json()
    assert any(e["action"].startswith("handoff") for e in queue)
    third = person.say("yes", confidence=0.3)
    assert third.words == [text("voice.speech_ring_back", "en"), text("voice.goodbye", "en")] and third.hangup
    assert state(client, staff, case_id) == "pending"
    assert said_runs([first, second, third]) == 1


def test_after_an_unclear_answer_a_key_or_a_clear_word_still_works(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    person, staff, case_id = placed_call_to_the_read_back(client, cache, "+447700900724")
    unclear = person.say("yes", confidence=0.5)
    given = person.say("yes", confidence=0.95)
    assert text("bot.consent_given", "en") in given.words, unclear.text
    assert state(client, staff, case_id) == "given"


@pytest.mark.parametrize(
    ("words", "confidence", "payload"),
    [
        ("yes", SPEECH_CONFIDENCE, "/affirm"),
        ("absolutely not", 0.95, "/deny"),
        ("yes", SPEECH_CONFIDENCE - 0.01, None),
        ("maybe later", 0.95, None),
        ("what does that mean", 0.95, None),
        ("no wait I meant yes", 0.95, None),
        ("yes", float("nan"), None),
    ],
)
def test_only_a_plain_yes_or_no_heard_surely_is_clear(words: str, confidence: float, payload: str | None) -> None:
    assert clear_answer(words, str(confidence), "en") == payload
    assert clear_answer(words, "not a number", "en") is None


@pytest.mark.parametrize(
    ("words", "payload"),
    [("tak, zgadza się", "/affirm"), ("nie, to nie tak", "/deny"), ("wcale nie", "/deny"), ("może później", None)],
)
def test_a_clear_polish_answer_is_clear_too(words: str, payload: str | None) -> None:
    assert clear_answer(words, "0.9", "pl") == payload
