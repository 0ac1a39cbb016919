"""The languages we speak, and what the code needs to know about each one.

A language is there when it has ``easyread/locale.<lang>.yml`` (its voice, its speech-recognition language, its
clock, the words that ask for it), its words in ``easyread/content/*.<lang>.yml`` and its checker data in
``easyread/avoid_words.<lang>.yml``. Nothing else in the code names a language, so adding one is adding files
(README: "Adding a language").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT = "en"
# Letters that do not lose their accent by Unicode decomposition.
_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "đ": "d", "Đ": "D"})


@dataclass(frozen=True)
class Locale:
    code: str
    voice: str
    speech: str
    clock: int
    cldr: str
    asked_by: tuple[str, ...]


def fold(text: str) -> str:
    """Lower case, accents off ("Po POLSKU", "po polsku" and "pó połsku" all read "po polsku")."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@cache
def available() -> tuple[str, ...]:
    """Every language we speak, English first."""
    codes = sorted(p.name.split(".")[1] for p in PACKAGE_DIR.glob("locale.*.yml"))
    return tuple(sorted(codes, key=lambda code: code != DEFAULT))


@cache
def locale(code: str) -> Locale:
    data = yaml.safe_load((PACKAGE_DIR / f"locale.{code}.yml").read_text(encoding="utf-8"))
    return Locale(
        code=code,
        voice=str(data["voice"]),
        speech=str(data["speech"]),
        clock=int(data.get("clock", 12)),
        cldr=str(data.get("cldr", code)),
        asked_by=tuple(fold(str(word)) for word in data.get("asked_by", [])),
    )


def requested(text: str) -> str | None:
    """The language a message names ("can we speak Polish", "po angielsku prosze"), or None.

    Only the first one named counts, so "Polish not English" and "po polsku, nie po angielsku" mean Polish.
    """
    words = re.findall(r"[a-z]+", fold(text))
    for word in words:
        for code in available():
            if word in locale(code).asked_by:
                return code
    return None


CONTENT_DIR = PACKAGE_DIR / "content"
REVIEW_KEY = "_review"


def needs_review(language: str, content_dir: Path = CONTENT_DIR) -> dict[str, str]:
    """{"namespace.key": text} of the content a qualified translator has not yet checked.

    A content file marks it with a top-level ``_review`` beside the language: ``all`` for the whole file, or a
    list of its keys. python-i18n reads only the language's own root key, so the mark is never shown.
    """
    found: dict[str, str] = {}
    for path in sorted(content_dir.glob(f"*.{language}.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        marked = data.get(REVIEW_KEY)
        if not marked:
            continue
        namespace = path.name.split(".")[0]
        messages = data.get(language) or {}
        keys = list(messages) if marked == "all" else [str(k) for k in marked]
        for key in keys:
            if key not in messages:
                raise ValueError(f"{path.name}: {REVIEW_KEY} lists {key!r}, which the file does not have")
            found[f"{namespace}.{key}"] = str(messages[key])
    return found
