"""What a recorder works with: the database session, the conversation and its case, and the dialogue's turn (to
say something back, and to know who is on the line)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from dialogue.turn import Turn
from server.domain.models import Case, Conversation


@dataclass
class Act:
    session: Session
    conversation: Conversation
    case: Case
    turn: Turn

    @property
    def text(self) -> str:
        return self.turn.text

    @property
    def verified(self) -> bool:
        return self.turn.verified

    @property
    def channel(self) -> str:
        return self.turn.channel

    @property
    def language(self) -> str:
        return self.turn.language

    @property
    def actor(self) -> str:
        return f"person:{self.channel}"

    def say(self, name: str, **args: object) -> None:
        self.turn.say(name, **args)

    def ring_back(self) -> None:
        """The call ends, and we ring the number on file."""
        self.turn.ring_back = True
