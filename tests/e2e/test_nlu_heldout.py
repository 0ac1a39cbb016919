"""The trained model on utterances it never saw, in each language: good enough that people are rarely asked twice."""

from __future__ import annotations

import pytest

from easyread.languages import available
from tools import stack
from tools.evaluate import evaluate, print_report

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("language", available())
def test_heldout_intent_accuracy_and_macro_f1(live: stack.Stack, language: str) -> None:
    report = evaluate(live.rasa_url, live.rasa_token, language)
    print_report(report)
    assert report.total >= 22 * 8
    assert report.accuracy >= 0.8, report.summary()
    assert report.macro_f1 >= 0.8, report.summary()
