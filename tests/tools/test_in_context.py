"""The in-context report's triples and its sums, without Rasa: a model stand-in that is always sure of one intent
(the worst case for reading: the words alone must keep a negation a no and a question a question)."""

from __future__ import annotations

import pytest

from dialogue.reading import NO_MODEL, Understanding, read
from dialogue.stages import STAGES
from tools import in_context


@pytest.mark.parametrize(("language", "least"), [("en", 300), ("pl", 150)])
def test_the_triples_cover_every_stage_kind(language: str, least: int) -> None:
    triples = in_context.triples(language)
    assert len(triples) >= least
    assert {STAGES[t.stage].kind.value for t in triples} == set(in_context.KINDS)
    expected = {t.expect.split(":")[0].split("=")[0] for t in triples}
    assert {"yes", "no", "unsure", "question", "not_stored", "value", "choice", "skip"} <= expected


@pytest.mark.parametrize("intent", ["affirm", "deny", "ask_why_me", "identify_helper"])
def test_whatever_the_model_says_nothing_is_stored_wrongly_and_no_negation_is_a_yes(intent: str) -> None:
    def parse(text: str) -> Understanding:
        return Understanding(((intent, 0.99),))

    for language in ("en", "pl"):
        tallies = in_context.evaluate(language, parse)
        assert tallies["all"].negation_as_yes == 0, tallies["all"].mistakes
        stored = [
            m for m in tallies["all"].mistakes if m[2] in ("question", "not_stored") and m[3].startswith("stored")
        ]
        assert stored == []


def test_a_right_reading_is_counted_right_and_a_swap_is_the_opposite_way() -> None:
    assert in_context.right("choice:phone", "stored:phone|video")
    assert in_context.right("not_stored", "asked_again")
    assert not in_context.right("yes", "no")
    assert in_context.outcome(read(STAGES["ask_consent"], "absolutely not", "en", NO_MODEL, False)) == "no"
