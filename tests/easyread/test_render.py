"""Every response the bot can send renders from the content files, with buttons whose payloads the bot knows."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from dialogue.stages import NOTICE
from easyread.languages import available
from easyread.render import EXAMPLE_ARGS, PAYLOADS, RESPONSES, keys, notice_text, render

ROOT = Path(__file__).resolve().parents[2]


def _intents() -> set[str]:
    domain = yaml.safe_load((ROOT / "bot" / "domain.yml").read_text())
    return set(domain["intents"])


def test_every_response_renders_in_english_on_the_web() -> None:
    for name in RESPONSES:
        message = render(name, "en", "web", EXAMPLE_ARGS)
        assert message is not None
        assert message.text.strip(), name
        assert "%{" not in message.text, name
        assert "\n\n" not in message.text, f"{name}: a blank line would split it into two messages"


def test_every_button_sends_an_intent_the_model_knows_or_an_answer_we_read_directly() -> None:
    from dialogue.answers import choices

    intents = _intents()
    for payload in PAYLOADS.values():
        if payload.startswith("/"):
            assert payload.removeprefix("/") in intents, payload
        elif payload.startswith("lang:"):
            assert payload.removeprefix("lang:") in available(), payload
        elif ":" in payload:
            field, value = payload.split(":")
            from dialogue import answers

            words = {
                "role": answers.ROLE_WORDS,
                "how": answers.HOW_WORDS,
                "support": answers.SUPPORT_WORDS,
                "day": answers.DAY_WORDS,
                "time": answers.TIME_WORDS,
                "contact": answers.CONTACT_WORDS,
            }[field]
            assert choices(payload, field, words) == [value], payload
        else:
            assert payload in ("skip", "none", "any"), payload


def test_choices_come_as_buttons_on_the_web() -> None:
    question = render("utter_ask_consent", "en", "web")
    assert question is not None
    assert [b["payload"] for b in question.buttons] == ["/affirm", "/deny", "/unsure"]
    assert all(b["title"] for b in question.buttons)


def test_rasa_built_in_responses_are_not_ours() -> None:
    assert render("utter_default", "en", "web") is None
    assert render("utter_ask_rephrase", "en", "web") is None


def test_the_consent_notice_covers_the_explanation_and_the_question() -> None:
    notice = notice_text("en", "web", NOTICE)
    for name in ("explain_what_happens", "explain_can_stop", "consent_facts", "ask_consent", "readback_yes"):
        shown = render(f"utter_{name}", "en", "web")
        assert shown is not None and shown.text in notice
    # A text shows the shorter explanation, so its record points at other words.
    assert notice != notice_text("en", "sms", NOTICE)


# Words for staff only (the council's and the team's pages): English is enough there.
STAFF_ONLY = ("pages.",)


@pytest.mark.parametrize("language", [code for code in available() if code != "en"])
def test_every_person_facing_message_is_in_every_language(language: str) -> None:
    """python-i18n falls back to English for a missing key: a gap would show a person English words."""
    missing = sorted(k for k in keys("en") - keys(language) if not k.startswith(STAFF_ONLY))
    assert missing == [], f"add to the {language} content (marked _review until a translator checks it): {missing}"


@pytest.mark.parametrize("language", [code for code in available() if code != "en"])
@pytest.mark.parametrize("channel", ["web", "sms", "voice"])
def test_every_response_renders_in_the_language_not_in_english(language: str, channel: str) -> None:
    for name in RESPONSES:
        message = render(name, language, channel, EXAMPLE_ARGS)
        english = render(name, "en", channel, EXAMPLE_ARGS)
        assert message is not None and english is not None
        assert "%{" not in message.text and "\n\n" not in message.text, name
        assert message.text != english.text, f"{name} is still English in {language}"
        titles = [b["title"] for b in message.buttons]
        # A language's own name is the same in every language ("Polski", "English").
        same = [t for t, e in zip(titles, (b["title"] for b in english.buttons), strict=True) if t == e]
        assert set(same) <= {render_name for render_name in _language_names()}, (name, same)


def _language_names() -> set[str]:
    from easyread.render import text

    return {text("language.name", code) for code in available()} | {"Stop", "SMS"}
