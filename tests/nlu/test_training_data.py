"""Checks on the NLU data of every language: coverage of every domain intent, no clashes, a clean held-out set.

One model learns every language at once (the intents are the same in each), so clashes and leaks are checked
across all of them together.
"""

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from easyread.languages import available, fold

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "bot" / "domain.yml"
NLU_DIR = ROOT / "data" / "nlu"
HELDOUT_DIR = ROOT / "tests" / "nlu"


def normalise(text: str) -> str:
    """Lower case, punctuation stripped, whitespace collapsed."""
    return " ".join(re.sub(r"[^\w\s]", "", text.lower()).split())


def load_examples(*paths: Path) -> dict[str, list[str]]:
    """Map each intent to its examples, in file order, across the given NLU files."""
    examples: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in block["examples"].splitlines():
                if line.strip().startswith("- "):
                    examples[block["intent"]].append(line.strip()[2:].strip())
    return examples


def domain_intents() -> list[str]:
    return list(yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["intents"])


TRAINING = {lang: load_examples(*sorted((NLU_DIR / lang).glob("*.yml"))) for lang in available()}
HELD = {lang: load_examples(HELDOUT_DIR / f"heldout_{lang}.yml") for lang in available()}
ALL_TRAINING: dict[str, list[str]] = defaultdict(list)
for _examples in TRAINING.values():
    for _intent, _texts in _examples.items():
        ALL_TRAINING[_intent] += _texts


def test_every_language_has_training_and_heldout_data() -> None:
    assert sorted(p.name for p in NLU_DIR.iterdir() if p.is_dir()) == sorted(available())


@pytest.mark.parametrize("language", available())
def test_every_intent_has_enough_examples(language: str) -> None:
    for intent in domain_intents():
        assert len(TRAINING[language][intent]) >= 20, f"{language} {intent}: {len(TRAINING[language][intent])}"
        assert len(HELD[language][intent]) >= 8, f"{language} {intent}: {len(HELD[language][intent])} held out"


@pytest.mark.parametrize("language", available())
def test_no_intent_outside_the_domain(language: str) -> None:
    assert set(TRAINING[language]) <= set(domain_intents())
    assert set(HELD[language]) <= set(domain_intents())


def test_no_training_example_under_two_intents() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for intent, texts in ALL_TRAINING.items():
        for text in texts:
            owners[normalise(text)].add(intent)
    clashes = {text: sorted(intents) for text, intents in owners.items() if len(intents) > 1}
    assert not clashes, clashes


def test_no_duplicates_within_an_intent() -> None:
    held = {f"heldout {lang}:{k}": v for lang, examples in HELD.items() for k, v in examples.items()}
    for intent, texts in {**ALL_TRAINING, **held}.items():
        normalised = [normalise(text) for text in texts]
        repeated = sorted({text for text in normalised if normalised.count(text) > 1})
        assert not repeated, f"{intent} repeats {repeated}"


def test_heldout_never_appears_in_training() -> None:
    seen = {normalise(text) for texts in ALL_TRAINING.values() for text in texts}
    leaked = [
        text for examples in HELD.values() for texts in examples.values() for text in texts if normalise(text) in seen
    ]
    assert not leaked, leaked


def near(text: str) -> tuple[str, ...]:
    """The same words whatever their order, case, punctuation or accents: "Dziękuję bardzo" is "bardzo dziekuje"."""
    return tuple(sorted(normalise(fold(text)).split()))


def test_heldout_has_no_near_copy_in_training() -> None:
    seen = {near(text) for texts in ALL_TRAINING.values() for text in texts}
    copied = [text for examples in HELD.values() for texts in examples.values() for text in texts if near(text) in seen]
    assert not copied, copied


def test_polish_data_is_typed_both_ways() -> None:
    """People on basic phones often leave out Polish letters: the data must have both kinds."""
    texts = [text for texts in TRAINING["pl"].values() for text in texts]
    with_marks = [t for t in texts if re.search("[ąćęłńóśźż]", t.lower())]
    assert len(with_marks) > len(texts) / 4
    assert len(texts) - len(with_marks) > len(texts) / 4
