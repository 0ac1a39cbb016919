"""Going off the happy path, each case in one place for every stage (after Rasa CALM's repair patterns).

- stop: a one-word opt-out withdraws (or declines) at once, from any stage.
- distress: a calm reply and an urgent hand-off to a person.
- human: a person is asked for; the team is told, and the person can carry on.
- early answer: a no before the question is read back at once; a yes gets the facts consent needs, then the question.
- refusal after a yes: a wish to stop in other words is read back, and recorded only when confirmed.
- correction ("no wait, I meant no") is read at the read-back stage itself (reading.py, actions/consent.py).
- digression: a question ("?" or not: dialogue/questions.py) is answered, then the stage is asked again.
- language: talking in another language from now on, then the stage again in it.
- skip: a question that cannot be skipped says so; skippable ones take "skip" as their answer.
- repeat: the stage is asked again.
- chitchat: "thanks", "hello", "ok" are answered briefly, then the stage again.
- cannot handle: sorry once; sorry in other words with the choices; then a person. Never the same words 3 times.
- internal error: dialogue/run.py says sorry, keeps the message and changes nothing.
- not sure who is calling: on a call we did not place, a consent answer waits for a call back to the number on file.
"""

from __future__ import annotations

from dialogue.moves import ask, go
from dialogue.reading import Move, Reading
from dialogue.stages import CONSENT_QUESTION, CONSENT_READBACK, RING_BACK, STOP_READBACK, STOPPED, Kind, Stage
from dialogue.turn import Turn
from easyread.dates import spoken_date
from easyread.languages import available
from easyread.render import QUESTIONS


def handle(turn: Turn, now: Stage, reading: Reading, consented: bool) -> None:
    move = reading.move
    if move is Move.STOP:
        state = turn.port.stop_now(turn)
        turn.say("stop_withdrawn" if state == "withdrawn" else "stop_declined")
        go(turn, STOPPED, asking=False)
    elif move is Move.DISTRESS:
        turn.port.hand_off("distress", urgent=True)
        turn.say("safety")
    elif move is Move.HUMAN:
        turn.port.hand_off("asked")
        turn.say("handoff")
        ask(turn, after_question=True)
    elif move is Move.EARLY_YES:
        turn.say("consent_facts")
        go(turn, CONSENT_QUESTION)
    elif move is Move.REFUSAL:
        refusal(turn, now, consented)
    elif move is Move.QUESTION and reading.value == "out_of_scope":
        # Something we cannot help with counts as not understood: said differently the second time, then a person.
        not_understood(turn, now, first="out_of_scope")
    elif move is Move.QUESTION:
        question(turn, str(reading.value))
    elif move is Move.LANGUAGE:
        language(turn, reading.value if isinstance(reading.value, str) else None)
    elif move is Move.REPEAT:
        ask(turn)
    elif move is Move.SKIP:
        turn.say("cannot_skip")
        ask(turn)
    elif move is Move.CHITCHAT:
        chitchat(turn, now, str(reading.value))
    else:
        not_understood(turn, now)


def refusal(turn: Turn, now: Stage, consented: bool) -> None:
    """ "I don't want to take part": heard from any stage, and always read back before it is recorded."""
    state = turn.port.consent_state()
    if state in ("declined", "withdrawn"):
        turn.say("stop_declined" if state == "declined" else "stop_withdrawn")
        go(turn, STOPPED, asking=False)
    elif consented:
        go(turn, STOP_READBACK, resume=now if now is not STOP_READBACK else None)
    else:
        turn.conversation.pending_answer = "no"
        go(turn, CONSENT_READBACK)


def ring_back(turn: Turn, now: Stage) -> None:
    """A consent answer on a call we did not place: offer to ring the number on file and take it on that call."""
    go(turn, RING_BACK, resume=now)


def question(turn: Turn, topic: str) -> None:
    if topic == "contact_when":
        turn.say("answer_contact_when", by=spoken_date(turn.port.contact_by(), turn.language))
    elif topic == "is_real":
        turn.say("answer_is_real", helpline=turn.port.helpline)
    elif topic == "how_long":
        turn.say("answer_how_long", minutes=turn.port.talk_minutes)
    elif topic in QUESTIONS:
        turn.say(f"answer_{topic}")
    else:
        turn.say("out_of_scope")
    ask(turn, after_question=True)


def language(turn: Turn, code: str | None) -> None:
    if code is None or code not in available():
        # "Another language please": offer the ones we speak; other languages need an interpreter and a person.
        turn.say("choose_language")
        return
    turn.port.set_language(code)
    turn.say("language_changed")
    ask(turn)


def chitchat(turn: Turn, now: Stage, said: str) -> None:
    if now.ended:
        turn.say("thanks" if said == "thanks" else "welcome_back")
        return
    if said == "thanks":
        turn.say("you_are_welcome")
    elif said == "greet":
        turn.say("welcome_back")
    ask(turn)


def not_understood(turn: Turn, now: Stage, first: str = "not_understood") -> None:
    """Sorry once; sorry in other words, with what they can say; the third time a person takes over."""
    turn.understood = False
    times = turn.port.note_understood(False)
    if times >= 3:
        turn.port.hand_off("not_understood")
        turn.port.note_understood(True)
        turn.say("not_understood_twice")
        return
    if times == 2:
        turn.say("not_understood_again")
        turn.say(_hint(now))
    else:
        turn.say(first)
    ask(turn)


def _hint(now: Stage) -> str:
    """What this kind of question takes, said another way the second time."""
    if now.kind is Kind.YES_NO:
        return "hint_yes_no"
    if now.kind is Kind.STEP:
        return "hint_step"
    if now.skippable:
        return "hint_skip"
    return "hint_choice"
