"""What the dialogue asks of the world, and all it asks: a port the use-case side implements (actions/port.py does,
with the database session, server.domain and the recorders in actions/).

The dialogue reads values through it (the consent state, the council's name, when the team will get in touch, the
meeting to check, the answers to read back) and asks it to do things (record an answer by its recorder's name,
hand off to a person, move the position, count what was not understood). So the dialogue imports nothing from
server/ or actions/, and a turn can be read, and tested, as the conversation alone.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from dialogue.turn import Turn


class Conversation(Protocol):
    """Where the person is, kept between turns; the dialogue moves it only through `Port.move`, but may set the
    answer waiting for its read-back."""

    pending_answer: str | None

    @property
    def stage(self) -> str: ...

    @property
    def explain_step(self) -> int: ...

    @property
    def language(self) -> str: ...

    @property
    def channel(self) -> str: ...


class Port(Protocol):
    @property
    def conversation(self) -> Conversation: ...

    # Values the dialogue says or decides by.
    def consent_state(self) -> str:
        """ "pending", "given", "declined" or "withdrawn"."""
        ...

    def council_name(self) -> str: ...

    def contact_by(self) -> date:
        """When the team gets in touch after a yes."""
        ...

    def pending_meeting(self) -> datetime | None:
        """When the meeting to check before is, or None when there is none any more."""
        ...

    def is_own_code(self, text: str) -> bool:
        """Whether the words are the invitation code that opened this conversation."""
        ...

    def prefs_summary(self) -> str:
        """How the person would like to meet, as read back to them."""
        ...

    def helper_details(self) -> str:
        """The helper's details, as read back to them."""
        ...

    @property
    def helpline(self) -> str: ...

    @property
    def talk_minutes(self) -> int: ...

    @property
    def consent_min_confidence(self) -> float:
        """How sure the model must be of a consent answer for it to count."""
        ...

    # What the dialogue asks to be done.
    def record(self, recorder: str, turn: Turn, value: object, extra: dict[str, str]) -> str | None:
        """Run the stage's recorder: what it returns is a fact (an outcome key) the stage's `goes` maps."""
        ...

    def stop_now(self, turn: Turn) -> str:
        """A one-word STOP: recorded as a refusal before a yes, a withdrawal after one; the state it leaves."""
        ...

    def hand_off(self, reason: str, urgent: bool = False) -> None: ...

    def move(self, stage: str, step: int, pending: str | None) -> None:
        """Keep the new position: the stage, where a read-back of a wish to stop goes back to, the answer waiting."""
        ...

    def note_understood(self, understood: bool) -> int:
        """Count what was not understood in a row (any understood turn resets it); the count."""
        ...

    def set_language(self, code: str) -> None: ...

    def note_wish(self, stage: str, before_support: bool) -> None:
        """A wish to talk with someone who has had care too, heard at this stage; `before_support` when the question
        about help (whose answer sets the help wanted) is still to be answered, so the wish must outlive it."""
        ...
