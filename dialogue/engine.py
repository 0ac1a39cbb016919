"""Takes one turn: reads the message against the stage, records the answer and moves on, or repairs.

The position (stage, pending answer, where to go back to) lives in the database, so nothing is lost between turns.
"""

from __future__ import annotations

from dialogue import repair, wishes
from dialogue.moves import ask, go, here, resume_stage
from dialogue.reading import Move, Reading, Understanding, read
from dialogue.stages import (
    RECORDS_CONSENT,
    RESUME,
    RESUME_QUIETLY,
    STAGES,
    STAY,
    STOP_READBACK,
    Consent,
    Kind,
    Stage,
)
from dialogue.turn import Turn

# What the person may say first that is not an answer to "who is this for" and still starts plainly.
PLAIN_START = (Move.ANSWER, Move.CHITCHAT, Move.NOT_UNDERSTOOD, Move.REPEAT)


def take(turn: Turn, nlu: Understanding, seen: tuple[Reading, bool] | None = None) -> None:
    """Answer one message. `seen`: the message already read (without the model) and whether consent is given, so
    neither is done twice."""
    now = here(turn)
    if seen is None:
        consented = turn.port.consent_state() == "given"
        reading = read(now, turn.text, turn.language, nlu, consented)
    else:
        reading, consented = seen
    if now.kind is Kind.START and reading.move not in (Move.STOP, Move.DISTRESS, Move.HUMAN):
        # The first message, whatever it is, gets the greeting; an early answer or a question is then heard.
        turn.say("greet", council=turn.council_name)
        turn.say("why_contact", council=turn.council_name)
        now = STAGES[now.goes["*"]]
        go(turn, now, asking=reading.move in PLAIN_START)
        if reading.move in PLAIN_START:
            return
    if wishes.heard(turn, now, reading):
        # Someone who has had care too, asked for at a meeting question: noted, and the question again.
        pass
    elif reading.move is Move.ANSWER:
        answer(turn, now, reading)
    else:
        repair.handle(turn, now, reading, consented)
    if turn.understood:
        turn.port.note_understood(True)


def _stops(turn: Turn, now: Stage, reading: Reading) -> bool:
    """Whether this answer can only stop or change nothing: the read-back of a wish to stop ("You want to stop.
    Is that right?"), or of a no. On a call we cannot be sure of it is recorded at once, as a text's STOP is:
    withdrawing must be as easy as giving, and a wrong withdrawal costs a call to check. A yes to taking part waits
    for the call back; a "no" to "do you still want to talk with us?" is read back first."""
    if now.consent is Consent.STOP:
        return True
    if now.consent is Consent.READBACK:
        pending = reading.extra.get("to") if reading.value == "correct" else turn.conversation.pending_answer
        return pending == "no" or reading.value == "no"
    return False


def answer(turn: Turn, now: Stage, reading: Reading) -> None:
    if now.consent is not None and reading.confidence < turn.port.consent_min_confidence:
        # A consent answer the model is unsure of is asked again, never guessed.
        repair.not_understood(turn, now)
        return
    if now.name in RECORDS_CONSENT and not turn.verified and not _stops(turn, now, reading):
        if now.consent is Consent.RECHECK and reading.value == "no":
            # "No" to "do you still want to talk with us?" on a call we cannot be sure of: read back, like any stop.
            go(turn, STOP_READBACK, resume=now)
            return
        repair.ring_back(turn, now)
        return
    value = reading.value
    # The recorder says what happened (an outcome key, or None); the stage's `goes` says where that leads.
    outcome = turn.port.record(now.records, turn, value, reading.extra) if now.records else None
    key = value[0] if isinstance(value, list) and len(value) == 1 else value
    target = now.goes.get(outcome or str(key)) or now.goes.get("*")
    if target == STAY:
        return
    if target == RESUME_QUIETLY:
        go(turn, resume_stage(turn), asking=False)
        return
    for name in now.then_says:
        turn.say(name)
    if target == RESUME:
        target = resume_stage(turn).name
    if target is None:
        # An answer with nowhere further to go (a yes after everything is done): say the stage again.
        ask(turn)
        return
    go(turn, STAGES[target])
