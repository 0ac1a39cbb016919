"""Intent accuracy and macro F1 on the held-out utterances of each language (tests/nlu/heldout_<lang>.yml),
which are never trained on. One model serves every language, so each is measured on its own: a language the
model serves badly must not hide behind a good average.

A reply the model is unsure of (nlu_fallback) counts as wrong: the bot would ask again rather than act.

The bot reads each reply against what it has just asked, so accuracy is also given per "stage kind": the kind of
answer a stage expects (a yes or no, who is replying, a question of their own, or a conversation move).

Then reading in context (tools/in_context.py): held-out (stage, message, expected reading) triples, read as the
server reads them, per stage kind: read right, asked again, read the opposite way, stored when it should not be.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from easyread.languages import available
from tools import in_context
from tools.model import ROOT

HELDOUT_DIR = ROOT / "tests" / "nlu"
HELDOUT = HELDOUT_DIR / "heldout_en.yml"


# The kinds of reply a stage expects, by intent. Every ask_* intent is a question of the person's own.
STAGE_KINDS: dict[str, tuple[str, ...]] = {
    "yes_no": ("affirm", "deny", "unsure"),
    "who": ("identify_self", "identify_helper"),
    "move": (
        "continue",
        "repeat",
        "thanks",
        "greet",
        "request_human",
        "stop",
        "change_language",
        "out_of_scope",
    ),
}
KIND_ORDER = ("yes_no", "who", "question", "move", "other")


def stage_kind(intent: str) -> str:
    """The stage kind an intent belongs to: yes_no, who, question (every ask_*), move, or other."""
    if intent.startswith("ask_"):
        return "question"
    for kind, intents in STAGE_KINDS.items():
        if intent in intents:
            return kind
    return "other"


def heldout_path(language: str) -> Path:
    return HELDOUT_DIR / f"heldout_{language}.yml"


@dataclass
class Report:
    total: int
    correct: int
    macro_f1: float
    per_intent_f1: dict[str, float]
    fallbacks: int
    mistakes: list[tuple[str, str, str]] = field(default_factory=list)
    language: str = "en"
    # Stage kind -> (correct, total) over the held-out utterances whose true intent is of that kind.
    per_kind: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    @property
    def per_kind_accuracy(self) -> dict[str, float]:
        return {kind: correct / total if total else 0.0 for kind, (correct, total) in self.per_kind.items()}

    def summary(self) -> str:
        return (
            f"[{self.language}] held-out utterances: {self.total}, intent accuracy: {self.accuracy:.3f}, "
            f"macro F1: {self.macro_f1:.3f}, unsure (asked again): {self.fallbacks}"
        )


def heldout(path: Path = HELDOUT) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text())
    pairs = []
    for block in data["nlu"]:
        for line in block["examples"].splitlines():
            text = re.sub(r"^\s*-\s*", "", line).strip()
            if text:
                pairs.append((text, block["intent"]))
    return pairs


def evaluate(rasa_url: str, token: str, language: str = "en") -> Report:
    pairs = heldout(heldout_path(language))
    predicted: list[str] = []
    with httpx.Client(base_url=rasa_url, timeout=30) as client:
        for text, _ in pairs:
            response = client.post(f"/model/parse?token={token}", json={"text": text})
            response.raise_for_status()
            predicted.append(response.json()["intent"]["name"])
    gold = [intent for _, intent in pairs]
    labels = sorted(set(gold))
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    mistakes = []
    kind_total: Counter[str] = Counter()
    kind_correct: Counter[str] = Counter()
    for (text, truth), guess in zip(pairs, predicted, strict=True):
        kind_total[stage_kind(truth)] += 1
        if truth == guess:
            tp[truth] += 1
            kind_correct[stage_kind(truth)] += 1
        else:
            fn[truth] += 1
            fp[guess] += 1
            mistakes.append((text, truth, guess))
    f1 = {}
    for label in labels:
        precision = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        recall = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        f1[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Report(
        total=len(pairs),
        correct=sum(tp.values()),
        macro_f1=sum(f1.values()) / len(labels),
        per_intent_f1=f1,
        fallbacks=predicted.count("nlu_fallback"),
        mistakes=mistakes,
        language=language,
        per_kind={kind: (kind_correct[kind], kind_total[kind]) for kind in KIND_ORDER if kind_total[kind]},
    )


def print_report(report: Report) -> None:
    print(report.summary())
    for label, score in sorted(report.per_intent_f1.items(), key=lambda kv: kv[1]):
        print(f"  {label:22} F1 {score:.2f}")
    for text, truth, guess in report.mistakes[:15]:
        print(f"  missed: {text!r}: {truth} -> {guess}")
    for kind, (correct, total) in report.per_kind.items():
        print(f"  stage kind {kind:10} accuracy {correct / total:.3f} ({correct}/{total})")


def main() -> None:
    from tools import stack
    from tools.model import ensure_model

    model = ensure_model(quiet=True)
    logs = ROOT / "var" / "logs" / "evaluate"
    running = stack.start(model, {"DATABASE_URL": f"sqlite:///{logs / 'evaluate.db'}"}, logs)
    try:
        for language in available():
            print_report(evaluate(running.rasa_url, running.rasa_token, language))
        # The same model, read in context: what the bot would do with each reply at the stage it answers.
        in_context.run(running.rasa_url, running.rasa_token, tuple(available()))
    finally:
        running.stop()


if __name__ == "__main__":
    main()
