"""Reading people right the first time, against the real model and server, typing only, on the web and by text,
in English and Polish: questions without "?" at every choice, free-text and contact stage are answered and
nothing is stored; negations and "not now" are never read back as a yes; a helper's details are read back once.
"""

from __future__ import annotations

import httpx
import pytest

from easyread.sms_words import without_accents
from tests.e2e.test_typing import Factory, Person
from tools.stack import Stack

pytestmark = pytest.mark.e2e

# Five questions without a question mark, asked at every stage, in each language. The bot answers each (it
# knows what they are about) and asks the stage's own question again.
QUESTIONS = {
    "en": [
        ("is this a scam", "answer_is_real"),
        ("do I have to do this", "answer_must_take_part"),
        ("how long does the talk take", "answer_how_long"),
        ("why have you picked me", "answer_why_me"),
        ("can I stop later", "answer_can_stop"),
    ],
    "pl": [
        ("czy to oszustwo", "answer_is_real"),
        ("czy muszę to robić", "answer_must_take_part"),
        ("ile trwa rozmowa", "answer_how_long"),
        ("dlaczego wybraliście mnie", "answer_why_me"),
        ("czy mogę później zrezygnować", "answer_can_stop"),
    ],
}
# What each stage asks, and an answer that moves on from it, as people type them.
HELPER_PATH = {
    "en": [
        ("ask_who", "I'm helping someone"),
        ("ask_role", "her daughter"),
        ("ask_rep_name", "Sam Riley"),
        ("ask_rep_contact", "07700 900431"),
    ],
    "pl": [
        ("ask_who", "pomagam komuś"),
        ("ask_role", "córka"),
        ("ask_rep_name", "Anna Nowak"),
        ("ask_rep_contact", "07700 900432"),
    ],
}
PREFERENCES = {
    "en": [
        ("ask_how", "on the phone"),
        ("ask_support", "an interpreter"),
        ("ask_language", "Urdu"),
        ("ask_days", "mondays"),
        ("ask_times", "mornings"),
        ("ask_avoid", "the week of 12 March"),
        ("ask_contact_by", "text me"),
    ],
    "pl": [
        ("ask_how", "przez telefon"),
        ("ask_support", "tłumacz"),
        ("ask_language", "ukraiński"),
        ("ask_days", "poniedziałki"),
        ("ask_times", "rano"),
        ("ask_avoid", "cały lipiec"),
        ("ask_contact_by", "sms"),
    ],
}


@pytest.fixture(params=["web", "sms"])
def person(request: pytest.FixtureRequest, http: httpx.Client, live: Stack) -> Factory:
    def make(language: str = "en") -> Person:
        return Person(http, live, request.param, language)

    return make


def questions_then(someone: Person, stage_asks: str, answer: str) -> str:
    """Five questions at the stage: each answered, then the stage's question again; then the answer."""
    for question, topic in QUESTIONS[someone.language]:
        reply = someone.say(question)
        assert someone.words(topic, helpline="03000 616161", minutes=60)[:40] in reply, (question, reply)
        assert someone.words(stage_asks) in reply, f"{question!r} was taken as an answer: {reply}"
    return someone.say(answer)


YES = {"en": "yes", "pl": "tak"}


def to_the_meeting_questions(someone: Person) -> None:
    """Hello, for me, ok, ok, yes, yes: consent given, and the first meeting question asked."""
    yes = YES[someone.language]
    for words in ("hello" if someone.language == "en" else "dzień dobry", yes, "ok", "ok", yes, yes):
        someone.say(words)
    assert someone.consent()["state"] == "given"


@pytest.mark.parametrize("language", ["en", "pl"])
def test_questions_without_a_question_mark_at_the_helper_stages_are_answered_and_never_stored(
    person: Factory, language: str
) -> None:
    helper = person(language)
    helper.say("hello" if language == "en" else "dzień dobry")
    reply = ""
    for asks, answer in HELPER_PATH[language]:
        reply = questions_then(helper, asks, answer)
    # The helper's details, read back once in one message, are what they typed and nothing they asked.
    name, contact = HELPER_PATH[language][2][1], HELPER_PATH[language][3][1]
    assert name in reply and contact in reply, reply
    for question, _ in QUESTIONS[language]:
        assert (without_accents(question) if helper.channel == "sms" else question) not in reply
    assert helper.words("ask_join") in helper.say(YES[language])


@pytest.mark.parametrize("half", [0, 1])
@pytest.mark.parametrize("language", ["en", "pl"])
def test_questions_without_a_question_mark_at_the_meeting_questions_are_answered_and_never_stored(
    person: Factory, language: str, half: int
) -> None:
    """Each meeting question (in two halves, so that nobody sends more than a minute's messages)."""
    someone = person(language)
    to_the_meeting_questions(someone)
    stages = PREFERENCES[language]
    for _, answer in stages[: 4 * half]:
        someone.say(answer)
    reply = ""
    for asks, answer in stages[4 * half : 4 * half + 4]:
        reply = questions_then(someone, asks, answer)
    if half:
        # The preferences read back are the answers, not the questions.
        for _, answer in (stages[2], stages[5]):
            assert (without_accents(answer) if someone.channel == "sms" else answer) in reply, reply
        for question, _ in QUESTIONS[language]:
            assert (without_accents(question) if someone.channel == "sms" else question) not in reply


NEGATIONS = {
    "en": ["absolutely not", "definitely not", "certainly not", "I don't think so", "no way", "that isn't right"],
    "pl": ["wcale nie", "absolutnie nie", "na pewno nie", "w żadnym wypadku"],
}
NOT_NOW = {
    "en": ["yes but not now", "maybe later", "not right now, I'll let you know", "not yet"],
    "pl": ["tak ale nie teraz", "może później", "jeszcze nie"],
}


@pytest.mark.parametrize("language", ["en", "pl"])
def test_negations_are_never_read_back_as_yes_and_not_now_notes_only_unsure(person: Factory, language: str) -> None:
    someone = person(language)
    for words in ("hello", "yes", "ok", "ok") if language == "en" else ("dzień dobry", "tak", "ok", "ok"):
        someone.say(words)
    yes = "YES" if language == "en" else "TAK"
    for words in NEGATIONS[language]:
        reply = someone.say(words)
        assert yes not in reply and someone.words("readback_no") in reply, (words, reply)
        # "That is not right": the question again.
        assert someone.words("ask_consent") in someone.say("no" if language == "en" else "nie")
    for words in NOT_NOW[language]:
        reply = someone.say(words)
        assert yes not in reply and someone.words("unsure") in reply, (words, reply)
        # A question in between, as people ask: the same reassurance is never said three times running.
        someone.say("is this a scam" if language == "en" else "czy to oszustwo")
    consent = someone.consent()
    assert consent["state"] == "pending" and consent["unsure"] is True


@pytest.mark.parametrize("language", ["en", "pl"])
def test_a_stray_number_at_the_language_question_is_asked_again_and_never_kept(person: Factory, language: str) -> None:
    """By text only 1 (skip) is offered there: a "3" meant for the list before is a slip, never a language."""
    someone = person(language)
    to_the_meeting_questions(someone)
    stages = PREFERENCES[language]
    for _, answer in stages[:2]:
        someone.say(answer)
    for slip in ("3", "7"):
        assert someone.words("ask_language") in someone.say(slip)
    assert someone.words("ask_days") in someone.say(stages[2][1])
