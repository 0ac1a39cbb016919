"""Dates and times written the easy-read way, in UK time: "Tuesday 3 March at 2pm"."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from easyread.render import text

UK = ZoneInfo("Europe/London")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def spoken_datetime(at: datetime, language: str) -> str:
    local = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UK)
    day = text(f"choices.day_{DAYS[local.weekday()]}", language)
    month = text(f"dates.month_{local.month}", language)
    hour = local.hour % 12 or 12
    clock = f"{hour}:{local.minute:02d}" if local.minute else f"{hour}"
    suffix = text("dates.am" if local.hour < 12 else "dates.pm", language)
    return text("dates.at", language, day=day, date=local.day, month=month, time=f"{clock}{suffix}")
