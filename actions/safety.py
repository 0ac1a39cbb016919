"""When a message suggests harm, abuse, danger or acute distress: a calm reply and a person, at once."""

from __future__ import annotations

from actions import flow
from actions.base import Turn, action


@action("action_distress")
def distress(turn: Turn) -> None:
    flow.hand_off(turn, "distress", urgent=True)
    turn.say("safety")
