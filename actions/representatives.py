"""Who is replying: the person, or someone helping them (their role, name, contact, and what they do for them)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from actions.act import Act
from actions.registry import recorder
from dialogue import answers, values
from easyread.render import button_title, channel_text
from server.domain import representatives
from server.domain.models import Conversation, Representative


def _actor(turn: Act) -> str:
    return f"representative:{turn.channel}"


def _rep(turn: Act) -> Representative:
    return representatives.start(turn.session, turn.conversation, _actor(turn))


def _first(value: object) -> str | None:
    if isinstance(value, list):
        return str(value[0]) if value else None
    return None if value is None else str(value)


@recorder("helper_starts")
def helper_starts(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    if _first(value) != "helper":
        return None
    rep = _rep(turn)
    # "I'm her daughter" already says who they are: do not ask again.
    role = answers.role(turn.text)
    if role is None:
        return None
    representatives.update(turn.session, rep, "role", role, _actor(turn))
    return "role_known"


@recorder("helper_role")
def role(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    representatives.update(turn.session, _rep(turn), "role", _first(value), _actor(turn))
    return None


@recorder("helper_name")
def name(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    # Held, not kept: the name is read back with the contact first.
    representatives.hold(turn.session, turn.conversation, "name", _first(value))
    return None


@recorder("helper_contact")
def contact(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    given = _first(value)
    if given == values.THIS_NUMBER:
        # "This number": the phone of a text or a call ("sms:+447700900123"); a web chat has none to give.
        channel, _, number = turn.conversation.id.partition(":")
        given = values.phone(number) if channel in ("sms", "voice") else None
        if given is None:
            turn.say("rep_contact_number")
            return "needs_number"
    representatives.hold(turn.session, turn.conversation, "contact", given)
    return None


@recorder("joins")
def joins(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    representatives.update(turn.session, _rep(turn), "joins_meeting", value == "yes", _actor(turn))
    return None


@recorder("on_behalf")
def on_behalf(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    representatives.update(turn.session, _rep(turn), "on_behalf", value == "yes", _actor(turn))
    turn.say("thanks_helper")
    return None


@recorder("helper_checked")
def checked(turn: Act, value: object, extra: dict[str, str]) -> str | None:
    """After the read-back: yes keeps the details; no lets go of the name and contact, and asks again from the
    role. Until then nothing of them is kept."""
    if value == "yes":
        representatives.keep_held(turn.session, turn.conversation, _actor(turn))
        return None
    representatives.drop_held(turn.session, turn.conversation)
    turn.say("rep_try_again")
    return None


def read_back(session: Session, conversation: Conversation) -> str:
    """ "You are Sam. You help them as: Family. We can contact you on 07700 900123." """
    rep = representatives.start(session, conversation, f"representative:{conversation.channel}")
    held = representatives.held(conversation)
    name, contact = held.get("name"), held.get("contact")
    language, channel = conversation.language, conversation.channel
    parts = []
    if name:
        parts.append(channel_text("reps.readback_name", language, channel, name=name))
    if rep.role:
        role = button_title(f"choices.role_{rep.role}", language, channel)
        parts.append(channel_text("reps.readback_role", language, channel, role=role))
    if contact:
        spoken = values.spoken_contact(contact)
        parts.append(channel_text("reps.readback_contact", language, channel, contact=spoken))
    else:
        parts.append(channel_text("reps.readback_no_contact", language, channel))
    return " ".join(parts)
