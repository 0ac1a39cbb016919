"""Handing over to a person: when asked, and when the bot has not understood twice in a row."""

from __future__ import annotations

from actions import flow
from actions.base import Turn, action


@action("action_request_human")
def request_human(turn: Turn) -> None:
    flow.hand_off(turn, "asked")
    turn.say("handoff")


@action("action_not_understood")
def not_understood(turn: Turn) -> None:
    flow.not_understood(turn)


@action("action_out_of_scope")
def out_of_scope(turn: Turn) -> None:
    turn.say("out_of_scope")
    flow.prompt(turn, after_question=True)
