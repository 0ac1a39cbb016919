"""Runs one turn of the dialogue for a stored message, and renders what it says: the package's way in.

The model is asked only when the words need it (see `needs_model`): buttons, numbers, STOP, harm and typed
answers to questions with fixed choices are read without it, so they work even when Rasa is down. What the
dialogue needs from the world comes through its port (dialogue/port.py), which the use case hands in.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from dialogue import answers, engine
from dialogue.port import Port
from dialogue.reading import NO_MODEL, Move, Reading, Understanding, asks_for_person, doubtful, is_stop, read
from dialogue.stages import Kind, stage
from dialogue.turn import Turn
from easyread.render import Rendered, render

log = logging.getLogger(__name__)
# A response's argument naming the language to render it in, when it is not the one the message came in.
LANGUAGE_ARG = "language"
# Whole replies that are plainly a yes, a no or "carry on", in any language we speak.
SURE_WORDS = frozenset(
    (*answers.NEXT_WORDS, *(w for ws in answers.YES_WORDS.values() for w in ws), *answers.NO_WORDS["pl"])
) | frozenset(answers.NO_WORDS["en"])
# Read without the model, these are all they can be.
SURE_MOVES = (Move.STOP, Move.DISTRESS, Move.HUMAN, Move.LANGUAGE, Move.EARLY_YES, Move.REFUSAL, Move.SKIP, Move.REPEAT)


def sorry() -> list[dict[str, object]]:
    """What the person is told when the dialogue failed (see Failed)."""
    return [{"response": "utter_error_try_again"}]


class Failed(Exception):
    """The dialogue met an error of ours. Whoever runs the turn undoes all of it (nothing the dialogue did is kept)
    and answers the message with `sorry()`: the message is kept, and nothing is recorded against it."""


def needs_model(port: Port | None, text: str) -> bool:
    """Whether the words need the language model: not for a button, a number, STOP, or a typed answer that
    names one of the stage's choices; free text needs it only to tell a question from an answer. No port: the
    conversation belongs to no case yet."""
    return _without_model(port, text)[0]


def _without_model(port: Port | None, text: str) -> tuple[bool, tuple[Reading, bool] | None]:
    """Whether the words need the model, and the reading made without it (with whether consent is given) when one
    was made: the turn then goes on from it rather than reading the words again."""
    if port is None:
        return False, None
    if text.startswith("/") or port.is_own_code(text):
        return False, None  # a button, or the code that opened the conversation
    conversation = port.conversation
    here = stage(conversation.stage)
    if here.kind is Kind.START and len(text.split()) <= 2 and "?" not in text:
        return False, None  # "hi", "hello there": the greeting needs no model
    consented = port.consent_state() == "given"
    reading = read(here, text, conversation.language, NO_MODEL, consented)
    if reading.move in SURE_MOVES:
        needed = False
    elif reading.move is not Move.ANSWER:
        needed = True
    else:
        needed = here.kind in (Kind.TEXT, Kind.CONTACT) and doubtful(here, text)
    return needed, (reading, consented)


def may_need_model(text: str, looks_like_code: Callable[[str], bool]) -> bool:
    """Whether typed words might need the model, judged from the words alone, before the conversation is read:
        `needs_model` decides; this only lets the model start early. Not a button, a number, a code, an opt-out or
        asking for a person, or a lone yes, no or "ok". `looks_like_code`: whether words have an invitation code's shape
    (the domain's to say)."""
    words = text.strip()
    if not words or words.startswith("/") or words.isdigit() or looks_like_code(words):
        return False
    if is_stop(words) or asks_for_person(words):
        return False
    return answers.normal(words) not in SURE_WORDS


def model_words(text: str) -> str:
    """What the model is asked to read: the words after a leading "no wait", which would pull it towards a no."""
    return answers.after_pause(text)


def answer(port: Port | None, text: str, nlu: Understanding, verified: bool = True) -> list[dict[str, object]]:
    """The responses (names and arguments) for one message; no port: the conversation belongs to no case yet, and
    the code is asked for. `verified`: whether we know who is on the line (see dialogue.turn.Turn)."""
    return _answer(port, text, nlu, verified)


def answer_unless_model(port: Port | None, text: str, verified: bool = True) -> list[dict[str, object]] | None:
    """The responses for a message the model has not read, or None when it must: the words are read once, and the
    turn goes on from that reading."""
    needed, seen = _without_model(port, text)
    return None if needed else _answer(port, text, NO_MODEL, verified, seen)


def _answer(
    port: Port | None, text: str, nlu: Understanding, verified: bool, seen: tuple[Reading, bool] | None = None
) -> list[dict[str, object]]:
    if port is None:
        return [{"response": "utter_ask_code"}]
    turn = Turn(port, text, verified=verified)
    conversation = port.conversation
    language, stage = conversation.language, conversation.stage
    try:
        engine.take(turn, nlu, seen)
    except Exception as exc:  # an error of ours must not lose the message or leave the person without a reply
        # (The stage as it was: after a failed write the conversation's attributes cannot be read.)
        log.error("dialogue failed", extra={"error": type(exc).__name__, "stage": stage})
        raise Failed() from exc
    if conversation.language != language:
        # The person switched language this turn: every response is said in the new one.
        return [{**response, LANGUAGE_ARG: conversation.language} for response in turn.responses]
    return turn.responses


def rings_back(responses: list[dict[str, object]]) -> bool:
    """Whether the turn ended with the person asking to be rung back on the number on file."""
    return any(response.get("rings_back") for response in responses)


def rendered(responses: list[dict[str, object]], language: str, channel: str) -> list[Rendered]:
    out = []
    for response in responses:
        args = {k: v for k, v in response.items() if k not in ("response", LANGUAGE_ARG, "rings_back")}
        message = render(str(response["response"]), str(response.get(LANGUAGE_ARG) or language), channel, args)
        if message is not None:
            out.append(message)
    return out
