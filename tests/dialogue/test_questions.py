"""A question is a question with or without "?", at every stage: answered, the stage asked again, never stored.

Read without the model (as the server reads first): a question-shaped message is a question whose topic the model
is then asked for; with the model's question intent, that topic. Choice words inside a question choose nothing.
"""

from __future__ import annotations

import pytest

from dialogue import answers
from dialogue.reading import NO_MODEL, Move, Understanding, read
from dialogue.stages import STAGES

ENGLISH = [
    "can my advocate be there with me",
    "why do you need my name",
    "is this a scam",
    "what if I say no will I lose my carer",
    "is this something I have to do by law",
    "what happens to my information",
    "how long will it take",
    "when will you ring me",
    "who are you",
    "where is the meeting",
    "could my daughter come too",
    "will it affect my benefits",
    "would I have to pay anything",
    "do I have to take part",
    "does it cost anything",
    "are you from the council",
    "am I in trouble",
    "should I ask my social worker first",
    "must I answer every question",
    "what if I change my mind later",
    "so why me",
    "ok but who will see what I say",
    "sorry, how did you get my number",
    "can I bring my mum",
    "is my carer allowed to come",
    "who else will be there",
    "what is case tracking",
    "how come you picked me",
    "did my social worker give you my number",
    "have I done something wrong",
]
POLISH = [
    "czy to jest obowiązkowe",
    "dlaczego ja",
    "po co wam moje imię",
    "jak długo to trwa",
    "kiedy zadzwonicie",
    "kto to jest",
    "gdzie będzie spotkanie",
    "co się stanie z moimi danymi",
    "ile to potrwa",
    "a co jeśli powiem nie",
    "czy moja córka może przyjść",
    "czemu do mnie piszecie",
    "skąd macie mój numer",
    "jaki jest cel tej rozmowy",
    "czy to oszustwo",
]
# Every kind of stage: the first message, a choice, a yes or no, free text, a contact, the explanation, the
# question, its read-back, the helper's read-back, preferences.
STAGES_ASKED = [
    "start",
    "who",
    "rep_role",
    "rep_name",
    "rep_contact",
    "rep_check",
    "rep_join",
    "rep_behalf",
    "explain_1",
    "explain_2",
    "ask_consent",
    "confirm",
    "pref_how",
    "pref_support",
    "pref_language",
    "pref_days",
    "pref_times",
    "pref_avoid",
    "pref_contact",
    "pref_confirm",
]


@pytest.mark.parametrize("stage", STAGES_ASKED)
def test_a_question_without_a_question_mark_is_a_question_at_every_stage(stage: str) -> None:
    consented = stage.startswith("pref_")
    for text in ENGLISH:
        found = read(STAGES[stage], text, "en", NO_MODEL, consented)
        assert (found.move, found.value) == (Move.QUESTION, ""), (stage, text, found)
    for text in POLISH:
        found = read(STAGES[stage], text, "pl", NO_MODEL, consented)
        assert (found.move, found.value) == (Move.QUESTION, ""), (stage, text, found)


@pytest.mark.parametrize("stage", STAGES_ASKED)
def test_with_the_model_the_question_gets_its_topic_and_nothing_is_chosen(stage: str) -> None:
    nlu = Understanding((("ask_someone_with_me", 0.7), ("identify_helper", 0.2)))
    found = read(STAGES[stage], "can my advocate be there with me", "en", nlu, stage.startswith("pref_"))
    assert (found.move, found.value) == (Move.QUESTION, "someone_with_me")


def test_a_question_the_model_has_no_topic_for_is_one_we_cannot_answer_not_an_answer() -> None:
    nlu = Understanding((("identify_helper", 0.9),))
    found = read(STAGES["who"], "can my advocate be there with me", "en", nlu, False)
    assert (found.move, found.value) == (Move.QUESTION, "out_of_scope")
    nlu = Understanding((("affirm", 0.95),))
    assert read(STAGES["ask_consent"], "is this a scam", "en", nlu, False).move is Move.QUESTION


def test_a_question_that_is_a_wish_to_stop_is_read_back_as_one() -> None:
    nlu = Understanding((("stop", 0.9),))
    assert read(STAGES["pref_days"], "can you stop texting me", "en", nlu, True).move is Move.REFUSAL


@pytest.mark.parametrize(
    ("stage", "text", "expected"),
    [
        # Where we ask how someone would like to meet, a request names their choice: that is their answer.
        ("pref_how", "can you ring me", ["phone"]),
        ("pref_how", "could you come to my house", ["home"]),
        ("pref_support", "could I have an interpreter", ["interpreter"]),
        ("pref_support", "can I have someone with me", ["someone"]),
        ("pref_days", "how about tuesday", ["tuesday"]),
        ("pref_times", "what about mornings", ["morning"]),
        ("pref_contact", "can you text me", ["text"]),
        ("pref_how", "czy możecie zadzwonić", ["phone"]),
    ],
)
def test_a_request_where_we_ask_how_to_meet_is_the_answer(stage: str, text: str, expected: list[str]) -> None:
    language = "pl" if "ż" in text else "en"
    assert read(STAGES[stage], text, language, NO_MODEL, True).value == expected


@pytest.mark.parametrize(
    ("stage", "text", "expected"),
    [
        # Not questions: an auxiliary with no subject, a clause, a yes in other words.
        ("ask_consent", "will do", "yes"),
        ("ask_consent", "would love to", "yes"),
        ("ask_consent", "why not", "yes"),
        ("ask_consent", "czemu nie", "yes"),
        ("ask_consent", "jak najbardziej", "yes"),
        ("pref_avoid", "when I am at work on Fridays", "when I am at work on Fridays"),
        ("pref_days", "co tydzień w środę", ["wednesday"]),
        ("rep_name", "Sam Jones", "Sam Jones"),
    ],
)
def test_words_that_only_look_like_a_question_are_answers(stage: str, text: str, expected: object) -> None:
    language = "pl" if any(c in text for c in "ęąśż") or text.startswith(("czemu", "jak")) else "en"
    found = read(STAGES[stage], text, language, NO_MODEL, stage.startswith("pref_"))
    assert (found.move, found.value) == (Move.ANSWER, expected)


def test_how_are_you_is_a_hello_not_a_question_we_cannot_answer() -> None:
    nlu = Understanding((("greet", 0.9),))
    found = read(STAGES["ask_consent"], "how are you", "en", nlu, False)
    assert (found.move, found.value) == (Move.CHITCHAT, "greet")


@pytest.mark.parametrize(
    ("text", "model_reads"),
    [
        ("no wait, she wants to know more first. why her?", "why her?"),
        ("I'm her daughter. why do you need to know", "why do you need to know"),
        ("ok thanks. how long is it", "how long is it"),
        ("no wait, how long is the talk?", "how long is the talk?"),
        ("why me. I have done nothing", "why me. I have done nothing"),
        ("yes please", "yes please"),
    ],
)
def test_the_model_reads_the_question_of_several_sentences(text: str, model_reads: str) -> None:
    assert answers.after_pause(text) == model_reads


@pytest.mark.parametrize(
    ("stage", "payload", "expected"),
    [
        ("pref_how", "how:phone", ["phone"]),
        ("pref_support", "support:large_print", ["large_print"]),
        ("pref_days", "day:monday day:friday", ["monday", "friday"]),
        ("pref_times", "time:morning", ["morning"]),
        ("pref_contact", "contact:text", ["text"]),
    ],
)
def test_a_pressed_choice_is_its_answer_even_when_its_field_reads_like_a_question_word(
    stage: str, payload: str, expected: list[str]
) -> None:
    # "how:phone" starts with "how": a button press must never be taken for a question.
    reading = read(STAGES[stage], payload, "en", NO_MODEL, consented=True)
    assert (reading.move, reading.value) == (Move.ANSWER, expected)
