"""What every action gets (a Turn) and gives back (response names with their arguments)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from server.domain.models import Case, Conversation


@dataclass
class Turn:
    session: Session
    conversation: Conversation
    case: Case
    intent: str
    confidence: float
    council_name: str
    # What the person typed or said (or the button's payload).
    text: str = ""
    responses: list[dict[str, object]] = field(default_factory=list)
    # Set False by an action that could not use this turn; two in a row hand over to a person.
    understood: bool = True

    @property
    def channel(self) -> str:
        return self.conversation.channel

    @property
    def language(self) -> str:
        return self.conversation.language

    def say(self, name: str, **args: object) -> None:
        self.responses.append({"response": f"utter_{name}", **args})


Action = Callable[[Turn], None]
REGISTRY: dict[str, Action] = {}
# Per conversation stage: what a typed answer means there (True when it was an answer), and what yes / no mean.
Capture = Callable[[Turn], bool]
CAPTURE: dict[str, Capture] = {}
YES: dict[str, Action] = {}
NO: dict[str, Action] = {}
# Stages whose question needs more than a fixed message (a read-back of answers, a date).
PROMPTERS: dict[str, Action] = {}


def action(name: str) -> Callable[[Action], Action]:
    def register(func: Action) -> Action:
        REGISTRY[name] = func
        return func

    return register


def capture(stage: str) -> Callable[[Capture], Capture]:
    def register(func: Capture) -> Capture:
        CAPTURE[stage] = func
        return func

    return register


def on_yes(stage: str) -> Callable[[Action], Action]:
    def register(func: Action) -> Action:
        YES[stage] = func
        return func

    return register


def on_no(stage: str) -> Callable[[Action], Action]:
    def register(func: Action) -> Action:
        NO[stage] = func
        return func

    return register


def prompter(stage: str) -> Callable[[Action], Action]:
    def register(func: Action) -> Action:
        PROMPTERS[stage] = func
        return func

    return register
