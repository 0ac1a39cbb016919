"""Who is replying: the person, or someone helping them (their role, name, contact, and what they do for them)."""

from __future__ import annotations

from actions.registry import recorder
from dialogue import answers
from dialogue.turn import Turn
from server.domain import representatives
from server.domain.models import Representative


def _actor(turn: Turn) -> str:
    return f"representative:{turn.channel}"


def _rep(turn: Turn) -> Representative:
    return representatives.start(turn.session, turn.conversation, _actor(turn))


def _first(value: object) -> str | None:
    if isinstance(value, list):
        return str(value[0]) if value else None
    return None if value is None else str(value)


@recorder("helper_starts")
def helper_starts(turn: Turn, value: object, extra: dict[str, str]) -> str | None:
    if _first(value) != "helper":
        return None
    rep = _rep(turn)
    # "I'm her daughter" already says who they are: do not ask again.
    role = answers.role(turn.text)
    if role is None:
        return None
    representatives.update(turn.session, rep, "role", role, _actor(turn))
    return "rep_name"


@recorder("helper_role")
def role(turn: Turn, value: object, extra: dict[str, str]) -> str | None:
    representatives.update(turn.session, _rep(turn), "role", _first(value), _actor(turn))
    return None


@recorder("helper_name")
def name(turn: Turn, value: object, extra: dict[str, str]) -> str | None:
    representatives.update(turn.session, _rep(turn), "name", _first(value), _actor(turn))
    return None


@recorder("helper_contact")
def contact(turn: Turn, value: object, extra: dict[str, str]) -> str | None:
    representatives.update(turn.session, _rep(turn), "contact", _first(value), _actor(turn))
    return None


@recorder("joins")
def joins(turn: Turn, value: object, extra: dict[str, str]) -> str | None:
    representatives.update(turn.session, _rep(turn), "joins_meeting", value == "yes", _actor(turn))
    return None


@recorder("on_behalf")
def on_behalf(turn: Turn, value: object, extra: dict[str, str]) -> str | None:
    representatives.update(turn.session, _rep(turn), "on_behalf", value == "yes", _actor(turn))
    turn.say("thanks_helper")
    return None
