"""One turn of a conversation: the port to the world, what the person said, and the messages said back."""

from __future__ import annotations

from dataclasses import dataclass, field

from dialogue.port import Conversation, Port


@dataclass
class Turn:
    port: Port
    # What the person typed or said (or the button's payload).
    text: str = ""
    responses: list[dict[str, object]] = field(default_factory=list)
    # False when this turn was not understood: three in a row hand over to a person.
    understood: bool = True
    # Whether we know who is on the line: a call we placed, or caller ID Twilio attested. An inbound call's number
    # can be spoofed, so its consent answers wait for a call back (`ring_back`).
    verified: bool = True
    ring_back: bool = False

    @property
    def conversation(self) -> Conversation:
        return self.port.conversation

    @property
    def council_name(self) -> str:
        """Read only when said (the greeting): most turns never need it."""
        return self.port.council_name()

    @property
    def channel(self) -> str:
        return self.conversation.channel

    @property
    def language(self) -> str:
        return self.conversation.language

    def say(self, name: str, **args: object) -> None:
        self.responses.append({"response": f"utter_{name}", **args})
