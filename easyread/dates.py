"""Dates and times the easy-read way, in UK time: "Tuesday 3 March at 2pm", "wtorek, 3 marca, o godzinie 14:00"."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from easyread.languages import locale
from easyread.render import has, text

UK = ZoneInfo("Europe/London")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _day(on: date, language: str) -> str:
    # A language can name the day differently inside a date ("wtorek", lower case) than on a button.
    day_key = f"dates.day_{DAYS[on.weekday()]}"
    return text(day_key if has(day_key, language) else f"choices.day_{DAYS[on.weekday()]}", language)


def spoken_date(on: date, language: str) -> str:
    """ "Friday 13 March", "piątek, 13 marca"."""
    month = text(f"dates.month_{on.month}", language)
    return text("dates.on_date", language, day=_day(on, language), date=on.day, month=month)


def spoken_datetime(at: datetime, language: str) -> str:
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UK)
    day = _day(local.date(), language)
    month = text(f"dates.month_{local.month}", language)
    if locale(language).clock == 24:
        return text("dates.at", language, day=day, date=local.day, month=month, time=f"{local.hour}:{local.minute:02d}")
    hour = local.hour % 12 or 12
    clock = f"{hour}:{local.minute:02d}" if local.minute else f"{hour}"
    suffix = text("dates.am" if local.hour < 12 else "dates.pm", language)
    return text("dates.at", language, day=day, date=local.day, month=month, time=f"{clock}{suffix}")
