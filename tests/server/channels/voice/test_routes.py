"""Phone calls without the language model: signatures, strangers, STOP, silence, the audio and its cache,
outbound calls, and the audio Twilio plays (the web chat's "Listen" is tests/server/channels/web/test_listen.py).

Rasa is not running in these tests, so a turn that needs it is answered with the easy-read "something went
wrong, try again" message: which is what a caller would hear if Rasa were down.
"""

from __future__ import annotations

import io
import wave
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from easyread import audio
from easyread.audio import AudioCache
from easyread.render import text
from server.settings import get_settings
from tests.fakes.twilio_api import FakeTwilio
from tests.phone import Phone
from tests.support import ADMIN, council_with_staff, new_case, twilio_post

PUBLIC = "http://testserver"
# espeak-ng's rate is in words per minute of ordinary English. Measured over every message of 8 words or more
# in easyread/content at 100, 140 and 180 words a minute, a message lasts 0.71 to 1.24 times words / rate:
# short easy-read words are quicker than average, and each sentence ends with a pause. Below 8 words the pauses
# dominate (one word lasts about 3 times as long), so only messages of 8 words or more are timed.
TIMED_MIN_WORDS = 8
DURATION_TOLERANCE = (0.6, 1.4)


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, settings_env: str) -> AudioCache:
    monkeypatch.setenv("AUDIO_CACHE_DIR", str(tmp_path / "audio"))
    get_settings.cache_clear()
    settings = get_settings()
    return AudioCache(Path(settings.audio_cache_dir), settings.voice_name, settings.voice_rate)


def phone(client: TestClient, cache: AudioCache, number: str) -> Phone:
    return Phone(client, PUBLIC, number, cache)


def consent_state(client: TestClient, staff: dict[str, str], case_id: int) -> str:
    return str(client.get(f"/api/cases/{case_id}", headers=staff).json()["consent"]["state"])


def audit_actions(client: TestClient, staff: dict[str, str], case_id: int) -> list[str]:
    return [e["action"] for e in client.get(f"/api/cases/{case_id}/audit", headers=staff).json()]


def wav_seconds(body: bytes) -> float:
    with wave.open(io.BytesIO(body), "rb") as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
        return wav.getnframes() / wav.getframerate()


def test_unsigned_forged_or_altered_requests_get_403(client: TestClient, twilio_env: FakeTwilio) -> None:
    params = {"CallSid": "CA1", "From": "+447700900601", "To": "+447700900000", "Direction": "inbound"}
    assert client.post("/twilio/voice", data=params).status_code == 403
    forged = client.post("/twilio/voice", data=params, headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
    assert forged.status_code == 403
    assert twilio_post(client, "/twilio/voice", params, PUBLIC, token="someone-elses-token").status_code == 403
    assert twilio_post(client, "/twilio/voice", params, "http://elsewhere.example").status_code == 403
    # The state a call carries in its action URL is signed too: changing it breaks the signature.
    signed_for = PUBLIC + "/twilio/voice?t=1&k=yes"
    from twilio.request_validator import RequestValidator

    signature = RequestValidator(twilio_env.auth_token).compute_signature(signed_for, params)
    altered = client.post("/twilio/voice?t=1&k=no", data=params, headers={"X-Twilio-Signature": signature})
    assert altered.status_code == 403


def test_a_number_we_do_not_know_is_told_how_to_join_by_text(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    heard = phone(client, cache, "+447700900698").ring()
    assert heard.words == [text("bot.ask_code_voice", "en"), text("voice.goodbye", "en")]
    assert heard.hangup and heard.gather is None


def test_saying_stop_on_a_call_stops_and_ends_the_call(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "V-1", phone="+447700900601")
    caller = phone(client, cache, "+447700900601")
    caller.ring()
    heard = caller.say("Stop.")
    assert heard.words == [text("bot.stop_declined", "en"), text("voice.goodbye", "en")]
    assert heard.hangup and heard.gather is None
    assert consent_state(client, council.staff, case["id"]) == "declined"
    assert "consent.declined" in audit_actions(client, council.staff, case["id"])


def test_two_silences_end_the_call_politely_and_change_nothing(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "V-2", phone="+447700900602")
    before = audit_actions(client, council.staff, case["id"])
    caller = phone(client, cache, "+447700900602")
    first = caller.ring()
    assert first.gather is not None and first.gather["actionOnEmptyResult"] == "true"
    assert first.gather["input"] == "dtmf speech" and first.gather["language"] == "en-GB"

    once = caller.silence()
    assert once.words[0] == text("voice.silence_once", "en")
    # The question comes again with its keys: "Press 1 for It is for me. ... Press 9 to hear this again."
    assert once.words[-1].startswith("Press 1 for") and text("voice.press_again", "en") in once.words[-1]
    assert not once.hangup and once.gather is not None

    twice = caller.silence()
    assert twice.words == [
        text("voice.still_silent", "en"),
        text("voice.offer_text", "en"),
        text("voice.goodbye", "en"),
    ]
    assert twice.hangup
    assert twice.gather is not None and twice.gather["input"] == "dtmf"
    # No key after the offer: Twilio goes on to the goodbye and hangs up; it asks us nothing more.
    assert "actionOnEmptyResult" not in twice.gather

    assert consent_state(client, council.staff, case["id"]) == "pending"
    assert audit_actions(client, council.staff, case["id"]) == [*before, "conversation.linked"]
    assert twilio_env.sms_to("+447700900602") == []


def test_pressing_1_after_the_silences_sends_a_text(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "V-3", phone="+447700900603")
    caller = phone(client, cache, "+447700900603")
    caller.ring()
    caller.silence()
    caller.silence()
    heard = caller.press("1")
    assert heard.words == [text("voice.texted", "en")] and heard.hangup
    assert twilio_env.sms_to("+447700900603") == [text("voice.text_instead", "en")]
    assert consent_state(client, council.staff, case["id"]) == "pending"


def test_a_key_that_means_nothing_is_said_so_and_the_keys_again(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    new_case(client, council_with_staff(client, "North Council").staff, "V-4", phone="+447700900604")
    caller = phone(client, cache, "+447700900604")
    caller.ring()
    heard = caller.press("7")
    assert heard.words[0] == text("voice.wrong_key", "en")
    assert heard.words[1].startswith("Press 1 for It is for me. Press 2 for")
    assert heard.words[1].endswith(f"{text('voice.press_again', 'en')} {text('voice.press_person', 'en')}")
    assert heard.gather is not None


def test_every_audio_url_is_real_speech_as_long_as_its_words_at_the_configured_rate(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    new_case(client, council_with_staff(client, "North Council").staff, "V-5", phone="+447700900605")
    caller = phone(client, cache, "+447700900605")
    heard = [caller.ring(), caller.silence(), caller.silence()]
    urls = [(url, words) for h in heard for url, words in zip(h.audio_urls, h.words, strict=True)]
    assert len(urls) >= 6 and not any(h.said for h in heard)
    rate = get_settings().voice_rate
    timed = 0
    for url, words in urls:
        assert url.startswith(f"{PUBLIC}/audio/")
        response = client.get(url.removeprefix(PUBLIC))
        assert response.status_code == 200 and response.headers["content-type"] == "audio/wav"
        seconds = wav_seconds(response.content)
        assert seconds > 0.3, words
        count = len(words.split())
        if count >= TIMED_MIN_WORDS:
            expected = count * 60 / rate
            low, high = DURATION_TOLERANCE
            assert low * expected <= seconds <= high * expected, (words, seconds, expected)
            timed += 1
    assert timed >= 3


def test_the_configured_rate_sets_the_speed(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    lengths = {}
    for rate in (100, 200):
        monkeypatch.setenv("VOICE_RATE", str(rate))
        get_settings.cache_clear()
        heard = phone(client, cache, "+447700900697").ring()
        lengths[rate] = wav_seconds(client.get(heard.audio_urls[0].removeprefix(PUBLIC)).content)
    # Half the speed, about twice as long (measured: 2.1 to 2.2 times).
    assert 1.6 <= lengths[100] / lengths[200] <= 2.6


def test_the_same_prompt_is_rendered_once_and_then_served_from_the_cache(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    before = audio.rendered_count()
    first = phone(client, cache, "+447700900696").ring()
    assert audio.rendered_count() == before + len(first.words)
    files = [cache.wav(url.rsplit("/", 1)[1].removesuffix(".wav")) for url in first.audio_urls]
    stamps = [(f.stat().st_ino, f.stat().st_mtime_ns) for f in files]
    bodies = [client.get(url.removeprefix(PUBLIC)).content for url in first.audio_urls]

    again = phone(client, cache, "+447700900695").ring()
    assert again.audio_urls == first.audio_urls
    assert audio.rendered_count() == before + len(first.words), "nothing was rendered again"
    assert [(f.stat().st_ino, f.stat().st_mtime_ns) for f in files] == stamps
    assert [client.get(url.removeprefix(PUBLIC)).content for url in again.audio_urls] == bodies
    assert audio.rendered_count() == before + len(first.words)


@pytest.mark.parametrize(
    "setting",
    [("VOICE_NAME", "no-such-voice"), ("AUDIO_RENDER_TIMEOUT_SECONDS", "0.001")],
    ids=["renderer fails", "renderer too slow"],
)
def test_when_audio_cannot_be_made_twilio_says_the_words(
    client: TestClient,
    twilio_env: FakeTwilio,
    cache: AudioCache,
    monkeypatch: pytest.MonkeyPatch,
    setting: tuple[str, str],
) -> None:
    monkeypatch.setenv(*setting)
    get_settings.cache_clear()
    new_case(client, council_with_staff(client, "North Council").staff, "V-6", phone="+447700900606")
    caller = phone(client, cache, "+447700900606")
    heard = caller.ring()
    assert heard.audio_urls == [] and heard.said == heard.words
    assert heard.words[0] == text("bot.greet", "en", council="North Council")
    assert heard.gather is not None, "the call goes on"
    assert caller.say("stop").words[0] == text("bot.stop_declined", "en")


def test_staff_start_a_call_that_joins_the_case(client: TestClient, twilio_env: FakeTwilio, cache: AudioCache) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "V-7", phone="+447700900607")
    response = client.post(f"/api/cases/{case['id']}/call", headers=council.staff)
    assert response.status_code == 202, response.text
    [call] = twilio_env.calls_to("+447700900607")
    assert call.url == f"{PUBLIC}/twilio/voice"
    assert "case.called" in audit_actions(client, council.staff, case["id"])

    person = phone(client, cache, "+447700900607")
    person.answer()
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["status"] == "engaged"
    person.say("STOP")
    assert consent_state(client, council.staff, case["id"]) == "declined"
    # Nobody who said stop is called again.
    again = client.post(f"/api/cases/{case['id']}/call", headers=council.staff)
    assert again.status_code == 409
    assert len(twilio_env.calls_to("+447700900607")) == 1


def test_calls_are_only_for_the_councils_own_cases_with_a_phone(client: TestClient, twilio_env: FakeTwilio) -> None:
    north = council_with_staff(client, "North Council")
    south = council_with_staff(client, "South Council")
    case = new_case(client, north.staff, "V-8", phone="+447700900608")
    assert client.post(f"/api/cases/{case['id']}/call", headers=south.staff).status_code == 404
    assert client.post(f"/api/cases/{case['id']}/call").status_code == 401
    no_phone = client.post("/api/cases", json={"reference": "V-9", "theme": "older_people"}, headers=north.staff)
    assert client.post(f"/api/cases/{no_phone.json()['id']}/call", headers=north.staff).status_code == 422
    assert twilio_env.calls_to("+447700900608") == []


def test_without_twilio_no_call_is_made_and_nothing_recorded(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "V-10", phone="+447700900610")
    before = audit_actions(client, council.staff, case["id"])
    response = client.post(f"/api/cases/{case['id']}/call", headers=council.staff)
    assert response.status_code == 503
    assert response.json() == {"detail": "Calls need a Twilio account. Nobody was called."}
    assert audit_actions(client, council.staff, case["id"]) == before
    assert client.get("/api/outbox", headers=ADMIN).json() == []


def test_remembered_words_are_made_into_audio_on_the_first_get_and_unknown_names_are_404(
    client: TestClient, cache: AudioCache
) -> None:
    # A call keeps its last prompt's words (to say them again) before any audio of them exists.
    words = text("voice.goodbye", "en")
    audio_id = cache.remember(words)
    assert audio_id is not None and not cache.ready(audio_id)
    path = f"/audio/{audio_id}.wav"
    before = audio.rendered_count()
    played = client.get(path)
    assert played.status_code == 200 and played.headers["content-type"] == "audio/wav"
    assert wav_seconds(played.content) > 1
    assert audio.rendered_count() == before + 1
    assert client.get(path).content == played.content
    assert audio.rendered_count() == before + 1
    assert client.get("/audio/" + "0" * 32 + ".wav").status_code == 404
    assert client.get("/audio/../settings.py").status_code == 404


def test_a_caller_whose_number_is_on_cases_of_two_councils_is_not_joined_to_either(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    north = council_with_staff(client, "North Council")
    south = council_with_staff(client, "South Council")
    mine = new_case(client, north.staff, "V-1", phone="+447700900602")
    theirs = new_case(client, south.staff, "V-2", phone="+447700900602")
    heard = phone(client, cache, "+447700900602").ring()
    assert heard.words == [text("bot.ask_code_voice", "en"), text("voice.goodbye", "en")]
    assert heard.hangup
    for staff, case in ((north.staff, mine), (south.staff, theirs)):
        assert client.get(f"/api/cases/{case['id']}", headers=staff).json()["status"] == "created"


def test_a_caller_who_texted_their_code_is_joined_to_that_case_on_the_phone(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    north = council_with_staff(client, "North Council")
    south = council_with_staff(client, "South Council")
    mine = new_case(client, north.staff, "V-1", phone="+447700900603")
    theirs = new_case(client, south.staff, "V-2", phone="+447700900603")
    params = {"From": "+447700900603", "To": "+447700900000", "Body": mine["invite_code"], "MessageSid": "SMv1"}
    assert twilio_post(client, "/twilio/sms", params, PUBLIC).status_code == 200
    caller = phone(client, cache, "+447700900603")
    caller.ring()
    caller.say("Stop.")
    assert consent_state(client, north.staff, mine["id"]) == "declined"
    assert consent_state(client, south.staff, theirs["id"]) == "pending"


def test_a_turn_number_that_is_not_an_ascii_digit_is_a_fresh_start_not_a_500(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    params = {"CallSid": "CA" + "1" * 32, "From": "+447700900690", "To": "+447700900000", "Direction": "inbound"}
    for odd in ("%C2%B9", "%D9%A3", "-1", "9" * 30):
        response = twilio_post(client, f"/twilio/voice?t={odd}&pg={odd}", params, PUBLIC)
        assert response.status_code == 200, (odd, response.text)
        assert "<Response>" in response.text


def to_the_read_back(caller: Phone) -> None:
    """Typed-by-voice answers that need no model: who it is for, "ok" twice, then "yes" to the question."""
    caller.say("this is for me")
    caller.say("ok")
    caller.say("ok")
    readback = caller.say("yes")
    assert text("bot.readback_yes", "en") in readback.words


def test_on_a_call_they_made_a_consent_answer_waits_for_our_call_back_to_the_number_on_file(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "V-RB", phone="+447700900691")
    caller = phone(client, cache, "+447700900691")
    caller.ring()
    to_the_read_back(caller)
    offer = caller.press(caller.last.key_for("that is right"))  # type: ignore[union-attr]
    assert text("bot.ring_back_offer", "en") in offer.words
    assert consent_state(client, council.staff, case["id"]) == "pending", "nothing recorded on a spoofable call"
    ending = caller.press(offer.key_for("Yes"))
    assert text("bot.ring_back_now", "en") in ending.words and ending.hangup
    [call] = twilio_env.calls_to("+447700900691")
    assert call.url == f"{PUBLIC}/twilio/voice"
    assert consent_state(client, council.staff, case["id"]) == "pending"
    # They pick up our call: the same question, and now the answer is recorded.
    picked_up = caller.answer()
    assert text("bot.readback_yes", "en") in picked_up.words
    given = caller.press(picked_up.key_for("that is right"))
    assert text("bot.consent_given", "en") in given.words
    assert consent_state(client, council.staff, case["id"]) == "given"
    assert "call.ring_back_requested" in audit_actions(client, council.staff, case["id"])


def test_a_fully_attested_caller_id_counts_as_known(
    client: TestClient, twilio_env: FakeTwilio, cache: AudioCache
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "V-AT", phone="+447700900692")
    caller = phone(client, cache, "+447700900692")
    caller.extra = {"StirVerstat": "TN-Validation-Passed-A"}
    caller.ring()
    to_the_read_back(caller)
    given = caller.press(caller.last.key_for("that is right"))  # type: ignore[union-attr]
    assert text("bot.consent_given", "en") in given.words
    assert twilio_env.calls_to("+447700900692") == []
    assert consent_state(client, council.staff, case["id"]) == "given"
