"""Reading a message against what the stage just asked: the one place that decides what a person meant.

In this order: what must always win (STOP and the one-word opt-outs, harm or distress, asking for a person); then
a question, "?" or not (dialogue/questions.py): the words of a choice inside a question choose nothing; then the
answer the stage is waiting for (a yes or no read with its negation, "not now", a choice's words, a value that
passes its check: dialogue/values.py); then another move (say that again, skip, thanks); then "not understood".
The model's intent ranking is read only for what the stage accepts, so an intent the stage has no use for never
decides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from dialogue import answers, questions, safety, values
from dialogue.stages import WHO, Consent, Kind, Stage
from easyread.languages import fold, requested

# Single-word opt-outs (Twilio's list) always stop, whatever the model makes of them.
STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"})
# "Talk to a person" in one word, in each language we speak (CZŁOWIEK reads CZLOWIEK once its accent is off).
PERSON_WORDS = frozenset({"PERSON", "HUMAN", "CZLOWIEK"})
# Below this the model's intent is not used at all; a second-ranked intent the stage accepts needs as much.
MIN_CONFIDENCE = 0.3
# An intent that moves the conversation on its own (a question, "say that again") needs this much.
MOVE_CONFIDENCE = 0.5
# Small talk heard only by the model ("thanks", "hello" in other words) must be surer than a move: to words it
# cannot place the model may still give "thanks" half its confidence ("fioletowa małpa": 0.57 in one training),
# and those are not understood, and counted, rather than thanked for.
CHITCHAT_CONFIDENCE = 0.7
# Button payloads: what a click sends, the same on every channel (a text's "1" becomes one too).
PAYLOAD_ANSWERS = {"/affirm": "yes", "/deny": "no", "/unsure": "unsure"}
PAYLOAD_MOVES = {"/continue": "next", "/repeat": "repeat", "/request_human": "human", "/stop": "stop"}
PAYLOAD_WHO = {"/identify_self": "self", "/identify_helper": "helper"}
QUESTION_PREFIX = "ask_"
# A choice's button sends "<field>:<value>", several for several choices ("day:monday day:friday"): what it sends
# is a choice, never a question ("how" starts "how:phone").
CHOICE_PAYLOAD = re.compile(r"(?:[a-z_]+:[a-z0-9_]+\s*)+")


class Move(StrEnum):
    STOP = "stop"  # a one-word opt-out: withdraw or decline at once
    DISTRESS = "distress"  # harm or acute distress: a calm reply and a person at once
    HUMAN = "human"  # asked for a person
    ANSWER = "answer"  # the answer the stage was waiting for (`value`)
    EARLY_YES = "early_yes"  # wants to take part, before being asked
    REFUSAL = "refusal"  # does not want to take part (or not any more): read back before it is recorded
    QUESTION = "question"  # about case tracking (`value` is the topic): answered, then the stage again
    LANGUAGE = "language"  # asked to talk in another language (`value` is its code, or None to choose)
    REPEAT = "repeat"  # "say that again"
    SKIP = "skip"  # skipping a question that cannot be skipped
    CHITCHAT = "chitchat"  # "thanks", "hello", "ok" where nothing is being explained
    NOT_UNDERSTOOD = "not_understood"


@dataclass(frozen=True)
class Understanding:
    """What the model made of typed text: every intent with its confidence, best first."""

    ranking: tuple[tuple[str, float], ...] = ()

    @property
    def top(self) -> tuple[str, float]:
        return self.ranking[0] if self.ranking else ("", 0.0)

    def best(self, accepted: set[str] | frozenset[str], floor: float = MIN_CONFIDENCE) -> tuple[str, float] | None:
        """The intent this stage accepts: the first-ranked, or a confident second one when the first is no move
        of its own (not understood, small talk, out of scope)."""
        for rank, (name, confidence) in enumerate(self.ranking[:2]):
            if name in accepted and confidence >= floor:
                return name, confidence
            if rank == 0 and (name.startswith(QUESTION_PREFIX) or name in MOVING_INTENTS) and confidence >= floor:
                return None
        return None


NO_MODEL = Understanding()
# Intents that are a move of their own: a second-ranked answer never beats them.
MOVING_INTENTS = frozenset({"request_human", "stop", "change_language", "repeat"})


@dataclass(frozen=True)
class Reading:
    move: Move
    value: str | list[str] | None = None
    # How sure the reading is: 1.0 for words and buttons, the model's confidence otherwise.
    confidence: float = 1.0
    extra: dict[str, str] = field(default_factory=dict)


def keyword(text: str) -> str:
    """A one-word message as a keyword: case, accents, spaces and punctuation do not matter."""
    return re.sub(r"[^A-Za-z]", "", fold(text)).upper() if len(text) <= 20 else ""


def is_stop(text: str) -> bool:
    return text.strip() == "/stop" or keyword(text) in STOP_WORDS


def asks_for_person(text: str) -> bool:
    return text.strip() == "/request_human" or keyword(text) in PERSON_WORDS


def read(stage: Stage, text: str, language: str, nlu: Understanding, consented: bool) -> Reading:
    """What the person meant, at this stage; `consented` when their consent is given (a no is then a withdrawal)."""
    words = text.strip()
    if is_stop(words):
        return Reading(Move.STOP)
    if safety.suggests_risk(words):
        return Reading(Move.DISTRESS)
    if asks_for_person(words) or _intent(nlu, "request_human", 0.7):
        return Reading(Move.HUMAN)
    if words.startswith("lang:"):
        return Reading(Move.LANGUAGE, words.removeprefix("lang:"))
    if words in PAYLOAD_MOVES and words != "/continue":
        return Reading(Move(PAYLOAD_MOVES[words]))
    if answers.hesitates(words) and "?" not in words and answers.corrected(words) is None:
        # "No wait", "no hang on": nothing is answered; they hear where they are again, in their own time.
        return Reading(Move.REPEAT)
    if words == "/greet":
        # A call that has just been answered, or a page opened again: hello, then where they were.
        return Reading(Move.CHITCHAT, "greet")
    if _asks(stage, words):
        return _question(words, nlu)
    answer = _answer(stage, words, language, nlu, consented)
    if answer is not None:
        return answer
    return _other(stage, words, nlu, consented)


def _asks(stage: Stage, words: str) -> bool:
    """A question, with or without "?"; where we ask how someone would like to meet, "can you ring me" names
    their choice, and is their answer."""
    if words.startswith("/") or CHOICE_PAYLOAD.fullmatch(words) or not questions.asks(words):
        return False  # a button ("/affirm", "how:phone") is never a question
    if stage.kind is Kind.CHOICE and stage.meeting and questions.requests(words):
        return not answers.choices(words, stage.payload, stage.choices)
    return True


def _question(words: str, nlu: Understanding) -> Reading:
    """A question-shaped message: its topic from the model. Another move the model is sure of (a wish to stop,
    another language, "say that again") is that move; a question it has no topic for is one we cannot answer.
    Without the model (not asked yet, or down) the topic is unknown ("")."""
    name, confidence = nlu.top
    if name == "stop" and confidence >= SURE_QUESTION:
        # Asked as a question ("can you stop texting me"), a wish to stop needs the model to be sure.
        return Reading(Move.REFUSAL, confidence=confidence)
    if name == "change_language" and confidence >= MOVE_CONFIDENCE:
        return Reading(Move.LANGUAGE, requested(words))
    if name == "repeat" and confidence >= MOVE_CONFIDENCE:
        return Reading(Move.REPEAT)
    for intent, score in nlu.ranking[:3]:
        if intent.startswith(QUESTION_PREFIX) and score >= MIN_CONFIDENCE:
            return Reading(Move.QUESTION, intent.removeprefix(QUESTION_PREFIX), score)
    if name in ("greet", "thanks") and confidence >= CHITCHAT_CONFIDENCE:
        return Reading(Move.CHITCHAT, name)  # "how are you": hello back, then the question again
    return Reading(Move.QUESTION, "out_of_scope" if nlu.ranking else "", confidence)


def _answer(stage: Stage, words: str, language: str, nlu: Understanding, consented: bool) -> Reading | None:
    """The answer the stage is waiting for, or an answer to the consent question given before it was asked."""
    if stage.kind in (Kind.TEXT, Kind.CONTACT):
        return _free_text(stage, words, nlu)
    # "No thank you, I'd rather not" is heard from any stage, before or after a yes.
    if answers.refuses(words, polite=stage.kind in (Kind.START, Kind.STEP)) and stage.consent is None:
        return Reading(Move.REFUSAL)
    if stage.kind is Kind.YES_NO:
        return _yes_no(stage, words, language, nlu)
    if stage.kind is Kind.STEP and (words == "/continue" or answers.carries_on(words) or _intent(nlu, "continue")):
        return Reading(Move.ANSWER, "next")
    # "Yes I'd like to take part" before the question: the facts consent needs, then the question. At the
    # explanation a plain yes means that too; elsewhere a plain yes answers what was asked ("is this for you?").
    early_yes = answers.wants_to_take_part(words) or (stage.kind is Kind.STEP and _leading_yes(words, language))
    if early_yes and not consented:
        return Reading(Move.EARLY_YES)
    if stage.kind in (Kind.START, Kind.STEP) and not consented:
        early = _early(words, language, nlu)
        if early is not None:
            return early
    if stage.kind is Kind.CHOICE:
        chosen = _choice(stage, words, language, nlu)
        if chosen is None and not consented and stage is WHO:
            return _early(words, language, nlu)
        return chosen
    return None


def _leading_yes(words: str, language: str) -> bool:
    return words == "/affirm" or answers.leading(words, language) == "yes"


def _early(words: str, language: str, nlu: Understanding) -> Reading | None:
    """A no (or the model's deny) before the consent question is asked: a refusal, read back at once."""
    said = PAYLOAD_ANSWERS.get(words) or answers.leading(words, language)
    if said == "no" and _pauses(words, nlu):
        return None
    if said == "no" or (said is None and _intent(nlu, "deny", 0.6)):
        return Reading(Move.REFUSAL)
    return None


def _pauses(words: str, nlu: Understanding) -> bool:
    """A leading "no" that is not the answer: "no wait", or a question after it ("no, why her?") that the model
    reads as a question (or has not read yet: then it must). The question is answered first, and the person can
    still say no afterwards."""
    if answers.hesitates(words):
        return True
    rest = re.sub(r"^\W*\w+[\s,.!-]*", "", words)
    if questions.asks(rest) and rest.strip() and not answers.refuses(words):
        return True  # "no why me": the question is answered first
    name, confidence = nlu.top
    return "?" in words and (not nlu.ranking or (name.startswith(QUESTION_PREFIX) and confidence >= MOVE_CONFIDENCE))


def _yes_no(stage: Stage, words: str, language: str, nlu: Understanding) -> Reading | None:
    accepted = {"affirm", "deny"} | ({"unsure"} if "unsure" in stage.goes else set())
    if words in PAYLOAD_ANSWERS and PAYLOAD_ANSWERS[words] in {"yes", "no"} | ({"unsure"} & set(stage.goes)):
        return Reading(Move.ANSWER, PAYLOAD_ANSWERS[words])
    correction = answers.corrected(words)
    if correction is not None and stage.consent is Consent.READBACK:
        # "No wait, I meant no" at "You said YES. Is that right?": the answer is now the one they corrected to.
        return Reading(Move.ANSWER, "correct", extra={"to": correction})
    if stage.consent is Consent.READBACK and answers.refuses(words):
        return Reading(Move.ANSWER, "correct", extra={"to": "no"})
    if stage.consent is Consent.QUESTION and answers.refuses(words):
        return Reading(Move.ANSWER, "no")
    said = answers.said(words, language)
    if said == "later":
        # "Yes but not now", "maybe later": neither answer. At the question, only "unsure" is noted; at its
        # read-back it is not right as read; elsewhere it is asked again.
        if "unsure" in stage.goes:
            return Reading(Move.ANSWER, "unsure")
        return Reading(Move.ANSWER, "no") if stage.consent is Consent.READBACK else Reading(Move.NOT_UNDERSTOOD)
    if stage.consent is Consent.QUESTION and answers.wants_to_take_part(words):
        # "I'd like to take part": read back like any yes before anything is recorded.
        return Reading(Move.ANSWER, "yes")
    if answers.is_skip(words) and "unsure" in stage.goes:
        return Reading(Move.ANSWER, "unsure")
    if said is not None and not (said == "no" and _pauses(words, nlu)):
        return Reading(Move.ANSWER, said)
    best = nlu.best(accepted)
    if best is None:
        return None
    name, confidence = best
    value = {"affirm": "yes", "deny": "no", "unsure": "unsure"}[name]
    if value == "yes" and answers.negated(words):
        # The model heard a yes in words that say no ("I would never"): never read back as a yes.
        return None
    return Reading(Move.ANSWER, value, confidence=confidence)


def _choice(stage: Stage, words: str, language: str, nlu: Understanding) -> Reading | None:
    if words in PAYLOAD_WHO and (stage.kind is Kind.START or stage is WHO):
        return Reading(Move.ANSWER, [PAYLOAD_WHO[words]])
    if stage.skippable and answers.is_skip(words):
        return Reading(Move.ANSWER, [])
    if stage.empty == "none" and (answers.is_none(words) or answers.leading(words, language) == "no"):
        return Reading(Move.ANSWER, [])
    if stage.empty == "any" and answers.is_any(words):
        return Reading(Move.ANSWER, list(stage.choices))
    found = answers.choices(words, stage.payload, stage.choices) if stage.payload else []
    if not found and stage.payload:
        return _choice_by_intent(stage, words, language, nlu)
    if found:
        return Reading(Move.ANSWER, found if stage.many else found[:1])
    return None


def _choice_by_intent(stage: Stage, words: str, language: str, nlu: Understanding) -> Reading | None:
    """Choices named by intent rather than words ("it's me" is identify_self), and yes meaning the first."""
    by_intent = {intent: value for value, intent in stage.intents.items()}
    best = nlu.best(set(by_intent))
    if best is not None:
        return Reading(Move.ANSWER, [by_intent[best[0]]], confidence=best[1])
    if stage.yes_means and answers.leading(words, language) == "yes":
        return Reading(Move.ANSWER, [stage.yes_means])
    return None


def doubtful(stage: Stage, words: str) -> bool:
    """Free text that may be a question ("why do you need that?") or a request for another language rather
    than the answer, or a value that does not pass its check: only the model can tell what it is instead."""
    if stage.kind is Kind.CONTACT:
        return values.contact(words) is None
    if stage.expects == "name" and values.name(words) is None:
        return True
    return words.strip().endswith("?") or (stage.expects != "language" and requested(words) is not None)


# Where the model's question intent on its own (no "?", no question words) makes free text a question.
SURE_QUESTION = 0.8


def _free_text(stage: Stage, words: str, nlu: Understanding) -> Reading | None:
    """The answer, once it passes its check: a contact is a phone number or an email, a name looks like a name;
    other free text is kept as typed. Never a question ("why do you need that") or asking for another language."""
    if stage.skippable and (answers.is_skip(words) or answers.plain_no(words) or answers.is_none(words)):
        return Reading(Move.ANSWER, None)
    if stage.kind is Kind.CONTACT:
        contact = values.contact(words) or (values.THIS_NUMBER if values.this_number(words) else None)
        return Reading(Move.ANSWER, contact) if contact is not None else None
    name, confidence = nlu.top
    asking = name.startswith(QUESTION_PREFIX) and confidence >= MOVE_CONFIDENCE
    if stage.expects == "name":
        person = values.name(words)
        return Reading(Move.ANSWER, person) if person is not None and not (asking and "?" in words) else None
    dates = stage.expects == "dates" and values.names_a_date(words)
    if asking and (words.endswith("?") or (confidence >= SURE_QUESTION and not dates)):
        return None
    if stage.expects != "language" and requested(words) and name == "change_language":
        return None
    if stage.empty == "none" and answers.is_none(words):
        return Reading(Move.ANSWER, None)
    if stage.expects == "language" and not any(letter.isalpha() for letter in words):
        return None  # "3" (a number not offered, or a slip) names no language
    return Reading(Move.ANSWER, words[:500])


def _other(stage: Stage, words: str, nlu: Understanding, consented: bool) -> Reading:
    """Not the answer: a question, another language, a move of the conversation, or not understood."""
    name, confidence = nlu.top
    if name == "change_language" and confidence >= MOVE_CONFIDENCE:
        return Reading(Move.LANGUAGE, requested(words))
    if name.startswith(QUESTION_PREFIX) and confidence >= MOVE_CONFIDENCE:
        return Reading(Move.QUESTION, name.removeprefix(QUESTION_PREFIX), confidence)
    if name == "stop" and confidence >= MOVE_CONFIDENCE:
        # The model heard a wish to stop in other words: read back before anything is recorded.
        return Reading(Move.REFUSAL, confidence=confidence)
    if answers.is_skip(words):
        return Reading(Move.SKIP)
    if name == "repeat" and confidence >= MOVE_CONFIDENCE:
        return Reading(Move.REPEAT)
    small_talk = name in ("thanks", "greet") and confidence >= CHITCHAT_CONFIDENCE
    if small_talk or (name == "continue" and confidence >= MOVE_CONFIDENCE) or answers.carries_on(words):
        return Reading(Move.CHITCHAT, name or "continue")
    if name == "out_of_scope" and confidence >= MOVE_CONFIDENCE:
        return Reading(Move.QUESTION, "out_of_scope", confidence)
    return Reading(Move.NOT_UNDERSTOOD)


def _intent(nlu: Understanding, name: str, floor: float = MOVE_CONFIDENCE) -> bool:
    top, confidence = nlu.top
    return top == name and confidence >= floor
