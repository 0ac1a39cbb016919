"""A Polish speaker, on the web chat and by text, from the invitation to recorded consent, in Polish throughout;
and an English speaker who asks for Polish half way."""

from __future__ import annotations

import re
import uuid
from functools import cache
from typing import Any

import httpx
import pytest

from easyread.render import keys
from easyread.sms_words import UCS2, segments, without_accents
from tests.e2e.people import Texter, WebPerson, case_of
from tests.fakes.twilio_api import FakeTwilio
from tests.support import council_with_staff, new_case
from tools.stack import Stack

pytestmark = pytest.mark.e2e


@cache
def english_sentences() -> frozenset[str]:
    """Every English sentence of 3 words or more a person could be sent (placeholders left out)."""
    found = set()
    for key in keys("en"):
        if key.startswith(("pages.", "guide.")):
            continue
        for sentence in re.split(r"(?<=[.?!])\s+|\n", text_raw(key)):
            if "%{" not in sentence and len(sentence.split()) >= 3:
                found.add(sentence.strip())
    return frozenset(found)


def text_raw(key: str) -> str:
    import yaml

    from easyread.render import CONTENT

    namespace, name = key.split(".", 1)
    data = yaml.safe_load((CONTENT / f"{namespace}.en.yml").read_text(encoding="utf-8"))
    return str(data["en"][name])


def assert_polish(said: list[str]) -> None:
    """No English sentence of ours in what was said, and Polish words in it."""
    joined = "\n".join(said)
    leaked = sorted(sentence for sentence in english_sentences() if sentence in joined)
    assert leaked == [], f"English leaked into a Polish conversation: {leaked}"
    assert re.search("[ąćęłńóśźż]", joined.lower()), joined


@pytest.fixture
def council(http: httpx.Client) -> Any:
    return council_with_staff(http, f"Rada {uuid.uuid4().hex[:6]}")


def consent_state(http: httpx.Client, staff: dict[str, str], case_id: int) -> str:
    return str(case_of(http, staff, case_id)["consent"]["state"])


def test_on_the_web_in_polish_from_the_invitation_to_recorded_consent(http: httpx.Client, council: Any) -> None:
    case = new_case(http, council.staff, "PL-WEB-1", phone="+447700900481", language="pl")
    person = WebPerson(http, case["invite_code"])
    said: list[str] = []

    def say(words: str) -> list[dict[str, Any]]:
        reply = person.say(words)
        said.extend(m["text"] for m in reply)
        said.extend(b["title"] for m in reply for b in m.get("buttons", []))
        said.extend(m.get("alt", "") for m in reply)
        return reply

    greeting = say("/greet")
    assert greeting[0]["text"].startswith("Dzień dobry.")
    assert [b["title"] for b in greeting[-1]["buttons"]] == ["To dla mnie", "Pomagam komuś"]
    # Pictures beside the words, described in Polish.
    assert greeting[0]["image"] == "/pictures/information.svg" and greeting[0]["alt"] == "Litera i, czyli informacja"
    assert WebPerson.words(say("to ja")).startswith("Chcemy porozmawiać z Tobą")
    # A question in their own words, typed without Polish letters, mid-explanation.
    answer = say("czy moja corka moze byc ze mna?")
    assert "Tak, ktoś może być z Tobą." in WebPerson.words(answer)
    assert WebPerson.payloads(answer)[0] == "/continue"
    for _ in range(12):
        question = say("/continue")
        if "/unsure" in WebPerson.payloads(question):
            break
    assert question[-1]["text"].startswith("Czy chcesz wziąć udział?")
    readback = say("tak")
    assert readback[-1]["text"].startswith("Twoja odpowiedź: TAK.")
    assert consent_state(http, council.staff, case["id"]) == "pending"
    confirmed = WebPerson.words(say("tak, zgadza się"))
    assert "Zapisaliśmy Twoją odpowiedź: TAK." in confirmed
    consent = case_of(http, council.staff, case["id"])["consent"]
    assert consent["state"] == "given" and consent["given_by"] == "person"
    assert_polish(said)


def test_by_text_in_polish_from_the_invitation_to_recorded_consent(
    http: httpx.Client, live: Stack, fake_twilio: FakeTwilio, council: Any
) -> None:
    phone = "+447700900482"
    case = new_case(http, council.staff, "PL-SMS-1", phone=phone, language="pl")
    http.post(f"/api/cases/{case['id']}/invite", headers=council.staff)
    [invite] = fake_twilio.sms_to(phone)
    assert invite.startswith("Dzień dobry.") and case["invite_code"] in invite
    said = [invite]
    person = Texter(http, live.server_url, phone)

    def send(words: str) -> list[str]:
        bodies = person.send(words)
        said.extend(bodies)
        return bodies

    greeting = send("cześć")
    # One text for the whole greeting; over 3 parts with its accents, it goes without them (GSM-7).
    assert len(greeting) == 1 and without_accents(greeting[0]) == greeting[0]
    assert greeting[0].startswith("Dzien dobry.")
    assert greeting[-1].endswith("Odpisz numerem:\n1 - To dla mnie\n2 - Pomagam komus")
    assert "1 - Dalej" in send("1")[-1]
    for _ in range(12):
        if send("1")[-1].endswith("3 - Jeszcze nie wiem"):
            break
    else:
        raise AssertionError("the consent question never came by text")
    readback = send("tak")
    assert readback[-1].startswith("Twoja odpowiedź: TAK.") and "1 - Tak, dobrze" in readback[-1]
    assert consent_state(http, council.staff, case["id"]) == "pending"
    confirmed = send("1")
    assert "Zapisalismy Twoja odpowiedz: TAK." in without_accents("\n".join(confirmed))
    assert consent_state(http, council.staff, case["id"]) == "given"
    assert_polish(said)
    # Polish letters make a text UCS-2; one that would be over 3 parts goes without them. Each fits 3 parts.
    sizes = [segments(body) for body in said]
    assert all(size.count <= 3 for size in sizes), sizes
    assert any(size.encoding == UCS2 for size in sizes)


def test_asking_for_polish_half_way_switches_the_conversation_and_the_case(http: httpx.Client, council: Any) -> None:
    case = new_case(http, council.staff, "PL-SWITCH-1", phone="+447700900483")
    person = WebPerson(http, case["invite_code"])
    person.say("hello")
    assert person.say("it's me")[1]["text"].startswith("You will talk with an inspector.")
    switched = person.say("can we speak polish please")
    assert switched[0]["text"] == "Dobrze. Teraz rozmawiamy po polsku."
    # The same part of the explanation again, in Polish.
    assert switched[2]["text"].startswith("Porozmawiasz z inspektorem.")
    assert [b["title"] for b in switched[-1]["buttons"]] == ["Dalej", "Tak, biorę udział", "Nie, dziękuję"]
    assert case_of(http, council.staff, case["id"])["language"] == "pl"
    back = person.say("po angielsku prosze")
    assert back[0]["text"] == "OK. We will talk in English now."
    assert back[2]["text"].startswith("You will talk with an inspector.")
