"""Checks on the English NLU data: coverage of every domain intent, no clashes, a clean held-out set."""

import re
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DOMAIN = ROOT / "bot" / "domain.yml"
TRAINING_DIR = ROOT / "data" / "nlu" / "en"
HELDOUT = ROOT / "tests" / "nlu" / "heldout_en.yml"


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


TRAINING = load_examples(*sorted(TRAINING_DIR.glob("*.yml")))
HELD = load_examples(HELDOUT)


def test_every_intent_has_enough_examples() -> None:
    for intent in domain_intents():
        assert len(TRAINING[intent]) >= 20, f"{intent}: {len(TRAINING[intent])} training examples"
        assert len(HELD[intent]) >= 8, f"{intent}: {len(HELD[intent])} held-out examples"


def test_no_training_example_under_two_intents() -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for intent, texts in TRAINING.items():
        for text in texts:
            owners[normalise(text)].add(intent)
    clashes = {text: sorted(intents) for text, intents in owners.items() if len(intents) > 1}
    assert not clashes, clashes


def test_no_duplicates_within_an_intent() -> None:
    for intent, texts in {**TRAINING, **{f"heldout:{k}": v for k, v in HELD.items()}}.items():
        normalised = [normalise(text) for text in texts]
        repeated = sorted({text for text in normalised if normalised.count(text) > 1})
        assert not repeated, f"{intent} repeats {repeated}"


def test_heldout_never_appears_in_training() -> None:
    seen = {normalise(text) for texts in TRAINING.values() for text in texts}
    leaked = [text for texts in HELD.values() for text in texts if normalise(text) in seen]
    assert not leaked, leaked
