"""A caller on the phone, for tests: rings, speaks, presses keys or says nothing, as Twilio reports each to us.

Every request is signed as Twilio signs it, and follows the <Gather> action URL of the previous answer, query
string and all, as Twilio does. `Heard` is what the caller hears: the words of each <Play> (read back from the
audio cache, where each audio file's words are kept beside it) and each <Say>, in order.

TestClient is an httpx.Client, so the same phone serves in-process and live tests.
"""

from __future__ import annotations

import re
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import httpx

from easyread.audio import AudioCache
from tests.fakes.twilio_api import FAKE_FROM_NUMBER
from tests.support import twilio_post

AUDIO_URL = re.compile(r"/audio/([0-9a-f]{32})\.wav$")


@dataclass
class Heard:
    twiml: str
    words: list[str] = field(default_factory=list)
    audio_urls: list[str] = field(default_factory=list)
    said: list[str] = field(default_factory=list)
    gather: dict[str, str] | None = None
    hangup: bool = False

    @property
    def text(self) -> str:
        return " ".join(self.words)

    def key_for(self, pattern: str) -> str:
        """The key the caller is told to press for a choice ("Press 2 for No." -> "2")."""
        match = re.search(rf"Press (\d) (?:for|if) {pattern}", self.text)
        assert match, f"no key offered for {pattern!r} in: {self.text}"
        return match.group(1)


def listen(response: httpx.Response, cache: AudioCache) -> Heard:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = ET.fromstring(response.text)
    assert root.tag == "Response"
    heard = Heard(response.text)
    for verb in root.iter():
        if verb.tag == "Play":
            url = verb.text or ""
            match = AUDIO_URL.search(url)
            assert match, url
            words = cache.text_of(match.group(1))
            assert words is not None, f"no words kept for {url}"
            heard.words.append(words)
            heard.audio_urls.append(url)
        elif verb.tag == "Say":
            assert verb.get("language") == "en-GB"
            heard.words.append(verb.text or "")
            heard.said.append(verb.text or "")
        elif verb.tag == "Gather":
            heard.gather = dict(verb.attrib)
        elif verb.tag == "Hangup":
            heard.hangup = True
    return heard


class Phone:
    """One person's phone. `ring()` is them calling us; `answer()` is them picking up a call we started."""

    def __init__(self, http: httpx.Client, public: str, number: str, cache: AudioCache) -> None:
        self.http, self.public, self.number, self.cache = http, public.rstrip("/"), number, cache
        self.sid = ""
        self.direction = "inbound"
        self.last: Heard | None = None
        # Parameters Twilio adds to every request of a call (StirVerstat for an attested caller ID).
        self.extra: dict[str, str] = {}

    def ring(self) -> Heard:
        self.sid, self.direction = f"CA{uuid.uuid4().hex}", "inbound"
        return self._post("/twilio/voice", {})

    def answer(self) -> Heard:
        self.sid, self.direction = f"CA{uuid.uuid4().hex}", "outbound-api"
        return self._post("/twilio/voice", {})

    def press(self, digit: str) -> Heard:
        return self._post(self._action(), {"Digits": digit})

    def say(self, words: str, confidence: float = 0.9) -> Heard:
        """Words as Twilio heard them, with how sure it was (its `Confidence`, 0 to 1)."""
        return self._post(self._action(), {"SpeechResult": words, "Confidence": f"{confidence:.6f}"})

    def silence(self) -> Heard:
        return self._post(self._action(), {})

    def action_path(self) -> str:
        return self._action()

    def _action(self) -> str:
        assert self.last is not None and self.last.gather is not None, "the call is not listening"
        action = self.last.gather["action"]
        assert action.startswith(self.public + "/twilio/voice"), action
        return action.removeprefix(self.public)

    def _post(self, path: str, extra: dict[str, str]) -> Heard:
        ours = FAKE_FROM_NUMBER
        sides = (self.number, ours) if self.direction == "inbound" else (ours, self.number)
        params = {"CallSid": self.sid, "From": sides[0], "To": sides[1], "Direction": self.direction}
        params |= {**self.extra, **extra}
        self.last = listen(twilio_post(self.http, path, params, self.public), self.cache)
        return self.last
