"""How the person would like to meet: each answer saved at once, all read back at the end, then the team's queue."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.act import Act
from actions.registry import recorder
from easyread.render import button_title, channel_text, text
from server.domain import handoffs, preferences
from server.domain.models import Case, Conversation, Preferences


def _values(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _save(turn: Act, field: str, value: list[str] | str | None) -> None:
    preferences.set_field(turn.session, turn.case.id, field, value, turn.actor)


@recorder("meet_how")
def how(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    _save(turn, "how", _values(value))
    return None


@recorder("meet_support")
def support(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    chosen = _values(value)
    _save(turn, "support", chosen)
    return "needs_language" if "interpreter" in chosen else None


@recorder("meet_language")
def language(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    _save(turn, "interpreter_language", None if value is None else str(value))
    return None


@recorder("meet_days")
def days(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    _save(turn, "days", _values(value))
    return None


@recorder("meet_times")
def times(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    _save(turn, "times", _values(value))
    return None


@recorder("meet_avoid")
def avoid(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    _save(turn, "avoid_dates", None if value is None else str(value))
    return None


@recorder("meet_contact")
def contact(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    chosen = _values(value)
    _save(turn, "contact_by", chosen[0] if chosen else None)
    return None


@recorder("prefs_confirmed")
def confirmed(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    if value == "yes":
        preferences.complete(turn.session, turn.case.id, turn.actor)
        handoffs.ready_to_schedule(turn.session, turn.case.id, turn.actor)
        turn.say("prefs_saved")
        return None
    turn.say("prefs_start_again")
    return None


def _names(language: str, channel: str, prefix: str, values: list[str]) -> str:
    if not values:
        return text("prefs.nothing", language)
    return ", ".join(button_title(f"choices.{prefix}_{v}", language, channel) for v in values)


def summary(prefs: Preferences, language: str, channel: str) -> str:
    """The person's answers, read back in their language; shorter by text, where every letter counts."""

    def part(key: str, value: str) -> str:
        return channel_text(f"prefs.summary_{key}", language, channel, value=value)

    parts = [
        part("how", _names(language, channel, "how", prefs.how)),
        part("support", _names(language, channel, "support", prefs.support)),
    ]
    if prefs.interpreter_language:
        parts.append(part("language", prefs.interpreter_language))
    contact = [prefs.contact_by] if prefs.contact_by else []
    parts += [
        part("days", _names(language, channel, "day", prefs.days)),
        part("times", _names(language, channel, "time", prefs.times)),
        part("avoid", (prefs.avoid_dates or text("prefs.nothing", language))[:80]),
        part("contact", _names(language, channel, "contact", contact)),
    ]
    return " ".join(parts)


def read_back(session: Session, case: Case, conversation: Conversation) -> str:
    """The answers so far, as read back at the end."""
    prefs = preferences.get_or_create(session, case.id)
    return summary(prefs, conversation.language, conversation.channel)
