"""Reading typed words against what the stage just asked, without the model: several phrasings at each stage."""

from __future__ import annotations

import pytest

from dialogue.reading import NO_MODEL, Move, Understanding, read
from dialogue.stages import FLOW, MOVES, RING_BACK, STAGES, STOP_READBACK, Kind
from easyread.render import RESPONSES
from server.domain.invite_codes import find_codes


def reading(stage: str, text: str, language: str = "en", consented: bool = False) -> tuple[Move, object]:
    found = read(STAGES[stage], text, language, NO_MODEL, consented)
    return found.move, found.value


@pytest.mark.parametrize(
    ("stage", "text", "expected"),
    [
        # A leading yes or no with any words after it answers a yes/no question.
        ("rep_join", "yes I will be with her", (Move.ANSWER, "yes")),
        ("rep_join", "Yeah, I'll come along", (Move.ANSWER, "yes")),
        ("rep_join", "nope cant make it", (Move.ANSWER, "no")),
        ("rep_behalf", "no she is here with me", (Move.ANSWER, "no")),
        ("ask_consent", "yeah go on then, happy to do it", (Move.ANSWER, "yes")),
        ("ask_consent", "no thank you", (Move.ANSWER, "no")),
        ("ask_consent", "I'd rather not take part", (Move.ANSWER, "no")),
        ("ask_consent", "not sure", (Move.ANSWER, "unsure")),
        ("confirm", "yes that's right", (Move.ANSWER, "yes")),
        ("confirm", "no thats wrong", (Move.ANSWER, "no")),
        ("pref_confirm", "yep all good", (Move.ANSWER, "yes")),
        # Polish: "tak" and "nie" lead; a casual Polish "no" (yeah) is left to the model.
        ("ask_consent", "tak, chętnie", (Move.ANSWER, "yes")),
        ("ask_consent", "nie, dziękuję", (Move.ANSWER, "no")),
    ],
)
def test_a_leading_yes_or_no_answers_the_question(stage: str, text: str, expected: tuple[Move, object]) -> None:
    language = "pl" if any(c in text for c in "ęąś") or text.startswith(("tak", "nie")) else "en"
    assert reading(stage, text, language) == expected


def test_a_correction_at_the_read_back_changes_the_answer() -> None:
    found = read(STAGES["confirm"], "no wait, I meant no", "en", NO_MODEL, consented=False)
    assert (found.move, found.value, found.extra) == (Move.ANSWER, "correct", {"to": "no"})
    found = read(STAGES["confirm"], "sorry I said yes", "en", NO_MODEL, consented=False)
    assert found.extra == {"to": "yes"}


@pytest.mark.parametrize(
    "text",
    [
        "no thank you, I'd rather not take part",
        "no thanks",
        "nope",
        "I don't want to take part",
        "not interested",
        "not for me thanks",
        "nie, dziękuję",
        "nie chcę brać udziału",
    ],
)
@pytest.mark.parametrize("stage", ["start", "who", "explain_1", "explain_2"])
def test_an_early_no_is_heard_from_the_first_message_and_the_explanation(stage: str, text: str) -> None:
    assert reading(stage, text, "pl" if "ę" in text else "en")[0] is Move.REFUSAL


@pytest.mark.parametrize("text", ["yes I'd like to take part", "yes I am happy to take part", "count me in"])
@pytest.mark.parametrize("stage", ["start", "who", "explain_1"])
def test_an_early_yes_gets_the_facts_then_the_question(stage: str, text: str) -> None:
    assert reading(stage, text)[0] is Move.EARLY_YES


def test_at_the_explanation_ok_carries_on_and_yes_or_no_answer_the_question() -> None:
    for text in ("ok", "OK", "okay thanks", "next", "go on", "/continue"):
        assert reading("explain_1", text) == (Move.ANSWER, "next"), text
    assert reading("explain_1", "yes")[0] is Move.EARLY_YES
    assert reading("explain_2", "YES")[0] is Move.EARLY_YES
    assert reading("explain_2", "no")[0] is Move.REFUSAL


def test_who_is_replying_in_their_own_words() -> None:
    assert reading("who", "yes") == (Move.ANSWER, ["self"])
    assert reading("who", "it's me") == (Move.ANSWER, ["self"])
    assert reading("who", "I'm her daughter") == (Move.ANSWER, ["helper"])
    assert reading("who", "its me, her son") == (Move.ANSWER, ["helper"])
    assert reading("who", "/identify_helper") == (Move.ANSWER, ["helper"])


def test_after_a_yes_a_no_in_words_is_a_wish_to_stop_that_is_read_back() -> None:
    assert reading("pref_how", "I don't want to take part any more", consented=True)[0] is Move.REFUSAL
    assert reading("done", "leave me alone", consented=True)[0] is Move.REFUSAL


@pytest.mark.parametrize(
    ("stage", "text", "value"),
    [
        ("pref_contact", "text me", ["text"]),
        ("pref_contact", "text me please", ["text"]),
        ("pref_contact", "ring me", ["call"]),
        ("pref_how", "on the phone please", ["phone"]),
        ("pref_support", "I need an interpreter, I speak Polish", ["interpreter"]),
        ("pref_support", "no thanks", []),
        ("pref_days", "mondays or fridays", ["monday", "friday"]),
        ("pref_times", "any time is fine", ["morning", "afternoon", "evening"]),
        ("pref_how", "skip", []),
    ],
)
def test_meeting_answers_are_taken_as_answers(stage: str, text: str, value: object) -> None:
    # After a yes, "text me" is how to reach them: never a withdrawal.
    assert reading(stage, text, consented=True) == (Move.ANSWER, value)


def test_free_text_is_kept_as_typed_and_a_language_named_there_is_the_answer() -> None:
    assert reading("rep_name", "Sam Jones") == (Move.ANSWER, "Sam Jones")
    assert reading("pref_language", "Polish", consented=True) == (Move.ANSWER, "Polish")
    assert reading("pref_avoid", "no", consented=True) == (Move.ANSWER, None)


def test_what_always_wins() -> None:
    for stage in ("who", "rep_name", "ask_consent", "pref_avoid", "done"):
        assert reading(stage, "STOP")[0] is Move.STOP
        assert reading(stage, "stop.")[0] is Move.STOP
        assert reading(stage, "PERSON")[0] is Move.HUMAN
        assert reading(stage, "he hits me when nobody is here")[0] is Move.DISTRESS


def test_a_confident_second_intent_the_stage_accepts_beats_a_first_it_does_not() -> None:
    nlu = Understanding((("nlu_fallback", 0.5), ("affirm", 0.45)))
    found = read(STAGES["rep_join"], "I shall be there", "en", nlu, consented=False)
    assert (found.move, found.value) == (Move.ANSWER, "yes")
    # A question ranked first is answered, even where a yes is waited for.
    nlu = Understanding((("ask_must_take_part", 0.8), ("affirm", 0.15)))
    found = read(STAGES["ask_consent"], "do I have to do this", "en", nlu, consented=False)
    assert (found.move, found.value) == (Move.QUESTION, "must_take_part")


def test_a_code_is_found_inside_a_sentence() -> None:
    assert find_codes("Hello, my mum got your letter, the code is K7PQ2MXA") == ["K7PQ2MXA"]
    assert find_codes("k7pq 2mxa") == ["K7PQ2MXA"]
    assert find_codes("we are together at home") == []


def test_every_stage_is_reachable_and_every_message_it_says_exists() -> None:
    # Only stages.py says where a conversation goes: its `goes`, and the stages it names for going off the path
    # (a read-back of a wish to stop, an offer to ring back; the check before a meeting is started by the team).
    reachable = {"start", STOP_READBACK.name, RING_BACK.name, "reconfirm"}
    for stage in FLOW:
        reachable |= set(stage.goes.values())
    assert {s.name for s in FLOW} == reachable - MOVES
    for stage in FLOW:
        for target in stage.goes.values():
            assert target in STAGES or target in MOVES, (stage.name, target)
        for name in (*stage.asks, *stage.then_says):
            assert f"utter_{name}" in RESPONSES or name in ("readback",), (stage.name, name)
        if stage.kind is Kind.CHOICE:
            assert stage.choices, stage.name


@pytest.mark.parametrize(
    ("text", "to"),
    [("nie, chwila, chciałam powiedzieć tak", "yes"), ("przepraszam, miałem na myśli nie", "no"), ("I meant no", "no")],
)
def test_a_correction_in_polish_or_english(text: str, to: str) -> None:
    found = read(STAGES["confirm"], text, "pl", NO_MODEL, consented=False)
    assert (found.move, found.extra) == (Move.ANSWER, {"to": to})


def test_polish_repairs_without_the_model() -> None:
    assert reading("pref_how", "pomiń", "pl", consented=True) == (Move.ANSWER, [])
    assert reading("explain_1", "dalej", "pl") == (Move.ANSWER, "next")
    assert reading("explain_2", "nie, dziękuję", "pl")[0] is Move.REFUSAL
    assert reading("rep_join", "tak, będę z nią", "pl") == (Move.ANSWER, "yes")
    assert reading("who", "CZŁOWIEK", "pl")[0] is Move.HUMAN
    assert reading("ask_consent", "chcę wziąć udział", "pl") == (Move.ANSWER, "yes")


def test_asking_to_talk_with_someone_who_has_had_care_too_is_a_meeting_preference() -> None:
    assert reading("pref_support", "someone who has had care too please", consented=True) == (
        Move.ANSWER,
        ["lived_experience"],
    )
    assert reading("pref_support", "/support:lived_experience", consented=True)[0] is Move.ANSWER
    assert reading("pref_support", "ktoś, kto też miał opiekę", "pl", consented=True) == (
        Move.ANSWER,
        ["lived_experience"],
    )


@pytest.mark.parametrize(
    "text", ["no wait, she wants to know more first. why her?", "nope, why me?", "no, what happens to what I say?"]
)
@pytest.mark.parametrize("stage", ["start", "who", "explain_1", "explain_2", "ask_consent"])
def test_a_no_with_a_question_after_it_is_not_taken_as_the_answer(stage: str, text: str) -> None:
    """Without the model it is a question with no topic yet, or not understood yet (so the model is asked), never
    a refusal or a no."""
    assert reading(stage, text) in ((Move.QUESTION, ""), (Move.NOT_UNDERSTOOD, None))


@pytest.mark.parametrize("text", ["no hang on", "No, hold on a minute", "no wait", "nie, czekaj", "nie, chwileczkę"])
@pytest.mark.parametrize("stage", ["who", "explain_1", "ask_consent", "confirm", "rep_name", "pref_days"])
def test_a_no_that_asks_for_a_moment_answers_nothing_and_says_where_they_are_again(stage: str, text: str) -> None:
    assert reading(stage, text, "pl" if text.startswith("nie") else "en", consented=stage == "pref_days") == (
        Move.REPEAT,
        None,
    )
    # A correction after the pause is still the correction.
    found = read(STAGES["confirm"], "no wait, I meant yes", "en", NO_MODEL, consented=False)
    assert found.extra == {"to": "yes"}


def test_a_no_with_a_question_the_model_reads_as_a_question_is_answered_first() -> None:
    question = Understanding((("ask_why_me", 0.92), ("deny", 0.05)))
    for stage in ("explain_1", "ask_consent"):
        found = read(STAGES[stage], "no wait, why her?", "en", question, consented=False)
        assert (found.move, found.value) == (Move.QUESTION, "why_me"), stage
    # A no with a question mark the model does not read as a question is still the no it starts with.
    denial = Understanding((("deny", 0.9),))
    assert read(STAGES["explain_1"], "no?", "en", denial, consented=False).move is Move.REFUSAL
    assert read(STAGES["ask_consent"], "no?", "en", denial, consented=False).value == "no"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I need a BSL interpreter", ["bsl"]),
        ("sign language please", ["bsl"]),
        ("a sign language interpreter", ["bsl"]),
        ("a signer, I'm deaf", ["bsl"]),
        ("an interpreter, I speak Polish", ["interpreter"]),
        ("a BSL interpreter and large print", ["bsl", "large_print"]),
        ("tłumacz języka migowego", ["bsl"]),
    ],
)
def test_a_sign_language_interpreter_is_bsl_not_another_language(text: str, expected: list[str]) -> None:
    language = "pl" if "ł" in text else "en"
    assert reading("pref_support", text, language, consented=True) == (Move.ANSWER, expected)


@pytest.mark.parametrize(
    ("text", "for_model"),
    [
        ("no wait, how long is the talk?", "how long is the talk?"),
        ("Nope, hang on. Why me?", "Why me?"),
        ("nie, czekaj, dlaczego ja?", "dlaczego ja?"),
        ("no wait", "no wait"),
        ("no thanks", "no thanks"),
        ("now wait a minute", "now wait a minute"),
    ],
)
def test_the_model_reads_the_words_after_a_pause(text: str, for_model: str) -> None:
    """A leading "no wait" pulls the model towards a no: it is asked about what follows."""
    from dialogue.run import model_words

    assert model_words(text) == for_model


@pytest.mark.parametrize(
    ("stage", "payload", "value"),
    [
        ("pref_how", "how:phone", ["phone"]),
        ("pref_days", "day:monday", ["monday"]),
        ("pref_times", "time:morning", ["morning"]),
    ],
)
def test_a_choice_button_is_its_choice_not_a_question(stage: str, payload: str, value: list[str]) -> None:
    # "how:phone" starts with a question word; a click is still the choice it names.
    found = read(STAGES[stage], payload, "en", NO_MODEL, consented=True)
    assert (found.move, found.value) == (Move.ANSWER, value)


def test_every_stage_records_through_a_recorder_that_exists() -> None:
    # A stage names its recorder; the port runs it by that name, so a misspelt one would fail on a person's answer.
    from actions import RECORDERS

    named = {stage.records for stage in FLOW if stage.records}
    assert named <= set(RECORDERS), named - set(RECORDERS)
    assert set(RECORDERS) <= named, set(RECORDERS) - named


@pytest.mark.parametrize("typed", ["3", " 12 ", "?", "..."])
def test_a_number_or_a_sign_at_the_language_question_names_no_language(typed: str) -> None:
    # By text the only number offered there is 1 (skip): another number is a slip, never a language.
    reading = read(STAGES["pref_language"], typed, "en", NO_MODEL, consented=True)
    assert reading.move is not Move.ANSWER


@pytest.mark.parametrize("typed", ["Polish", "urdu please", "język polski", "BSL"])
def test_a_language_is_kept_as_typed(typed: str) -> None:
    reading = read(STAGES["pref_language"], typed, "en", NO_MODEL, consented=True)
    assert (reading.move, reading.value) == (Move.ANSWER, typed)


@pytest.mark.parametrize(
    ("text", "language"),
    [("cały lipiec", "pl"), ("w sierpniu", "pl"), ("wtorki", "pl"), ("the whole of July", "en"), ("mondays", "en")],
)
def test_days_to_avoid_naming_a_month_or_a_weekday_are_kept_even_when_the_model_hears_a_question(
    text: str, language: str
) -> None:
    # A model sure it heard "how long does it take" in "cały lipiec" (as one training of it was) changes nothing.
    sure_question = Understanding((("ask_how_long", 0.86),))
    assert read(STAGES["pref_avoid"], text, language, sure_question, True).move is Move.ANSWER
    # A question about dates is still a question, and a question the model is sure of stays one elsewhere.
    assert read(STAGES["pref_avoid"], "is July ok?", language, sure_question, True).move is Move.QUESTION
    assert read(STAGES["pref_avoid"], "the cost", language, sure_question, True).move is Move.QUESTION
