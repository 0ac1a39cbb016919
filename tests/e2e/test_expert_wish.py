"""Asking for someone who has had care too, in one's own words at a meeting question, against the real model and
server: typed on the web and by text, and spoken on a call, in English and Polish. It is noted, the same question
comes again, the council's progress counts it, and the team's queue marks it."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from easyread.render import button_title, text
from easyread.sms_words import plain, without_accents
from tests.e2e.people import case_of
from tests.e2e.test_typing import Factory, Person, person  # noqa: F401 (the fixture)
from tests.e2e.test_voice import live_cache
from tests.fakes.twilio_api import FakeTwilio
from tests.phone import Heard, Phone
from tests.support import ADMIN, council_with_staff, new_case
from tools.stack import Stack

pytestmark = pytest.mark.e2e

TYPED = {
    "en": (("hello", "yes", "ok", "ok", "yes", "yes", "on the phone", "large print"),
           "can someone who's been through it come", ("mondays", "mornings", "no", "text me", "yes")),
    "pl": (("dzień dobry", "tak, to ja", "ok", "dobrze", "tak", "tak", "przez telefon", "duży druk"),
           "ktoś, kto też miał opiekę", ("poniedziałek", "rano", "nie", "sms", "tak")),
}  # fmt: skip


def asked(http: httpx.Client, staff: dict[str, str], case_id: int) -> int:
    council_id = case_of(http, staff, case_id)["council_id"]
    progress = http.get(f"/api/councils/{council_id}/progress", headers=staff).json()
    return int(progress["expert_by_experience_asked"])


@pytest.mark.parametrize("language", ["en", "pl"])
def test_typed_at_the_days_question_it_is_noted_marked_counted_and_booked(
    person: Factory,  # noqa: F811
    http: httpx.Client,
    fake_twilio: FakeTwilio,
    language: str,
) -> None:
    someone: Person = person(language)
    before, wish, after = TYPED[language]
    for words in before:
        reply = someone.say(words)
    assert someone.consent()["state"] == "given"
    assert someone.words("ask_days") in reply, reply
    reply = someone.say(wish)
    noted, again = someone.words("expert_noted"), someone.words("ask_days")
    assert noted in reply and again in reply and reply.index(noted) < reply.index(again), reply
    assert asked(http, someone.staff, someone.case["id"]) == 1
    for words in after:
        reply = someone.say(words)
    assert someone.words("prefs_saved") in reply, reply
    queue = http.get("/api/handoffs", headers=ADMIN).json()
    item = next(i for i in queue if i["case_id"] == someone.case["id"])
    assert item["expert_by_experience_wanted"] is True
    assert sorted(item["preferences"]["support"]) == ["large_print", "lived_experience"]
    # Booked without saying: an Expert by Experience comes, and the person's text says so.
    at = {"at": "2099-03-03T14:00:00+00:00", "how": "phone"}
    booked = http.post(f"/api/handoffs/{item['id']}/schedule", json=at, headers=ADMIN).json()
    assert booked["meeting"]["expert_by_experience"] is True
    second_person = without_accents(plain(text("closing.expert", language)))
    assert any(second_person in without_accents(sms) for sms in fake_twilio.sms_to(someone.phone))
    council_id = case_of(http, someone.staff, someone.case["id"])["council_id"]
    progress = http.get(f"/api/councils/{council_id}/progress", headers=someone.staff).json()
    assert progress["expert_by_experience_arranged"] == 1


def key(heard: Heard, title: str, language: str) -> str:
    said = re.escape(title)
    pattern = rf"Press (\d) (?:for|if) {said}" if language == "en" else rf"Naciśnij (\d): {said}"
    found = re.search(pattern, heard.text)
    assert found, f"no key for {title!r} in: {heard.text}"
    return found.group(1)


@pytest.mark.parametrize(
    ("language", "wish", "number"),
    [("en", "Can somebody who has had care too come with you?", "+447700900661"),
     ("pl", "Czy może przyjść ktoś, kto też miał opiekę?", "+447700900662")],
)  # fmt: skip
def test_spoken_on_a_call_it_is_noted_marked_counted_and_booked(
    http: httpx.Client, live: Stack, fake_twilio: FakeTwilio, language: str, wish: str, number: str
) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, f"CALL-{language}", phone=number, language=language)
    # We ring them (so we know who answers), and they go through by keys, the first choice each time: it is "this
    # is for me", "next", "yes" and "that is right".
    assert http.post(f"/api/cases/{case['id']}/call", headers=council.staff).status_code == 202
    phone = Phone(http, live.server_url, number, live_cache())
    heard = phone.answer()
    how = text("prefs.ask_how", language)
    for _ in range(12):
        if how in heard.text:
            break
        heard = phone.press("1")
    assert how in heard.text, heard.text
    assert case_of(http, council.staff, case["id"])["consent"]["state"] == "given"
    noted = phone.say(wish)
    spoken = [without_accents(words) for words in noted.words]
    assert without_accents(text("prefs.expert_noted", language)) in spoken, noted.words
    assert how in noted.text and noted.gather is not None
    assert asked(http, council.staff, case["id"]) == 1
    # The question is answered as usual afterwards.
    after = phone.press(key(noted, text("choices.how_phone", language), language))
    assert text("prefs.ask_support", language) in after.text, after.text
    # The other questions by keys (the first choice each time, "that is right" at the read-back; nothing to
    # avoid, said): the team's queue marks the wish, the booking takes it, and the text that confirms says so.
    saved = without_accents(text("prefs.saved", language))
    for _ in range(12):
        if saved in without_accents(after.text) or after.hangup:
            break
        after = phone.press("1") if "1" in after.text else phone.say("nie" if language == "pl" else "no")
    assert saved in without_accents(after.text), after.text
    queue = http.get("/api/handoffs", headers=ADMIN).json()
    item = next(i for i in queue if i["case_id"] == case["id"])
    assert item["expert_by_experience_wanted"] is True
    at = {"at": "2099-03-03T14:00:00+00:00", "how": "phone"}
    booked = http.post(f"/api/handoffs/{item['id']}/schedule", json=at, headers=ADMIN).json()
    assert booked["meeting"]["expert_by_experience"] is True
    second_person = without_accents(plain(text("closing.expert", language)))
    assert any(second_person in without_accents(sms) for sms in fake_twilio.sms_to(number))
    progress = http.get(f"/api/councils/{council.council_id}/progress", headers=council.staff).json()
    assert progress["expert_by_experience_arranged"] == 1


@pytest.mark.parametrize("language", ["en", "pl"])
def test_pressed_as_a_choice_by_text_it_is_marked_and_counted(
    person: Factory,  # noqa: F811
    http: httpx.Client,
    language: str,
) -> None:
    """By text, a choice is its number: "Someone who has had care too" pressed among the kinds of help."""
    someone: Person = person(language)
    before, _, after = TYPED[language]
    for words in before[:-1]:
        reply = someone.say(words)
    assert someone.words("ask_support") in reply, reply
    if someone.channel == "sms":
        title = without_accents(button_title("choices.support_lived_experience", language, "sms"))
        found = re.search(rf"(\d+)(?: for| -) {re.escape(title)}", reply)
        assert found, reply
        pressed = found.group(1)
    else:
        pressed = "support:lived_experience"
    assert someone.words("ask_days") in someone.say(pressed)
    assert asked(http, someone.staff, someone.case["id"]) == 1
    for words in after:
        reply = someone.say(words)
    queue = http.get("/api/handoffs", headers=ADMIN).json()
    item = next(i for i in queue if i["case_id"] == someone.case["id"])
    assert item["expert_by_experience_wanted"] is True
