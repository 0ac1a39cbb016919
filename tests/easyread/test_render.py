"""Every response the bot can send renders from the content files, with buttons whose payloads the bot knows."""

from __future__ import annotations

from pathlib import Path

import yaml

from easyread.render import EXAMPLE_ARGS, PAYLOADS, RESPONSES, notice_text, render

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
    from actions.answers import choices

    intents = _intents()
    for payload in PAYLOADS.values():
        if payload.startswith("/"):
            assert payload.removeprefix("/") in intents, payload
        elif ":" in payload:
            field, value = payload.split(":")
            from actions import answers

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
    notice = notice_text("en", "web")
    question = render("utter_ask_consent", "en", "web")
    assert question is not None
    assert question.text in notice
    assert notice == notice_text("en", "web")
