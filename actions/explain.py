"""Explaining case tracking step by step, and answering questions in the person's own words at any point."""

from __future__ import annotations

from actions import flow
from actions.base import Turn, action
from easyread.render import QUESTIONS


@action("action_greet")
def greet(turn: Turn) -> None:
    if turn.conversation.stage == "start":
        flow.start(turn)
        return
    turn.say("welcome_back")
    flow.prompt(turn)


@action("action_continue")
def carry_on(turn: Turn) -> None:
    flow.next_step(turn)


@action("action_repeat")
def repeat(turn: Turn) -> None:
    flow.prompt(turn)


@action("action_thanks")
def thanks(turn: Turn) -> None:
    turn.say("thanks")


@action("action_answer_question")
def answer_question(turn: Turn) -> None:
    topic = turn.intent.removeprefix("ask_")
    if topic in QUESTIONS:
        turn.say(f"answer_{topic}")
    flow.prompt(turn, after_question=True)
