"""People who type, against the real model and server, on the web and by text, in English and Polish.

Nothing here presses a button: every answer is typed, in several phrasings, as people in the pilots wrote them.
Each test counts the messages a person needs where that is the point.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from easyread.render import render
from easyread.sms_words import without_accents
from tests.e2e.people import Texter, WebPerson, case_of
from tests.support import council_with_staff, new_case
from tools.stack import Stack

pytestmark = pytest.mark.e2e
# The numbers here are the drama range's 520-599 and 800-899 (no other end-to-end test uses them); each person has
# their own.
_numbers = itertools.chain(range(520, 600), range(800, 900))


def number() -> str:
    return f"+447700900{next(_numbers):03d}"


def said(key: str, language: str = "en", channel: str = "web", **args: object) -> str:
    message = render(f"utter_{key}", language, channel, args)
    assert message is not None
    return message.text


class Person:
    """Someone typing on one channel: `say` sends their words and gives back what the bot said, as one string."""

    def __init__(self, http: httpx.Client, live: Stack, channel: str, language: str = "en") -> None:
        self.http, self.channel, self.language = http, channel, language
        council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
        self.staff = council.staff
        self.phone = number()
        self.case = new_case(http, council.staff, f"T-{uuid.uuid4().hex[:6]}", phone=self.phone, language=language)
        self.sent = 0
        self._web = WebPerson(http, self.case["invite_code"]) if channel == "web" else None
        self._sms = Texter(http, live.server_url, self.phone) if channel == "sms" else None

    def say(self, words: str) -> str:
        self.sent += 1
        if self._web is not None:
            return WebPerson.words(self._web.say(words))
        assert self._sms is not None
        # A Polish text that would be over 3 parts goes without its accents: compare texts without them.
        return without_accents("\n".join(self._sms.send(words)))

    def consent(self) -> dict[str, Any]:
        return dict(case_of(self.http, self.staff, self.case["id"])["consent"])

    def words(self, key: str, **args: object) -> str:
        words = said(key, self.language, self.channel, **args)
        return without_accents(words) if self.channel == "sms" else words


Factory = Callable[..., Person]


@pytest.fixture(params=["web", "sms"])
def person(request: pytest.FixtureRequest, http: httpx.Client, live: Stack) -> Factory:
    def make(language: str = "en") -> Person:
        return Person(http, live, request.param, language)

    return make


@pytest.mark.parametrize(
    ("language", "hello", "yes", "ok", "read_back"),
    [("en", "hello", "yes", "ok", "YES"), ("pl", "dzień dobry", "tak", "ok", "TAK")],
)
def test_ok_to_each_step_and_yes_reaches_a_recorded_yes_in_few_messages(
    person: Factory, language: str, hello: str, yes: str, ok: str, read_back: str
) -> None:
    someone = person(language)
    assert someone.words("ask_who") in someone.say(hello)
    assert someone.words("explain_what_happens") in someone.say(yes)  # "yes" to "Is this message for you?"
    assert someone.words("explain_someone_with_me") in someone.say(ok)
    assert someone.words("ask_consent") in someone.say(ok)
    assert read_back in someone.say(yes)
    assert someone.consent()["state"] == "pending"
    someone.say(yes)
    assert someone.consent()["state"] == "given"
    # The limits: 8 on the web, 6 texts by SMS.
    assert someone.sent <= (6 if someone.channel == "sms" else 8)
    print(f"\n[count] {someone.channel} {language}: ok to each step and yes: {someone.sent} messages")


def test_yes_i_would_like_to_take_part_at_the_first_question(person: Factory) -> None:
    someone = person()
    someone.say("hi")
    facts = someone.say("yes I'd like to take part")
    assert someone.words("consent_facts") in facts and someone.words("ask_consent") in facts
    someone.say("yes")
    someone.say("yes that's right")
    assert someone.consent()["state"] == "given"
    assert someone.sent <= 5
    print(f"\n[count] {someone.channel} en: early yes: {someone.sent} messages")


@pytest.mark.parametrize("first", ["no thank you, I'd rather not take part", "nope not for me"])
def test_an_early_no_is_heard_read_back_and_recorded_as_meant(person: Factory, first: str) -> None:
    someone = person()
    reply = someone.say(first)
    assert someone.words("readback_no") in reply
    assert someone.consent()["state"] == "pending"
    # "Yes that's right" confirms the no: it is never read as a yes to taking part.
    assert someone.words("consent_declined") in someone.say("yes that's right")
    assert someone.consent()["state"] == "declined"


def test_a_no_during_the_explanation_is_read_back_and_a_correction_is_heard(person: Factory) -> None:
    someone = person()
    someone.say("hello")
    someone.say("its for me")
    assert someone.words("readback_no") in someone.say("no I don't want to do this")
    # "No wait, I meant yes": the read-back follows the correction, and nothing is recorded yet.
    assert someone.words("readback_yes") in someone.say("no wait, I meant yes")
    assert someone.consent()["state"] == "pending"
    someone.say("yes")
    assert someone.consent()["state"] == "given"


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("Do I have to do this?", "answer_must_take_part"),
        ("Will my care change if I say no?", "answer_must_take_part"),
        ("Is it compulsory?", "answer_must_take_part"),
        ("Why have you picked me?", "answer_why_me"),
        ("is this a scam", "answer_is_real"),
        ("how long does the talk take?", "answer_how_long"),
    ],
)
def test_questions_get_answers_that_are_true_then_the_question_again(
    http: httpx.Client, live: Stack, question: str, answer: str
) -> None:
    someone = Person(http, live, "web")
    someone.say("hello")
    someone.say("yes")
    someone.say("ok")
    someone.say("ok")
    reply = someone.say(question)
    expected = said(answer, helpline="03000 616161", minutes=60)
    assert expected in reply, reply
    if answer == "answer_must_take_part":
        assert reply.startswith("No, you do not have to")
    assert reply.endswith(said("ask_consent")), "then the question on the table, again"
    assert someone.consent()["state"] == "pending"


def test_when_will_you_ring_me_gives_a_date(http: httpx.Client, live: Stack) -> None:
    someone = Person(http, live, "sms")
    someone.say("hi")
    reply = someone.say("when will you ring me?")
    assert "will get in touch by" in reply
    assert any(day in reply for day in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday"))


def test_a_helper_answering_will_you_come_with_words_after_yes_moves_on(http: httpx.Client, live: Stack) -> None:
    helper = Person(http, live, "web")
    helper.say("hello")
    assert said("ask_rep_name") in helper.say("I'm her daughter")
    helper.say("Sam")
    readback = helper.say("+447700900402")
    assert "You are Sam." in readback and "07700 900402" in readback
    assert said("ask_join") in helper.say("yes that's right")
    assert said("ask_behalf") in helper.say("yes I will be with her")
    assert said("explain_what_happens") in helper.say("no she is here and answering herself")


def test_a_relative_texts_the_code_inside_a_sentence(http: httpx.Client, live: Stack) -> None:
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    case = new_case(http, council.staff, "T-CODE", phone=number())
    relative = Texter(http, live.server_url, number())
    reply = relative.send(f"Hello, my mum got your letter, the code is {case['invite_code']}")
    assert said("ask_who", channel="sms") in "\n".join(reply)
    assert case_of(http, council.staff, case["id"])["status"] == "engaged"


def test_after_a_yes_text_me_and_a_language_in_an_answer_change_nothing(person: Factory) -> None:
    someone = person()
    for words in ("hello", "yes", "ok", "ok", "yes", "yes"):
        someone.say(words)
    assert someone.consent()["state"] == "given"
    someone.say("on the phone")
    assert someone.words("ask_language") in someone.say("I need an interpreter, I speak Polish")
    assert someone.words("ask_days") in someone.say("Polish"), "still in English"
    someone.say("mondays")
    someone.say("mornings")
    someone.say("no")
    readback = someone.say("text me")
    assert "Text" in readback and someone.consent()["state"] == "given"
    someone.say("yes")
    # After everything, "text me" is still not a withdrawal: nothing is recorded against what they meant.
    someone.say("text me")
    assert someone.consent()["state"] == "given"


def test_a_wish_to_stop_in_other_words_is_read_back_before_it_is_recorded(person: Factory) -> None:
    someone = person()
    for words in ("hello", "yes", "ok", "ok", "yes", "yes"):
        someone.say(words)
    assert someone.words("stop_readback") in someone.say("I don't want to do this any more")
    assert someone.consent()["state"] == "given"
    assert someone.words("not_stopped") in someone.say("no, sorry, I want to carry on")
    assert someone.consent()["state"] == "given"
    someone.say("I don't want to take part any more")
    assert someone.words("stop_withdrawn") in someone.say("yes")
    assert someone.consent()["state"] == "withdrawn"


def test_repairs_say_again_skip_thanks_and_a_person(person: Factory) -> None:
    someone = person()
    someone.say("hello")
    someone.say("for me")
    someone.say("ok")
    question = someone.say("ok")
    again = someone.say("can you say that again please")
    assert someone.words("ask_consent") in again
    assert someone.words("ask_consent") in someone.say("thanks")
    for words in ("yes", "yes"):
        someone.say(words)
    assert someone.words("ask_support") in someone.say("skip")
    assert someone.words("handoff") in someone.say("can I talk to a real person")
    assert someone.consent()["state"] == "given"
    assert question


def test_not_understood_three_times_never_says_the_same_words_twice_then_a_person(person: Factory) -> None:
    someone = person()
    someone.say("hello")
    replies = [someone.say(words) for words in ("purple monkey dishwasher", "zzzz qqqq", "banana telephone")]
    # The first is "sorry, I did not understand" (or "I can only help with case tracking" for something else).
    assert someone.words("not_understood") in replies[0] or someone.words("out_of_scope") in replies[0]
    assert someone.words("not_understood_again") in replies[1]
    assert someone.words("not_understood_twice") in replies[2]
    assert len(set(replies)) == 3
    assert someone.consent()["state"] == "pending"


def test_a_polish_conversation_typed_from_hello_to_yes(person: Factory) -> None:
    someone = person("pl")
    someone.say("dzień dobry")
    assert someone.words("explain_what_happens") in someone.say("tak, to ja")
    someone.say("ok")
    assert someone.words("ask_consent") in someone.say("dobrze")
    answer = someone.say("czy muszę to robić?")
    assert answer.startswith(someone.words("answer_must_take_part")[:20])
    assert "TAK" in someone.say("tak, chętnie")
    someone.say("tak")
    assert someone.consent()["state"] == "given"
    print(f"\n[count] {someone.channel} pl: typed to yes with a question: {someone.sent} messages")


def test_a_polish_early_no_is_read_back(person: Factory) -> None:
    someone = person("pl")
    assert someone.words("readback_no") in someone.say("nie, dziękuję, nie chcę brać udziału")
    someone.say("tak")
    assert someone.consent()["state"] == "declined"


def test_a_polish_early_yes_in_few_messages(person: Factory) -> None:
    someone = person("pl")
    someone.say("dzień dobry")
    assert someone.words("ask_consent") in someone.say("chcę wziąć udział")
    someone.say("tak")
    someone.say("tak, zgadza się")
    assert someone.consent()["state"] == "given"
    assert someone.sent <= 5
    print(f"\n[count] {someone.channel} pl: early yes: {someone.sent} messages")


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("czy muszę brać w tym udział?", "answer_must_take_part"),
        ("dlaczego wybraliście mnie?", "answer_why_me"),
        ("czy to oszustwo?", "answer_is_real"),
        ("ile trwa rozmowa?", "answer_how_long"),
    ],
)
def test_polish_questions_get_true_answers_then_the_question_again(
    http: httpx.Client, live: Stack, question: str, answer: str
) -> None:
    someone = Person(http, live, "web", "pl")
    for words in ("dzień dobry", "tak", "ok", "ok"):
        someone.say(words)
    reply = someone.say(question)
    assert someone.words(answer, helpline="03000 616161", minutes=60) in reply, reply
    assert reply.endswith(someone.words("ask_consent"))


def test_a_polish_helper_and_a_polish_wish_to_stop(person: Factory) -> None:
    helper = person("pl")
    helper.say("dzień dobry")
    assert helper.words("ask_rep_name") in helper.say("jestem jej córką")
    helper.say("Anna")
    assert "Anna" in helper.say("pomiń")  # the details read back once: her name, and no contact
    assert helper.words("ask_join") in helper.say("tak")
    assert helper.words("ask_behalf") in helper.say("tak, będę z nią")
    assert helper.words("explain_what_happens") in helper.say("tak, odpowiadam za mamę")
    for words in ("ok", "ok", "tak", "tak"):
        helper.say(words)
    assert helper.consent()["state"] == "given" and helper.consent()["given_by"] == "representative"
    # After a yes, "SMS" at the contact question is an answer, and a wish to stop in words is read back first.
    assert helper.words("stop_readback") in helper.say("nie chcę już brać udziału")
    assert helper.consent()["state"] == "given"
    assert helper.words("stop_withdrawn") in helper.say("tak")
    assert helper.consent()["state"] == "withdrawn"


def test_polish_not_understood_three_times_then_a_person(person: Factory) -> None:
    someone = person("pl")
    someone.say("dzień dobry")
    replies = [someone.say(words) for words in ("fioletowa małpa", "zzzz qqqq", "banan telefon")]
    assert someone.words("not_understood_again") in replies[1]
    assert someone.words("not_understood_twice") in replies[2]
    assert len(set(replies)) == 3


@pytest.mark.parametrize(
    ("words", "answer"),
    [("no wait, she wants to know more first. why her?", "answer_why_me"), ("no, why me?", "answer_why_me")],
)
def test_a_no_with_a_question_after_it_gets_the_answer_not_a_refusal(person: Factory, words: str, answer: str) -> None:
    """A helper's "no wait, why her?" during the explanation is a question: answered, nothing read back or recorded,
    and a plain no afterwards is still heard."""
    someone = person()
    someone.say("hello")
    someone.say("its for me")
    reply = someone.say(words)
    assert someone.words(answer) in reply and someone.words("readback_no") not in reply
    assert someone.consent()["state"] == "pending"
    assert someone.words("readback_no") in someone.say("no thanks, not for me")


def test_no_hang_on_or_no_wait_a_question_at_the_consent_question_is_not_a_no(person: Factory) -> None:
    someone = person()
    for words in ("hello", "its for me", "ok", "ok"):
        reply = someone.say(words)
    assert someone.words("ask_consent") in reply
    # "No hang on": nothing is answered; the question comes again.
    reply = someone.say("no hang on")
    assert someone.words("ask_consent") in reply and someone.words("readback_no") not in reply
    reply = someone.say("no wait, how long is the talk?")
    assert someone.words("answer_how_long", minutes=60) in reply and someone.words("readback_no") not in reply
    assert someone.consent()["state"] == "pending"
    someone.say("yes")
    someone.say("yes that's right")
    assert someone.consent()["state"] == "given"
    print(f"\n[count] {someone.channel} en: with a pause and a question on the way: {someone.sent} messages")


@pytest.mark.parametrize(
    "words", ["I need a BSL interpreter", "sign language interpreter please", "a signer, I'm deaf"]
)
def test_a_bsl_interpreter_is_asked_for_no_spoken_language(person: Factory, words: str) -> None:
    """A deaf person asking for a BSL interpreter is not asked what language they speak (that is for an
    interpreter of another language), and the read-back names BSL."""
    someone = person()
    for said_ in ("hello", "yes", "ok", "ok", "yes", "yes", "on the phone"):
        someone.say(said_)
    reply = someone.say(words)
    assert someone.words("ask_language") not in reply and someone.words("ask_days") in reply
    for said_ in ("mondays", "mornings", "no", "text me"):
        reply = someone.say(said_)
    assert "British Sign Language" in reply and "another language" not in reply, reply
