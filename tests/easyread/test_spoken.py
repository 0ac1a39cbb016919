"""Bot messages as phone prompts: which key means what, and words that make sense to someone listening."""

from __future__ import annotations

import re

from easyread.render import RESPONSES, Rendered, render, text
from easyread.sms_words import GSM7, segments
from easyread.spoken import (
    MORE,
    Choice,
    choices_of,
    hints,
    key_prompt,
    page_of,
    payload_for,
)

ARGS: dict[str, object] = {"council": "North Council"}
# Words that only make sense on a screen.
SCREEN_WORDS = re.compile(r"\b(button|buttons|type|typing|tap|click|screen|below|above)\b", re.IGNORECASE)


def _rendered(name: str) -> Rendered | None:
    try:
        return render(name, "en", "voice", ARGS)
    except KeyError:  # a response that needs arguments other than the council's name
        return None


def test_no_message_on_a_call_talks_about_buttons_or_typing() -> None:
    screenish = []
    for name in RESPONSES:
        message = _rendered(name)
        if message is not None and SCREEN_WORDS.search(message.text):
            screenish.append(f"{name}: {message.text}")
    assert screenish == [], "Add a <key>_voice version in the content for: " + "; ".join(screenish)


def test_choices_are_numbered_in_order_and_9_and_0_are_not_choices() -> None:
    message = render("utter_ask_consent", "en", "voice")
    assert message is not None
    choices = choices_of(message, "en")
    assert [c.payload for c in choices] == ["/affirm", "/deny", "/unsure"]
    assert key_prompt(choices, 0, "en") == (
        "Press 1 for Yes. Press 2 for No. Press 3 for Not sure. "
        "Press 9 to hear this again. Press 0 to talk to a person."
    )
    assert payload_for("1", choices, 0) == "/affirm"
    assert payload_for("3", choices, 0) == "/unsure"
    assert payload_for("4", choices, 0) is None
    assert payload_for("9", choices, 0) == "/repeat"
    assert payload_for("0", choices, 0) == "/request_human"
    assert payload_for("#", choices, 0) is None
    carry_on = render("utter_carry_on", "en", "voice")
    assert carry_on is not None
    # "Say it again" is key 9 everywhere, so it is not also a numbered choice.
    assert [c.payload for c in choices_of(carry_on, "en")] == ["/continue"]
    # Each part of the explanation ends with: go on, or answer the question now.
    step = render("utter_explain_what_info", "en", "voice")
    assert step is not None
    assert [c.payload for c in choices_of(step, "en")] == ["/continue", "/affirm", "/deny"]


def test_the_read_back_is_answered_with_keys_for_right_and_wrong() -> None:
    message = render("utter_readback_yes", "en", "voice")
    assert message is not None
    choices = choices_of(message, "en")
    prompt = key_prompt(choices, 0, "en", confirm=True)
    assert prompt.startswith("Press 1 if that is right. Press 2 if it is wrong.")
    assert payload_for("1", choices, 0) == "/affirm" and payload_for("2", choices, 0) == "/deny"


def test_more_than_8_choices_are_offered_7_at_a_time() -> None:
    choices = [Choice(f"c{n}", f"Choice {n}", f"/c{n}") for n in range(1, 11)]
    assert [c.title for c in page_of(choices, 0)] == [f"Choice {n}" for n in range(1, 8)]
    assert [c.title for c in page_of(choices, 1)] == ["Choice 8", "Choice 9", "Choice 10"]
    assert page_of(choices, 2) == page_of(choices, 0)
    assert payload_for("8", choices, 0) == MORE
    assert payload_for("2", choices, 1) == "/c9"
    assert payload_for("9", choices, 1) == "/repeat"
    prompt = key_prompt(choices, 1, "en")
    assert prompt.startswith("Press 1 for Choice 8. Press 2 for Choice 9. Press 3 for Choice 10. Press 8 to hear")


def test_a_button_not_in_the_content_is_not_offered_as_a_key() -> None:
    made_up = Rendered(
        "Pick one.", [{"title": "Anything", "payload": "/anything"}, {"title": "Yes", "payload": "/affirm"}]
    )
    assert [c.key for c in choices_of(made_up, "en")] == ["yes"]


def test_hints_are_the_choices_and_the_words_that_work_anywhere() -> None:
    message = render("utter_readback_no", "en", "voice")
    assert message is not None
    heard = hints(choices_of(message, "en"), "en").split(", ")
    assert heard[:2] == ["yes that is right", "no that is wrong"]
    assert {"stop", "talk to a person", "say it again"} <= set(heard)


def test_the_text_offered_at_the_end_of_a_silent_call_is_one_plain_text() -> None:
    body = text("voice.text_instead", "en")
    sized = segments(body)
    assert sized.encoding == GSM7 and sized.count == 1
