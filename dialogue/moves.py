"""Moving through the stages: going to one and asking its question, and asking the current one again."""

from __future__ import annotations

from collections.abc import Callable

from dialogue.stages import DONE, FLOW, Consent, Kind, Stage, stage
from dialogue.turn import Turn
from easyread.dates import spoken_datetime

Say = Callable[[Turn], None]


def here(turn: Turn) -> Stage:
    return stage(turn.conversation.stage)


def go(turn: Turn, to: Stage, asking: bool = True, resume: Stage | None = None) -> None:
    """Move to a stage and ask its question; the pending answer stays only for its read-back (and while a call
    back is offered before that read-back is answered)."""
    pending = turn.conversation.pending_answer if to.keeps_pending else None
    # The position's step is where a read-back of a wish to stop goes back to.
    step = FLOW.index(resume) if resume is not None else 0
    turn.port.move(to.name, step, pending)
    if asking and not to.ended:
        ask(turn)


def resume_stage(turn: Turn) -> Stage:
    """Where to go back to after a wish to stop that was not meant."""
    step = turn.conversation.explain_step
    return FLOW[step] if 0 <= step < len(FLOW) and FLOW[step].consent is not Consent.STOP else DONE


def ask(turn: Turn, after_question: bool = False) -> None:
    """Say what the person is being asked now, without moving on."""
    now = here(turn)
    if after_question and now.ended:
        return
    if after_question and now.kind is Kind.STEP:
        turn.say("carry_on")
        return
    for name in now.asks:
        PROMPTERS.get(name, _plain(name))(turn)


def _plain(name: str) -> Say:
    return lambda turn: turn.say(name)


def _readback(turn: Turn) -> None:
    turn.say("readback_yes" if turn.conversation.pending_answer == "yes" else "readback_no")


def _reconfirm(turn: Turn) -> None:
    meeting = turn.port.pending_meeting()
    if meeting is None:
        go(turn, DONE, asking=False)
        turn.say("already_given")
        return
    turn.say("reconfirm_ask", when=spoken_datetime(meeting, turn.language))


def _ended(turn: Turn) -> None:
    turn.say("already_given" if turn.port.consent_state() == "given" else "after_stop")


def _prefs(turn: Turn) -> None:
    turn.say("prefs_readback", summary=turn.port.prefs_summary())


def _helper(turn: Turn) -> None:
    """ "You are Sam. You help them as: Family. We can contact you on 07700 900123. Is that right?" """
    turn.say("rep_readback", details=turn.port.helper_details())


PROMPTERS: dict[str, Say] = {
    "readback": _readback,
    "prefs_readback": _prefs,
    "rep_readback": _helper,
    "reconfirm_ask": _reconfirm,
    "already_given": _ended,
    "after_stop": _ended,
}
