"""How the person would like to meet: each question skippable, every answer saved at once, all read back at the end."""

from __future__ import annotations

from actions import answers, flow
from actions.base import Turn, capture, on_no, on_yes, prompter
from easyread.render import button_title, channel_text, text
from server.domain import handoffs, preferences
from server.domain.conversations import Position
from server.domain.models import Preferences

# The questions in order; the interpreter's language is asked only when an interpreter is wanted.
ORDER = ("pref_how", "pref_support", "pref_language", "pref_days", "pref_times", "pref_avoid", "pref_contact")


def begin(turn: Turn) -> None:
    turn.say("prefs_intro")
    flow.ask(turn, "pref_how")


def _actor(turn: Turn) -> str:
    return f"person:{turn.channel}"


def _next(turn: Turn, after: str) -> None:
    stage = ORDER[ORDER.index(after) + 1] if after != ORDER[-1] else "pref_confirm"
    prefs = preferences.get_or_create(turn.session, turn.case.id)
    if stage == "pref_language" and "interpreter" not in prefs.support:
        stage = "pref_days"
    if stage == "pref_confirm":
        read_back(turn)
        flow.go(turn, Position("pref_confirm"))
        return
    flow.ask(turn, stage)


def _choice_stage(stage: str, field: str, words: dict[str, tuple[str, ...]], prefix: str, empty: str) -> None:
    """A question with fixed choices: answered by button, by words, by "skip", or by "none"/"any"."""

    def handle(turn: Turn) -> bool:
        if answers.is_skip(turn.text) or (empty == "none" and answers.is_none(turn.text)):
            values: list[str] = []
        elif empty == "any" and answers.is_any(turn.text):
            values = list(words)
        else:
            values = answers.choices(turn.text, prefix, words)
            if not values:
                return False
        preferences.set_field(turn.session, turn.case.id, field, values, _actor(turn))
        _next(turn, stage)
        return True

    capture(stage)(handle)


_choice_stage("pref_how", "how", answers.HOW_WORDS, "how", "")
_choice_stage("pref_support", "support", answers.SUPPORT_WORDS, "support", "none")
_choice_stage("pref_days", "days", answers.DAY_WORDS, "day", "any")
_choice_stage("pref_times", "times", answers.TIME_WORDS, "time", "any")


@capture("pref_language")
def language_answer(turn: Turn) -> bool:
    value = None if answers.is_skip(turn.text) else turn.text
    preferences.set_field(turn.session, turn.case.id, "interpreter_language", value, _actor(turn))
    _next(turn, "pref_language")
    return True


@capture("pref_avoid")
def avoid_answer(turn: Turn) -> bool:
    value = None if answers.is_skip(turn.text) or answers.is_none(turn.text) else turn.text
    preferences.set_field(turn.session, turn.case.id, "avoid_dates", value, _actor(turn))
    _next(turn, "pref_avoid")
    return True


@capture("pref_contact")
def contact_answer(turn: Turn) -> bool:
    if answers.is_skip(turn.text):
        value = None
    else:
        found = answers.choices(turn.text, "contact", answers.CONTACT_WORDS)
        if not found:
            return False
        value = found[0]
    preferences.set_field(turn.session, turn.case.id, "contact_by", value, _actor(turn))
    _next(turn, "pref_contact")
    return True


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


@prompter("pref_confirm")
def read_back(turn: Turn) -> None:
    prefs = preferences.get_or_create(turn.session, turn.case.id)
    turn.say("prefs_readback", summary=summary(prefs, turn.language, turn.channel))


@on_yes("pref_confirm")
def confirmed(turn: Turn) -> None:
    preferences.complete(turn.session, turn.case.id, _actor(turn))
    handoffs.ready_to_schedule(turn.session, turn.case.id, _actor(turn))
    turn.say("prefs_saved")
    flow.go(turn, Position("done"))


@on_no("pref_confirm")
def start_again(turn: Turn) -> None:
    turn.say("prefs_start_again")
    flow.ask(turn, "pref_how")
