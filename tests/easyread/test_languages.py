"""The languages we speak: found from their files, asked for in any of them, dates and voices of their own."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from easyread.dates import day_month_year, month_year, spoken_date, spoken_datetime
from easyread.languages import available, fold, locale, needs_review, requested
from easyread.spoken import speech_language
from server.domain.cases import LANGUAGES

ROOT = Path(__file__).resolve().parents[2]


def test_english_and_polish_are_spoken_and_cases_can_have_either() -> None:
    assert available()[0] == "en"
    assert {"en", "pl"} <= set(available())
    assert set(LANGUAGES) == set(available())


@pytest.mark.parametrize("language", ["en", "pl"])
def test_each_language_has_all_its_files(language: str) -> None:
    assert (ROOT / "easyread" / f"avoid_words.{language}.yml").exists()
    english = {p.name.split(".")[0] for p in (ROOT / "easyread" / "content").glob("*.en.yml")} - {"pages"}
    own = {p.name.split(".")[0] for p in (ROOT / "easyread" / "content").glob(f"*.{language}.yml")}
    assert english <= own


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("can we speak Polish", "pl"),
        ("po polsku prosze", "pl"),
        ("Po POLSKU", "pl"),
        ("czy mozemy rozmawiac po polsku?", "pl"),
        ("in English please", "en"),
        ("po angielsku", "en"),
        ("wolę po angielsku", "en"),
        ("hello", None),
        ("another language please", None),
    ],
)
def test_a_language_is_asked_for_in_either_language(text: str, language: str | None) -> None:
    assert requested(text) == language


def test_fold_takes_accents_off_polish_letters() -> None:
    assert fold("Zażółć GĘŚLĄ jaźń, Łódź") == "zazolc gesla jazn, lodz"


def test_dates_read_naturally_in_each_language() -> None:
    at = datetime(2027, 3, 2, 14, 0, tzinfo=UTC)
    assert spoken_datetime(at, "en") == "Tuesday 2 March at 2pm"
    assert spoken_datetime(at, "pl") == "wtorek, 2 marca, o godzinie 14:00"
    summer = datetime(2027, 7, 21, 8, 30, tzinfo=UTC)  # 9:30 in London
    assert spoken_datetime(summer, "pl") == "środa, 21 lipca, o godzinie 9:30"
    assert spoken_datetime(summer, "en") == "Wednesday 21 July at 9:30am"


@pytest.mark.parametrize(
    ("month", "polish"),
    [
        (1, "stycznia"),
        (2, "lutego"),
        (3, "marca"),
        (4, "kwietnia"),
        (5, "maja"),
        (6, "czerwca"),
        (7, "lipca"),
        (8, "sierpnia"),
        (9, "września"),
        (10, "października"),
        (11, "listopada"),
        (12, "grudnia"),
    ],
)
def test_polish_months_are_in_the_genitive_after_a_day(month: int, polish: str) -> None:
    # "3 marca", as a Polish speaker writes a date; never the dictionary form "3 marzec".
    on = date(2027, month, 3)
    assert spoken_date(on, "pl").endswith(f", 3 {polish}")
    assert day_month_year(on, "pl") == f"3 {polish} 2027"
    assert month_year(on, "pl") == f"{polish} 2027"


def test_days_are_named_in_each_language() -> None:
    week = [date(2027, 3, 1 + n) for n in range(7)]  # Monday 1 March to Sunday 7 March
    assert [spoken_date(on, "en").split()[0] for on in week] == [
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
    ]
    assert [spoken_date(on, "pl").split(",")[0] for on in week] == [
        "poniedziałek",
        "wtorek",
        "środa",
        "czwartek",
        "piątek",
        "sobota",
        "niedziela",
    ]
    assert day_month_year(date(2027, 12, 25), "en") == "25 December 2027"


def test_each_language_has_its_own_voice_and_speech_recognition() -> None:
    assert locale("en").voice == "gmw/en" and speech_language("en") == "en-GB"
    assert locale("pl").voice == "zlw/pl" and speech_language("pl") == "pl-PL"


def test_polish_content_is_marked_for_a_translator_and_english_is_not() -> None:
    waiting = needs_review("pl")
    assert "bot.ask_consent" in waiting and waiting["bot.ask_consent"].startswith("Czy chcesz")
    assert needs_review("en") == {}


def test_a_review_list_can_name_single_keys(tmp_path: Path) -> None:
    (tmp_path / "bot.pl.yml").write_text('_review: [b]\npl:\n  a: "Tak."\n  b: "Nie."\n', encoding="utf-8")
    assert needs_review("pl", tmp_path) == {"bot.b": "Nie."}
    (tmp_path / "bot.pl.yml").write_text('_review: [c]\npl:\n  a: "Tak."\n', encoding="utf-8")
    with pytest.raises(ValueError, match="'c'"):
        needs_review("pl", tmp_path)
