"""The check before the meeting: capacity can change, so consent is asked again a day or two before."""

from __future__ import annotations

from actions import flow
from actions.base import Turn, on_no, on_yes, prompter
from easyread.dates import spoken_datetime
from server.domain import reconfirm
from server.domain.conversations import Position


@prompter("reconfirm")
def ask_again(turn: Turn) -> None:
    meeting = reconfirm.pending_meeting(turn.session, turn.case.id)
    if meeting is None:
        flow.go(turn, Position("done"))
        turn.say("already_given")
        return
    turn.say("reconfirm_ask", when=spoken_datetime(meeting.at, turn.language))


@on_yes("reconfirm")
def still_yes(turn: Turn) -> None:
    reconfirm.answered(turn.session, turn.case.id, confirmed=True, actor=f"person:{turn.channel}")
    turn.say("reconfirm_yes")
    flow.go(turn, Position("done"))


@on_no("reconfirm")
def now_no(turn: Turn) -> None:
    reconfirm.answered(turn.session, turn.case.id, confirmed=False, actor=f"person:{turn.channel}")
    flow.record(turn, "withdrawn")
    flow.hand_off(turn, "withdrew")
    turn.say("reconfirm_no")
    flow.go(turn, Position("stopped"))
