"""Reading measured in context: held-out (stage, message, expected reading) triples (tests/nlu/in_context_<lang>.yml),
read exactly as the server reads them: first without the model, then with its intent ranking when the words need it.

Per stage kind and language: the share read right; asked again (not understood, "say that again", a question we
cannot answer, or a question where an answer was expected: nothing kept, the stage asked again); read the opposite
way (a yes read as a no, or a no or "not now" read as a yes); and stored when it should not have been (a value, a
choice or a yes/no answer kept from a question, a non-value or "not now").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import yaml

from dialogue import answers
from dialogue.reading import NO_MODEL, Move, Reading, Understanding, doubtful, read
from dialogue.stages import DONE, FLOW, STAGES, Consent, Kind, Stage
from easyread.render import QUESTIONS
from tools.model import ROOT

TRIPLES_DIR = ROOT / "tests" / "nlu"
# Stages reached only once consent is given (the meeting questions, the check before the meeting, done): a no
# there is a withdrawal, read back first.
CONSENTED = frozenset(s.name for s in FLOW if s.meeting or s.consent is Consent.RECHECK or s is DONE)
# Read without the model, these are all they can be (as dialogue/run.py's SURE_MOVES).
SURE = (Move.STOP, Move.DISTRESS, Move.HUMAN, Move.LANGUAGE, Move.EARLY_YES, Move.REFUSAL, Move.SKIP, Move.REPEAT)
# Every kind of question a person can answer (none is asked at the end).
KINDS = tuple(kind.value for kind in Kind if kind is not Kind.END)
# An explicit negation, told apart here without the reader's own word lists: "not", "never", "no way", "wcale nie".
EXPLICIT_NEGATION = re.compile(r"\b(?:not|never|no way|nie|nigdy)\b|n't\b|\bi dont\b")

Parse = Callable[[str], Understanding]


@dataclass(frozen=True)
class Triple:
    stage: str
    text: str
    expect: str


@dataclass
class Tally:
    total: int = 0
    right: int = 0
    asked_again: int = 0
    opposite: int = 0
    stored_wrongly: int = 0
    negation_as_yes: int = 0
    mistakes: list[tuple[str, str, str, str]] = field(default_factory=list)

    def line(self, name: str) -> str:
        def share(n: int) -> str:
            return f"{n / self.total:6.1%}" if self.total else "   -  "

        return (
            f"  {name:8} {self.total:4d}  right {share(self.right)}  asked again {share(self.asked_again)}  "
            f"opposite {share(self.opposite)}  stored wrongly {share(self.stored_wrongly)}"
        )


def triples(language: str) -> list[Triple]:
    path = TRIPLES_DIR / f"in_context_{language}.yml"
    # YAML reads a bare yes or no as true or false.
    expect = {True: "yes", False: "no"}
    blocks = yaml.safe_load(path.read_text())
    return [
        Triple(b["stage"], expect.get(t, str(t)), expect.get(b["expect"], str(b["expect"])))
        for b in blocks
        for t in b["texts"]
    ]


def needs_model(stage: Stage, text: str, language: str, consented: bool) -> bool:
    """As dialogue.run.needs_model decides, for a conversation at this stage (no button, no invite code)."""
    if stage.kind is Kind.START and len(text.split()) <= 2 and "?" not in text:
        return False
    reading = read(stage, text, language, NO_MODEL, consented)
    if reading.move in SURE:
        return False
    if reading.move is not Move.ANSWER:
        return True
    return stage.kind in (Kind.TEXT, Kind.CONTACT) and doubtful(stage, text)


def reading_of(triple: Triple, language: str, parse: Parse) -> Reading:
    stage = STAGES[triple.stage]
    consented = triple.stage in CONSENTED
    nlu = parse(answers.after_pause(triple.text)) if needs_model(stage, triple.text, language, consented) else NO_MODEL
    return read(stage, triple.text, language, nlu, consented)


def outcome(reading: Reading) -> str:
    """What the person would see happen: yes, no, unsure, next, question, skip, stored:<value>, or asked_again."""
    move, value = reading.move, reading.value
    if move is Move.EARLY_YES:
        return "yes"
    if move is Move.REFUSAL:
        return "no"
    if move is Move.QUESTION:
        return "question" if value in QUESTIONS else "asked_again"
    if move is not Move.ANSWER:
        return "asked_again"
    if value == "correct":
        return str(reading.extra.get("to", "no"))
    if value in ("yes", "no", "unsure", "next"):
        return str(value)
    if not value:
        return "skip"
    return "stored:" + ("|".join(value) if isinstance(value, list) else str(value))


def right(expect: str, got: str) -> bool:
    if expect == "value":
        return got.startswith("stored:")
    if expect.startswith("value="):
        return got == "stored:" + expect.removeprefix("value=")
    if expect.startswith("choice:"):
        return got.startswith("stored:") and expect.removeprefix("choice:") in got.removeprefix("stored:").split("|")
    if expect == "not_stored":
        return got in ("asked_again", "question", "skip")
    return got == expect


def stored(got: str) -> bool:
    return got.startswith("stored:") or got in ("yes", "no")


def evaluate(language: str, parse: Parse) -> dict[str, Tally]:
    tallies: dict[str, Tally] = {kind: Tally() for kind in (*KINDS, "all")}
    for triple in triples(language):
        if triple.stage not in STAGES:
            continue  # a stage this version of the dialogue does not have (measuring an older one)
        got = outcome(reading_of(triple, language, parse))
        kind = STAGES[triple.stage].kind.value
        for tally in (tallies[kind], tallies["all"]):
            tally.total += 1
            if right(triple.expect, got):
                tally.right += 1
                continue
            tally.mistakes.append((triple.stage, triple.text, triple.expect, got))
            if got in ("asked_again", "question"):
                tally.asked_again += 1
            if (triple.expect, got) in (("yes", "no"), ("no", "yes"), ("unsure", "yes")):
                tally.opposite += 1
            if triple.expect == "no" and got == "yes" and EXPLICIT_NEGATION.search(answers.normal(triple.text)):
                tally.negation_as_yes += 1
            if triple.expect in ("question", "not_stored", "unsure", "skip", "next") and stored(got):
                tally.stored_wrongly += 1
            elif triple.expect.startswith(("value", "choice:")) and got.startswith("stored:"):
                tally.stored_wrongly += 1  # a different value kept
    return {kind: tally for kind, tally in tallies.items() if tally.total}


def print_report(language: str, tallies: dict[str, Tally], mistakes: int = 200) -> None:
    print(f"[{language}] in context: (stage, message, expected reading) triples, per stage kind")
    for kind, tally in tallies.items():
        print(tally.line(kind))
    print(f"  explicit negations read as yes: {tallies['all'].negation_as_yes}")
    for stage, text, expect, got in tallies["all"].mistakes[:mistakes]:
        print(f"  missed at {stage}: {text!r}: expected {expect}, read {got}")


def rasa_parser(client: object, token: str) -> Parse:
    import httpx

    assert isinstance(client, httpx.Client)

    def parse(text: str) -> Understanding:
        response = client.post(f"/model/parse?token={token}", json={"text": text})
        response.raise_for_status()
        ranking = response.json().get("intent_ranking") or []
        return Understanding(tuple((str(i["name"]), float(i["confidence"])) for i in ranking))

    return parse


def run(rasa_url: str, token: str, languages: tuple[str, ...]) -> None:
    import httpx

    with httpx.Client(base_url=rasa_url, timeout=30) as client:
        parse = rasa_parser(client, token)
        for language in languages:
            print_report(language, evaluate(language, parse))


def main() -> None:
    """Against a Rasa already running: python -m tools.in_context URL TOKEN."""
    import sys

    run(sys.argv[1], sys.argv[2], ("en", "pl"))


if __name__ == "__main__":
    main()
