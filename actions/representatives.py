"""Who is replying: the person, or someone helping them (their role, name, contact, and what they do for them)."""

from __future__ import annotations

from actions import answers, flow
from actions.base import Turn, action, capture, on_no, on_yes
from server.domain import representatives
from server.domain.models import Representative


def _actor(turn: Turn) -> str:
    return f"representative:{turn.channel}"


def _rep(turn: Turn) -> Representative:
    return representatives.start(turn.session, turn.conversation, _actor(turn))


@action("action_identify_self")
def identify_self(turn: Turn) -> None:
    if turn.conversation.stage in ("start", "who"):
        flow.explain_from_start(turn)
    else:
        flow.prompt(turn)


@action("action_identify_helper")
def identify_helper(turn: Turn) -> None:
    if turn.conversation.stage not in ("start", "who"):
        flow.prompt(turn)
        return
    rep = _rep(turn)
    # "I'm her daughter" already says who they are: do not ask again.
    role = answers.role(turn.text)
    if role is None:
        flow.ask(turn, "rep_role")
        return
    representatives.update(turn.session, rep, "role", role, _actor(turn))
    flow.ask(turn, "rep_name")


@capture("rep_role")
def role_answer(turn: Turn) -> bool:
    role = answers.role(turn.text)
    if role is None:
        return False
    representatives.update(turn.session, _rep(turn), "role", role, _actor(turn))
    flow.ask(turn, "rep_name")
    return True


@capture("rep_name")
def name_answer(turn: Turn) -> bool:
    name = None if answers.is_skip(turn.text) else turn.text
    representatives.update(turn.session, _rep(turn), "name", name, _actor(turn))
    flow.ask(turn, "rep_contact")
    return True


@capture("rep_contact")
def contact_answer(turn: Turn) -> bool:
    contact = None if answers.is_skip(turn.text) else turn.text
    representatives.update(turn.session, _rep(turn), "contact", contact, _actor(turn))
    flow.ask(turn, "rep_join")
    return True


def _joins(turn: Turn, value: bool) -> None:
    representatives.update(turn.session, _rep(turn), "joins_meeting", value, _actor(turn))
    flow.ask(turn, "rep_behalf")


def _behalf(turn: Turn, value: bool) -> None:
    representatives.update(turn.session, _rep(turn), "on_behalf", value, _actor(turn))
    turn.say("thanks_helper")
    flow.explain_from_start(turn)


on_yes("rep_join")(lambda turn: _joins(turn, True))
on_no("rep_join")(lambda turn: _joins(turn, False))
on_yes("rep_behalf")(lambda turn: _behalf(turn, True))
on_no("rep_behalf")(lambda turn: _behalf(turn, False))
