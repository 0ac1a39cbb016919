"""The consent question: an explicit answer, read back, and recorded only once the person confirms it."""

from __future__ import annotations

from actions import flow, preferences
from actions.base import NO, YES, Turn, action
from server.domain import conversations
from server.domain.conversations import Position
from server.settings import get_settings


def _sure(turn: Turn) -> bool:
    """A typed yes or no must be clearly understood before it is read back; a button press always is."""
    return turn.confidence >= get_settings().consent_min_confidence


def _read_back(turn: Turn, answer: str) -> None:
    turn.say(f"readback_{answer}")
    flow.go(turn, Position("confirm", pending_answer=answer))


def _record(turn: Turn, answer: str) -> None:
    before = flow.current_state(turn)
    # A "no" after a yes is a withdrawal; before any yes it is a refusal.
    state = "given" if answer == "yes" else ("withdrawn" if before == "given" else "declined")
    flow.record(turn, state)
    if state == "given":
        turn.say("consent_given")
        turn.say("consent_receipt")
        preferences.begin(turn)
    else:
        turn.say("consent_declined" if state == "declined" else "stop_withdrawn")
        flow.go(turn, Position("stopped"))


@action("action_yes")
def yes(turn: Turn) -> None:
    here = conversations.position(turn.conversation)
    if here.stage in YES:
        if _sure(turn):
            YES[here.stage](turn)
        else:
            flow.not_understood(turn)
    elif here.stage == "start":
        flow.start(turn)
    elif here.stage == "explain":
        # "Yes" while hearing the explanation means "go on".
        flow.next_step(turn)
    elif not _sure(turn):
        flow.not_understood(turn)
    elif here.stage == "confirm":
        _record(turn, here.pending_answer or "no")
    elif here.stage == "done" and flow.current_state(turn) == "given":
        turn.say("already_given")
    elif here.stage in ("ask_consent", "done", "stopped"):
        # At the question, or changing their mind after saying no: read it back first.
        _read_back(turn, "yes")
    else:
        flow.prompt(turn)


@action("action_no")
def no(turn: Turn) -> None:
    here = conversations.position(turn.conversation)
    if here.stage in NO:
        if _sure(turn):
            NO[here.stage](turn)
        else:
            flow.not_understood(turn)
    elif here.stage in ("start", "explain"):
        # Not wanting to hear more is not an answer yet: go straight to the clear question.
        flow.ask_consent(turn)
    elif not _sure(turn):
        flow.not_understood(turn)
    elif here.stage == "confirm":
        turn.say("try_again")
        flow.ask_consent(turn)
    elif here.stage == "stopped":
        turn.say("after_stop")
    elif here.stage in ("ask_consent", "done"):
        _read_back(turn, "no")
    else:
        flow.prompt(turn)


@action("action_unsure")
def unsure(turn: Turn) -> None:
    here = conversations.position(turn.conversation)
    if here.stage in ("ask_consent", "confirm"):
        conversations.mark_unsure(turn.session, turn.case)
        turn.say("unsure")
        flow.go(turn, Position("ask_consent"))
    else:
        flow.prompt(turn, after_question=True)
