"""Every bot message fits a few plain text messages (SMS), and replies by number come back as the right choice."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from actions.preferences import summary
from easyread.dates import spoken_datetime
from easyread.languages import available
from easyread.render import EXAMPLE_ARGS, RESPONSES, Rendered, keys, render, text
from easyread.sms_words import (
    GSM7,
    MAX_SEGMENTS,
    UCS2,
    Segments,
    choice_for,
    fitted,
    plain,
    segments,
    to_sms,
    without_accents,
)
from server.domain.models import Preferences

# A real council name of 40 characters, the longest we plan for, and a code like the one on the letter.
COUNCIL = "London Borough of Hammersmith and Fulham"
CODE = "K7P2X9QD"
INVITE_MAX_SEGMENTS = 2
# Languages whose texts must stay in plain GSM-7 letters; others (Polish: a, e, l with their marks) are sent
# as UCS-2, 67 letters a part, and must still fit MAX_SEGMENTS.
GSM7_ONLY = ("en",)
# What "button" is in each language: a text has none.
BUTTON_WORDS = {"en": "button", "pl": "przycisk"}
# A person's longest realistic answers, read back at the end of the meeting questions.
EXAMPLE_PREFS = Preferences(
    how=["elsewhere"],
    support=["easy_read", "large_print"],
    days=["monday", "tuesday", "wednesday"],
    times=["morning"],
    contact_by="text",
)
AVOID_DATES = {"en": "not the week of 12 March", "pl": "nie w tygodniu 12 marca"}


def example_args(language: str) -> dict[str, object]:
    prefs = Preferences(**{c: getattr(EXAMPLE_PREFS, c) for c in ("how", "support", "days", "times", "contact_by")})
    prefs.avoid_dates = AVOID_DATES.get(language, AVOID_DATES["en"])
    when = spoken_datetime(datetime(2026, 9, 28, 9, 30, tzinfo=UTC), language)
    return {**EXAMPLE_ARGS, "council": COUNCIL, "when": when, "summary": summary(prefs, language, "sms")}


def _every_sms(language: str = "en") -> dict[str, str]:
    """Each bot response as sent by text in a language, and each message from the sms content."""
    bodies: dict[str, str] = {}
    for name in RESPONSES:
        message = render(name, language, "sms", example_args(language))
        assert message is not None, name
        bodies[name], _ = to_sms(message, language)
    choice = text("buttons.yes_right", language)
    for key in sorted(k for k in keys(language) if k.startswith("sms.")):
        bodies[key] = plain(text(key, language, council=COUNCIL, code=CODE, number=9, choice=choice))
    return bodies


@pytest.mark.parametrize("language", available())
def test_every_message_is_plain_and_fits_in_a_few_texts(language: str) -> None:
    assert len(COUNCIL) == 40
    assert len(CODE) == 8
    sized = {name: segments(body) for name, body in _every_sms(language).items()}
    longest = sorted(sized.items(), key=lambda item: (item[1].count, item[1].units), reverse=True)
    print(f"\nLongest texts in {language} ({MAX_SEGMENTS} segments at most):")
    for name, size in longest[:8]:
        print(f"  {size.count} segments, {size.units:3d} {size.encoding} units: {name}")
    too_long = [
        f"{name}: {size.count} segments, {size.units} {size.encoding} units"
        for name, size in longest
        if (language in GSM7_ONLY and size.encoding != GSM7) or size.count > MAX_SEGMENTS
    ]
    assert too_long == [], f"Add a shorter <key>_sms version in the {language} content for: " + "; ".join(too_long)


def test_a_polish_text_is_ucs2_and_its_choices_are_numbered_once() -> None:
    question = render("utter_ask_consent", "pl", "sms")
    assert question is not None
    body, choices = to_sms(question, "pl")
    assert segments(body).encoding == UCS2
    assert body.endswith("Odpisz numerem:\n1 - Tak\n2 - Nie\n3 - Jeszcze nie wiem")
    assert choices == {"1": "/affirm", "2": "/deny", "3": "/unsure"}


@pytest.mark.parametrize("language", available())
def test_no_text_talks_about_buttons(language: str) -> None:
    word = BUTTON_WORDS.get(language, "button")
    mentions = [name for name, body in _every_sms(language).items() if word in body.lower()]
    assert mentions == [], (
        f"A text has no buttons; add a <key>_sms version in the {language} content for: " + ", ".join(mentions)
    )


def test_the_invite_fits_in_2_texts() -> None:
    invite = segments(text("sms.invite", "en", council=COUNCIL, code=CODE))
    assert invite.encoding == GSM7
    assert invite.count <= INVITE_MAX_SEGMENTS, invite


def test_to_sms_numbers_the_choices_from_1() -> None:
    message = Rendered(
        "Are you happy?",
        buttons=[{"title": "Yes", "payload": "/affirm"}, {"title": "Not sure", "payload": "/unsure"}],
    )
    body, choices = to_sms(message, "en")
    assert body == "Are you happy?\nReply 1 for Yes.\nReply 2 for Not sure."
    assert choices == {"1": "/affirm", "2": "/unsure"}


def test_to_sms_without_buttons_is_just_the_text() -> None:
    assert to_sms(Rendered("Hello."), "en") == ("Hello.", {})


def test_a_reply_by_number_comes_back_as_its_payload() -> None:
    question = render("utter_ask_consent", "en", "sms")
    assert question is not None
    _, choices = to_sms(question, "en")
    assert choice_for("1", choices) == "/affirm"
    assert choice_for(" 2. ", choices) == "/deny"
    assert choice_for("3.", choices) == "/unsure"
    assert choice_for("\n1\n", choices) == "/affirm"


def test_a_reply_in_words_or_an_unknown_number_is_not_a_choice() -> None:
    choices = {"1": "/affirm", "2": "/deny", "3": "/unsure"}
    assert choice_for("yes", choices) is None
    assert choice_for("12", choices) is None
    assert choice_for("0", choices) is None
    assert choice_for("1 2", choices) is None
    assert choice_for("1 yes", choices) is None
    assert choice_for("", choices) is None
    assert choice_for("1", {}) is None


def test_gsm_segments_at_the_boundaries() -> None:
    assert segments("a" * 160) == Segments(GSM7, 160, 1)
    assert segments("a" * 161) == Segments(GSM7, 161, 2)
    assert segments("a" * 306) == Segments(GSM7, 306, 2)
    assert segments("a" * 307) == Segments(GSM7, 307, 3)
    assert segments("") == Segments(GSM7, 0, 1)


def test_an_extension_character_counts_2() -> None:
    for char in "[]{}~^\\|\u20ac":
        assert segments(char) == Segments(GSM7, 2, 1), char
    assert segments("a" * 158 + "[") == Segments(GSM7, 160, 1)
    assert segments("a" * 159 + "[") == Segments(GSM7, 161, 2)
    # The 2 septets of one character are never split: this one starts the second segment.
    assert segments("a" * 152 + "[" + "a" * 152) == Segments(GSM7, 306, 3)


def test_one_emoji_makes_it_ucs2() -> None:
    emoji = "\U0001f600"  # 2 UTF-16 code units
    assert segments("a" * 68 + emoji) == Segments(UCS2, 70, 1)
    assert segments("a" * 69 + emoji) == Segments(UCS2, 71, 2)
    assert segments("\u00e7" * 70) == Segments(UCS2, 70, 1)
    assert segments("\u00e7" * 71) == Segments(UCS2, 71, 2)
    assert segments("\u00e7" * 134) == Segments(UCS2, 134, 2)
    assert segments("\u00e7" * 135) == Segments(UCS2, 135, 3)


def test_plain_removes_curly_quotes_and_long_dashes() -> None:
    typed = "\u201cIt\u2019s OK\u201d \u2013 we\u2019ll call\u2026\u00a0soon \u2014 \u2018really\u2019."
    assert plain(typed) == "\"It's OK\" - we'll call... soon - 'really'."
    assert segments(typed).encoding == UCS2
    assert segments(plain(typed)).encoding == GSM7


def test_to_sms_makes_a_curly_apostrophe_in_a_council_name_plain() -> None:
    message = render("utter_why_contact", "en", "sms", {"council": "King\u2019s Lynn and West Norfolk"})
    assert message is not None
    body, _ = to_sms(message, "en")
    assert "King's Lynn" in body
    assert segments(body).encoding == GSM7


@pytest.mark.parametrize("language", available())
def test_a_booking_with_its_calendar_link_fits_3_texts(language: str) -> None:
    """The team's booking text (server/domain/meetings.py) carries a link of about 80 letters: in Polish, with
    its Polish letters, that is 5 parts, so it goes without accents and fits."""
    when = spoken_datetime(datetime(2026, 9, 28, 9, 30, tzinfo=UTC), language)
    link = "https://casetracking.example.org.uk/meeting/123-RbiXsxzKfx97Ef08UjaEKA73Iv8.ics"
    parts = [
        text("team.booked", language, when=when),
        text("team.how_elsewhere", language),
        text("team.calendar_link", language, link=link),
        text("team.change", language),
    ]
    body = fitted(plain("\n".join(parts)))
    assert segments(body).count <= MAX_SEGMENTS, (segments(body), body)


def test_a_text_that_fits_keeps_its_polish_letters_and_a_long_one_loses_them() -> None:
    short = "Zażółć gęślą jaźń."
    assert fitted(short) == short
    long = "Zażółć gęślą jaźń. " * 12
    assert segments(long).count > MAX_SEGMENTS
    assert fitted(long) == "Zazolc gesla jazn. " * 12
    assert segments(fitted(long)).encoding == GSM7
    assert without_accents("Łódź, Ålesund, café") == "Lodz, Ålesund, café"
