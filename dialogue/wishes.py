"""A wish heard in the person's own words at any meeting question: to talk with someone who has had care too (an
Expert by Experience), "can someone who's been through it come", "ktoś, kto też miał opiekę".

It is not the answer to the question being asked, so it is never kept as one (a wish typed at "which dates should we
not pick?" is not a date): it is recorded through the port (server.domain.experts adds "lived_experience" to
`support`), the person
hears that it was noted, and the same question is asked again. STOP, distress, asking for a person in so many
words (PERSON, the button), a refusal and another language win over it; a wish said with a "don't want" is not
one. At the question about help it is one of the choices, so an answer that already chose it is read as usual.
"""

from __future__ import annotations

import re

from dialogue.answers import normal
from dialogue.moves import ask
from dialogue.reading import Move, Reading, asks_for_person
from dialogue.stages import FLOW, Stage
from dialogue.turn import Turn

# Moves that always win: the wish waits for another turn. Asking for a person wins when it is said as such (PERSON,
# the button); the model reading "someone who has had care" as a wish for a person now does not.
WINS = (Move.STOP, Move.DISTRESS, Move.REFUSAL, Move.LANGUAGE)

_PERSON = r"(someone|somebody|some one|a person|person|people|anyone|anybody|one of you|expert|experts|peer)"
_HAD_CARE = (
    r"(been through|gone through|went through|go through|(had|has|have|gets|get|getting|receives|receive|uses|use)"
    r" (care|support|carers)|lived experience|same experience|similar experience|experience of care|like me|"
    r"been there|in my shoes|same situation|same boat|care too|what it'?s like)"
)
_PL_PERSON = r"(ktos|kogos|kims|komus|osob\w*|ekspert\w*|czlowiek\w*)"
_PL_HAD_CARE = (
    r"(mial\w* opiek\w*|ma opieke|korzyst\w* z (opieki|pomocy)|dostaje opieke|dostawal\w* opieke|"
    r"byl\w* pod opieka|przeszedl\w*|przeszla|przezyl\w*|doswiadczeni\w*|jak ja|w mojej sytuacji|to samo)"
)
_GAP = r"\b(?:\S+ ){0,6}?"
WISH = re.compile(
    rf"\b{_PERSON} {_GAP}{_HAD_CARE}|\bexperts? by experience\b|\blived experience\b|\bpeer support\b"
    rf"|\b{_PL_PERSON} {_GAP}{_PL_HAD_CARE}|\bekspert\w* (przez|z) doswiadczeni\w*"
)
# The choice at the question about help that is this wish (server.domain.experts.WISH, the same word).
EXPERT = "lived_experience"
# The question about help, where the wish is one of the choices: its answer sets the help wanted, so a wish heard
# at it or before it is kept whatever that answer is (that question itself is asked again after the wish).
SUPPORT = next(stage for stage in FLOW if EXPERT in stage.choices)
NOT_WANTED = re.compile(
    r"\b(don'?t|do not|dont|doesn'?t|no need|not need|not want|rather not|without|nie chce|nie potrzeb\w*|"
    r"nie trzeba|bez)\b"
)


def asks_for_expert(text: str) -> bool:
    """The person asks for someone who has had care too (and does not say they don't want one)."""
    words = normal(text)
    return WISH.search(words) is not None and NOT_WANTED.search(words) is None


def heard(turn: Turn, now: Stage, reading: Reading) -> bool:
    """Record the wish, say it was noted and ask the same question again; False when this turn is not that."""
    if not now.meeting or reading.move in WINS:
        return False
    if reading.move is Move.HUMAN and asks_for_person(turn.text):
        return False
    chosen = reading.value if isinstance(reading.value, list) else []
    if reading.move is Move.ANSWER and EXPERT in chosen:
        # At the question about help it is one of the choices, and already the answer.
        return False
    if not asks_for_expert(turn.text):
        return False
    turn.port.note_wish(now.name, before_support=FLOW.index(now) <= FLOW.index(SUPPORT))
    turn.say("expert_noted")
    ask(turn)
    return True
