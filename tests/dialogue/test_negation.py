"""A yes word under negation is a no; "not now" is neither (only "unsure" is noted); a hedged yes is read back like
any yes; "not bad" is not a no. An explicit negation is never read back as a yes, whatever the model thinks."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dialogue.reading import NO_MODEL, Move, Understanding, read
from dialogue.stages import STAGES
from tests.dialogue.chat import Chat
from tests.support import council_with_staff, new_case

NEGATIONS = [
    ("absolutely not", "en"),
    ("definitely not", "en"),
    ("certainly not", "en"),
    ("of course not", "en"),
    ("not really", "en"),
    ("not at all", "en"),
    ("I don't think so", "en"),
    ("i dont think so mate", "en"),
    ("no way", "en"),
    ("no chance", "en"),
    ("that isn't right", "en"),
    ("thats not right", "en"),
    ("it is no", "en"),
    ("it's a no from me", "en"),
    ("sure not", "en"),
    ("yeah no", "en"),
    ("I'd rather not", "en"),
    ("not for me thanks", "en"),
    ("leave it", "en"),
    ("count me out", "en"),
    ("wcale nie", "pl"),
    ("absolutnie nie", "pl"),
    ("na pewno nie", "pl"),
    ("raczej nie", "pl"),
    ("oczywiście że nie", "pl"),
    ("nie ma mowy", "pl"),
    ("w żadnym wypadku", "pl"),
]
NOT_NOW = [
    ("yes but not now", "en"),
    ("maybe later", "en"),
    ("not right now", "en"),
    ("not yet", "en"),
    ("not right now, I'll let you know", "en"),
    ("not today", "en"),
    ("ask me another time", "en"),
    ("I need to think about it", "en"),
    ("yeah maybe later", "en"),
    ("może później", "pl"),
    ("tak ale nie teraz", "pl"),
    ("jeszcze nie", "pl"),
    ("muszę się zastanowić", "pl"),
    ("dam znać", "pl"),
]
HEDGED_YES = ["I guess so", "I suppose", "i suppose so", "go on then", "fair enough", "yeah alright", "sound"]
HEDGED_YES += ["I'm up for it", "I accept", "alright yes", "confirmed", "I will", "that would be lovely", "go for it"]
NOT_A_NO = ["not bad", "you are not wrong", "no problem", "why not", "I don't mind", "no worries"]


@pytest.mark.parametrize(("text", "language"), NEGATIONS)
@pytest.mark.parametrize("stage", ["ask_consent", "confirm", "rep_join", "rep_check", "pref_confirm", "reconfirm"])
def test_a_yes_word_under_negation_is_a_no_never_a_yes(stage: str, text: str, language: str) -> None:
    # Even when the model is sure it is a yes.
    for nlu in (NO_MODEL, Understanding((("affirm", 0.99),))):
        found = read(STAGES[stage], text, language, nlu, consented=stage == "reconfirm")
        # ("Not for me" is also a wish not to take part, heard at any stage and read back: never a yes either.)
        said_no = found.value in ("no", "correct") and found.extra.get("to", "no") == "no"
        assert said_no or found.move is Move.REFUSAL, (text, found)


@pytest.mark.parametrize(("text", "language"), NOT_NOW)
def test_not_now_notes_unsure_and_nothing_else(text: str, language: str) -> None:
    found = read(STAGES["ask_consent"], text, language, NO_MODEL, False)
    assert (found.move, found.value) == (Move.ANSWER, "unsure"), text
    # Elsewhere it is neither a yes nor a no.
    for stage in ("rep_join", "rep_check", "reconfirm", "pref_confirm"):
        assert read(STAGES[stage], text, language, NO_MODEL, True).value not in ("yes", "no"), (stage, text)
    # At the read-back it is not right as read: the question is asked again.
    assert read(STAGES["confirm"], text, language, NO_MODEL, False).value == "no"


@pytest.mark.parametrize("text", HEDGED_YES)
def test_a_hedged_yes_is_read_back_like_any_yes(text: str) -> None:
    assert read(STAGES["ask_consent"], text, "en", NO_MODEL, False).value == "yes"


@pytest.mark.parametrize("text", NOT_A_NO)
def test_not_bad_is_not_a_no(text: str) -> None:
    assert read(STAGES["ask_consent"], text, "en", NO_MODEL, False).value == "yes"


@pytest.fixture
def chat(client: TestClient) -> Chat:
    council = council_with_staff(client, "Negation Council")
    case = new_case(client, council.staff, "NEG-1")
    return Chat(client, council.staff, case["id"])


def test_absolutely_not_is_read_back_as_a_no_and_not_now_keeps_only_unsure(chat: Chat) -> None:
    chat.to_question()
    assert chat.turn("absolutely not", "affirm", 0.9) == ["utter_readback_no"]
    assert chat.turn("no that is wrong") == ["utter_try_again", "utter_ask_consent"]
    assert chat.turn("yes but not now") == ["utter_unsure"]
    consent = chat.consent()
    assert (consent["state"], consent["unsure"]) == ("pending", True)
    assert chat.turn("tak ale nie teraz") == ["utter_unsure"]
    assert chat.consent()["state"] == "pending"


@pytest.mark.parametrize("text", ["great", "cool", "sound", "lovely", "got it", "spoko", "w porządku"])
def test_got_it_to_the_explanation_carries_on_and_is_a_yes_only_at_a_question(text: str) -> None:
    assert read(STAGES["explain_1"], text, "en", NO_MODEL, False).value == "next"
    assert read(STAGES["ask_consent"], text, "en", NO_MODEL, False).value in ("yes", None, "continue")
