"""Stop, from anywhere: a refusal before consent, a withdrawal after it; recorded like consent itself."""

from __future__ import annotations

from actions import flow
from actions.base import Turn, action
from server.domain.conversations import Position


@action("action_stop")
def stop(turn: Turn) -> None:
    state = flow.current_state(turn)
    if state in ("declined", "withdrawn"):
        # Already stopped: confirm again, record nothing new.
        turn.say("stop_declined" if state == "declined" else "stop_withdrawn")
        flow.go(turn, Position("stopped"))
        return
    new_state = "withdrawn" if state == "given" else "declined"
    flow.record(turn, new_state)
    turn.say("stop_withdrawn" if new_state == "withdrawn" else "stop_declined")
    flow.go(turn, Position("stopped"))
