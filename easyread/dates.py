"""Dates and times the easy-read way, in UK time: "Tuesday 3 March at 2pm", "wtorek, 3 marca, o godzinie 14:00".

The names of days and months, and the am/pm words, come from Babel (the Unicode CLDR data) in each language's own
grammar ("3 marca", not "3 marzec"); easyread/content/dates.*.yml only says how the parts make a sentence.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, get_period_names

from easyread.languages import locale
from easyread.render import text

UK = ZoneInfo("Europe/London")


def _day(on: date, language: str) -> str:
    # The name a day has inside a date: "Tuesday", "wtorek" (lower case in Polish, as in the middle of a sentence).
    return format_date(on, "EEEE", locale=locale(language).cldr)


def _month(on: date, language: str) -> str:
    # A month as it reads after a day's number: "March", "marca" (Polish genitive).
    return format_date(on, "MMMM", locale=locale(language).cldr)


def month_year(on: date, language: str) -> str:
    """A month and its year as it reads after "by the end of": "March 2027", "marca 2027"."""
    return format_date(on, "MMMM y", locale=locale(language).cldr)


def day_month_year(on: date, language: str) -> str:
    """ "3 March 2027", "3 marca 2027"."""
    return format_date(on, "d MMMM y", locale=locale(language).cldr)


def spoken_date(on: date, language: str) -> str:
    """ "Friday 13 March", "piątek, 13 marca"."""
    return text("dates.on_date", language, day=_day(on, language), date=on.day, month=_month(on, language))


def spoken_datetime(at: datetime, language: str) -> str:
    """ "Tuesday 3 March at 2pm" in UK time. `at` carries its zone (the database hands every time back in UTC):
    a time without one could be read hours out, so it is refused."""
    if at.tzinfo is None:
        raise ValueError("a time without a zone")
    local = at.astimezone(UK)
    day, month = _day(local.date(), language), _month(local.date(), language)
    where = locale(language)
    if where.clock == 24:
        return text("dates.at", language, day=day, date=local.day, month=month, time=f"{local.hour}:{local.minute:02d}")
    hour = local.hour % 12 or 12
    clock = f"{hour}:{local.minute:02d}" if local.minute else f"{hour}"
    # "2pm" written close, as people write it; the word for am or pm is the language's own.
    suffix = get_period_names("abbreviated", locale=where.cldr)["am" if local.hour < 12 else "pm"]
    return text("dates.at", language, day=day, date=local.day, month=month, time=f"{clock}{suffix}")
