"""Tests for the easy read checker, and the guard that the real content passes it."""

from __future__ import annotations

from pathlib import Path

import pytest

from easyread.readability import (
    CONTENT_DIR,
    Problem,
    check_catalogue,
    check_message,
    flesch,
    languages,
    load_catalogue,
    main,
    score,
)
from server.channels.web.page import PAGE_WORDS

BOT_KEYS = [
    "greet",
    "welcome_back",
    "why_contact",
    "explain_what_happens",
    "explain_who_talk",
    "explain_what_info",
    "explain_someone_with_me",
    "explain_how_used",
    "explain_can_stop",
    "explain_contact",
    "answer_who_are_you",
    "answer_what_happens",
    "answer_who_talk",
    "answer_what_info",
    "answer_someone_with_me",
    "answer_how_used",
    "answer_can_stop",
    "answer_contact",
    "answer_meet_how",
    "carry_on",
    "ask_consent",
    "readback_yes",
    "readback_no",
    "consent_given",
    "consent_declined",
    "try_again",
    "unsure",
    "not_understood",
    "not_understood_twice",
    "handoff",
    "stop_declined",
    "stop_withdrawn",
    "after_stop",
    "already_given",
    "out_of_scope",
    "thanks",
    "ask_code",
    "code_wrong",
    "code_locked",
    "error_try_again",
]
BUTTON_KEYS = [
    "yes",
    "no",
    "not_sure",
    "next",
    "say_again",
    "talk_to_person",
    "stop",
    "yes_right",
    "no_change",
    "ask_question",
]
# The chat page's own words: the ones the page shows.
WEB_KEYS = list(PAGE_WORDS)


def rules(text: str) -> list[str]:
    return [problem.rule for problem in check_message("test.key", text)]


def test_accepts_a_short_plain_message() -> None:
    assert check_message("test.key", "You can stop at any time. Just say STOP. Your care will not change.") == []


def test_catches_a_long_sentence() -> None:
    text = "We would like to talk with you about the help you get from the people who support you every day."
    assert "sentence_too_long" in rules(text)


def test_catches_two_ideas_in_one_sentence() -> None:
    text = "We will call you and we will talk or we will meet you."
    assert rules(text) == ["two_ideas"]


def test_catches_an_avoid_word_and_gives_the_plain_word() -> None:
    problems = check_message("test.key", "We need your consent to go on.")
    assert problems == [Problem("test.key", "avoid_word", "'consent': use 'agree / say yes'")]
    assert "avoid_word" in rules("Our local  Authority will call you.")
    assert "avoid_word" in rules("We made some assessments.")


def test_avoid_words_match_whole_words_only() -> None:
    assert rules("Your data is safe.") == ["avoid_word"]
    assert rules("We will find a date.") == []


def test_allowed_word_needs_an_explanation_in_the_same_message() -> None:
    assert rules("You can bring an advocate.") == ["avoid_word"]
    assert rules("You can bring an advocate. An advocate is someone who helps you speak up.") == []
    assert rules("You can bring an advocate (someone who helps you speak up).") == []


def test_catches_an_unexplained_abbreviation() -> None:
    assert rules("The CQC will call you.") == ["abbreviation"]
    assert rules("Your GP (your doctor) can help.") == []
    assert rules("We will discuss it.") == []


def test_catches_a_number_written_as_a_word() -> None:
    assert rules("Please wait three days.") == ["number_as_word"]
    assert rules("Please wait 3 days.") == []


def test_one_inside_words_and_no_one_are_fine() -> None:
    assert rules("Someone will call you. No one else will see it.") == []


def test_catches_curly_quotes_and_emoji() -> None:
    assert rules("We \u201cpicked\u201d you.") == ["not_plain_characters"]
    assert rules("Thank you \U0001f600") == ["not_plain_characters"]
    assert rules("It\u2019s OK.") == ["not_plain_characters"]


def test_catches_a_blank_line() -> None:
    assert rules("Hello.\n\nThis is the helper.") == ["blank_line"]
    assert rules("Hello.\nThis is the helper.") == []


def test_catches_a_hard_to_read_message() -> None:
    text = "Municipal organisations coordinate comprehensive community provision. Professionals evaluate circumstances."
    assert flesch(text) < 80
    assert "hard_to_read" in rules(text)


def test_placeholders_are_read_as_the_council() -> None:
    assert rules("%{council} gave us your name.") == []


def test_check_catalogue_names_the_key() -> None:
    problems = check_catalogue({"a.ok": "Hello.", "a.bad": "Please participate."})
    assert [(p.key, p.rule) for p in problems] == [("a.bad", "avoid_word")]


@pytest.mark.parametrize(("namespace", "keys"), [("bot", BOT_KEYS), ("buttons", BUTTON_KEYS), ("web", WEB_KEYS)])
def test_content_has_every_key(namespace: str, keys: list[str]) -> None:
    messages = load_catalogue(CONTENT_DIR)
    missing = [key for key in keys if f"{namespace}.{key}" not in messages]
    assert missing == []


def test_greet_and_why_contact_name_the_council() -> None:
    messages = load_catalogue(CONTENT_DIR)
    assert "%{council}" in messages["bot.greet"]
    assert "%{council}" in messages["bot.why_contact"]


def test_real_content_has_no_problems() -> None:
    messages = load_catalogue(CONTENT_DIR)
    assert len(messages) >= len(BOT_KEYS) + len(BUTTON_KEYS) + len(WEB_KEYS)
    assert check_catalogue(messages) == []


# ---------------------------------------------------------------- Polish, and every language


def pl_rules(text: str) -> list[str]:
    return [problem.rule for problem in check_message("test.key", text, "pl")]


def test_every_language_with_content_is_checked() -> None:
    assert {"en", "pl"} <= set(languages())
    for language in languages():
        assert load_catalogue(CONTENT_DIR, language), language


def test_polish_accepts_a_short_plain_message() -> None:
    assert pl_rules("Możesz przestać w każdej chwili. Wystarczy powiedzieć STOP. Twoja opieka się nie zmieni.") == []


def test_polish_catches_a_long_sentence() -> None:
    text = "Chcemy z Tobą porozmawiać o pomocy, którą dostajesz od ludzi, którzy wspierają Cię w domu każdego dnia."
    assert "sentence_too_long" in pl_rules(text)


def test_polish_catches_a_listed_word_in_any_of_its_forms() -> None:
    problems = check_message("test.key", "To jest poufna rozmowa.", "pl")
    assert problems == [Problem("test.key", "avoid_word", "'poufn*': use 'prywatny'")]
    assert pl_rules("Twoje dane są poufne.") == ["avoid_word"]
    assert pl_rules("Nie mówimy o poufnych sprawach.") == ["avoid_word"]
    assert pl_rules("Twój samorząd dał nam listę.") == ["avoid_word"]


def test_polish_allows_a_listed_word_it_explains() -> None:
    assert pl_rules("Może być z Tobą rzecznik.") == ["avoid_word"]
    assert pl_rules("Może być z Tobą rzecznik. Rzecznik to ktoś, kto pomaga Ci mówić.") == []


def test_polish_numbers_are_digits() -> None:
    assert pl_rules("Poczekaj trzy dni.") == ["number_as_word"]
    assert pl_rules("Poczekaj 3 dni.") == []
    assert pl_rules("Możesz wybrać więcej niż jeden.") == ["number_as_word"]


def test_polish_abbreviations_need_their_meaning() -> None:
    assert pl_rules("Zadzwoń, np. rano.") == ["abbreviation"]
    assert pl_rules("Zadzwoń rano.") == []


def test_polish_hard_text_fails_its_readability_score() -> None:
    text = (
        "Przedstawiciele jednostek administracyjnych przeprowadzają kompleksowe postępowania wyjaśniające. "
        "Dokumentacja medyczna podlega szczegółowej weryfikacji."
    )
    assert score(text, "pl") > 8
    assert "hard_to_read" in pl_rules(text)
    # The same idea in short words passes.
    assert score("Osoby z urzędu sprawdzają, jak Ci pomagamy. Patrzymy też na Twoje papiery.", "pl") <= 8


def test_polish_uses_its_own_syllables_not_english_ones() -> None:
    # "informacje" is in-for-ma-cje: 4 syllables, so a hard word in Polish.
    assert score("To są informacje o Tobie i o Twojej opiece w domu.", "pl") > score(
        "To są dane o Tobie i o Twojej opiece w domu.", "pl"
    )


def test_real_polish_content_has_no_problems() -> None:
    messages = load_catalogue(CONTENT_DIR, "pl")
    assert len(messages) >= len(BOT_KEYS) + len(BUTTON_KEYS) + len(WEB_KEYS)
    assert check_catalogue(messages, "pl") == []


def test_the_checker_fails_on_a_bad_polish_file(tmp_path: Path) -> None:
    (tmp_path / "bot.pl.yml").write_text(
        'pl:\n  bad: "To jest poufne."\n  long: "' + " ".join(["słowo"] * 16) + '."\n', encoding="utf-8"
    )
    problems = check_catalogue(load_catalogue(tmp_path, "pl"), "pl")
    assert {(p.key, p.rule) for p in problems} == {("bot.bad", "avoid_word"), ("bot.long", "sentence_too_long")}


def test_main_checks_every_language_and_fails_on_any_problem(capsys: pytest.CaptureFixture[str]) -> None:
    assert main() == 0
    out = capsys.readouterr().out
    assert "[en] Checked" in out and "[pl] Checked" in out
    assert "FOG-PL" in out and "Flesch" in out
