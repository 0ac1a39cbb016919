"""Bot messages as text messages (SMS), and what a text costs.

A text has no buttons, so each choice becomes a numbered line ("Reply 1 for Yes.") and `to_sms` returns the
numbers with their payloads; `choice_for` turns a later reply of "1" back into that payload.

A text is sent in segments. If every character is in the GSM 03.38 alphabet (GSM-7) one segment holds 160
septets, or 153 each when the text is split; the extension characters [ ] { } ~ ^ \\ | and the euro sign take
2 septets. One other character (a curly quote, an emoji) makes the whole text UCS-2: 70 UTF-16 code units, or
67 each when split. `plain` swaps the usual stray typographic characters for their GSM-7 equivalents.

The words are in easyread/content/sms.<lang>.yml; this module holds none. It is the words' shape as a text, not
sending: it stays beside the other words (it imports nothing from server/), and server/services/texts.py sends them.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import gsm0338

from easyread.render import Rendered, has
from easyread.render import text as content_text

MAX_SEGMENTS = 3

GSM7 = "GSM-7"
UCS2 = "UCS-2"
# Importing gsm0338 registers this codec name ("gsm03.38"); extension characters encode as ESC + 1 byte.
GSM7_CODEC: str = gsm0338.Codec.NAME
GSM7_SINGLE = 160
GSM7_PART = 153
UCS2_SINGLE = 70
UCS2_PART = 67

# A reply that is only a number: "1", " 2 ", "3." (ASCII digits only).
_NUMBER_REPLY = re.compile(r"\s*([0-9]+)\s*\.?\s*")

# Characters that force UCS-2 but have a GSM-7 equivalent; None drops an invisible one.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",  # left single quote
        "\u2019": "'",  # right single quote, apostrophe
        "\u201a": "'",  # low single quote
        "\u201b": "'",  # reversed single quote
        "\u2032": "'",  # prime
        "\u00b4": "'",  # acute accent
        "\u201c": '"',  # left double quote
        "\u201d": '"',  # right double quote
        "\u201e": '"',  # low double quote
        "\u201f": '"',  # reversed double quote
        "\u2033": '"',  # double prime
        "\u2010": "-",  # hyphen
        "\u2011": "-",  # non-breaking hyphen
        "\u2012": "-",  # figure dash
        "\u2013": "-",  # en dash
        "\u2014": "-",  # em dash
        "\u2015": "-",  # horizontal bar
        "\u2212": "-",  # minus sign
        "\u2026": "...",  # ellipsis
        "\u00a0": " ",  # non-breaking space
        "\u2007": " ",  # figure space
        "\u2009": " ",  # thin space
        "\u202f": " ",  # narrow non-breaking space
        "\t": " ",  # tab
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200c": None,  # zero-width non-joiner
        "\u200d": None,  # zero-width joiner
        "\u2060": None,  # word joiner
        "\ufeff": None,  # byte order mark
        "\ufe0f": None,  # emoji presentation selector
    }
)


# Letters Unicode does not split into a letter and an accent.
_NO_DECOMPOSITION = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D"})


@dataclass(frozen=True)
class Segments:
    """How a text is sent: its encoding, its length in that encoding's units, and how many segments."""

    encoding: str
    units: int
    count: int


def plain(text: str) -> str:
    """The text with curly quotes, long dashes, ellipses and odd spaces made plain, so it stays GSM-7."""
    return text.translate(_PLAIN)


def to_sms(message: Rendered, language: str) -> tuple[str, dict[str, str]]:
    """The text of one bot message with its buttons as numbered lines, and {"1": payload, ...} for the replies."""
    lines = [message.text]
    choices: dict[str, str] = {}
    if message.buttons and has("sms.reply_intro", language):
        # Some languages say "Reply with a number:" once, and keep each choice short ("1 - Tak").
        lines.append(content_text("sms.reply_intro", language))
    for number, button in enumerate(message.buttons, start=1):
        lines.append(content_text("sms.reply_for", language, number=number, choice=button["title"]))
        choices[str(number)] = button["payload"]
    return plain("\n".join(lines)), choices


def without_accents(text: str) -> str:
    """Letters that GSM-7 lacks written without their accents ("zażółć" as "zazolc"), as many Polish texts are."""
    out = []
    for char in text:
        try:
            char.encode(GSM7_CODEC)
            out.append(char)
        except UnicodeEncodeError:
            out.append(fold_letter(char))
    return "".join(out)


def fold_letter(char: str) -> str:
    plain_letter = unicodedata.normalize("NFKD", char.translate(_NO_DECOMPOSITION))
    return "".join(c for c in plain_letter if not unicodedata.combining(c)) or char


def fitted(text: str) -> str:
    """A text as sent: as it is when it fits MAX_SEGMENTS. A longer one (a Polish booking with its calendar link
    is over 201 UCS-2 units) goes with its accents off when that makes it fit better, rather than cost more parts."""
    if segments(text).count <= MAX_SEGMENTS:
        return text
    plainer = without_accents(text)
    return plainer if segments(plainer).count < segments(text).count else text


def as_texts(messages: list[Rendered], language: str) -> tuple[list[str], dict[str, str]]:
    """A turn's messages as few texts as they fit in (each within MAX_SEGMENTS), and the numbered choices offered
    by the last one. A person on a basic phone gets one text for one answer where the words allow it."""
    texts: list[str] = []
    offered: dict[str, str] = {}
    for message in messages:
        body, offered = to_sms(message, language)
        joined = f"{texts[-1]}\n{body}" if texts else body
        if texts and segments(fitted(joined)).count <= MAX_SEGMENTS:
            texts[-1] = joined
        else:
            texts.append(body)
    return [fitted(text) for text in texts], offered


def choice_for(reply: str, choices: Mapping[str, str]) -> str | None:
    """The payload for a reply that is just one of the numbers offered, else None (the words go on as typed)."""
    match = _NUMBER_REPLY.fullmatch(reply)
    if match is None:
        return None
    return choices.get(match.group(1))


@lru_cache(maxsize=4096)
def segments(text: str) -> Segments:
    """The encoding, length and segment count of a text, as a phone network would send it. The same texts are
    measured again and again (every turn's reply, joined and alone), so recent answers are remembered."""
    try:
        units = len(text.encode(GSM7_CODEC))
    except UnicodeEncodeError:
        if (units := len(text.encode("utf-16-le")) // 2) <= UCS2_SINGLE:
            return Segments(UCS2, units, 1)
        return _pack(UCS2, [len(char.encode("utf-16-le")) // 2 for char in text], UCS2_SINGLE, UCS2_PART)
    if units <= GSM7_SINGLE:
        return Segments(GSM7, units, 1)  # one part: no character can straddle a boundary
    return _pack(GSM7, [len(char.encode(GSM7_CODEC)) for char in text], GSM7_SINGLE, GSM7_PART)


def _pack(encoding: str, sizes: list[int], single: int, part: int) -> Segments:
    """Fill segments in order. A character is never split, so an ESC pair or a surrogate pair that would
    straddle a boundary starts the next segment (one more than ceil(units / part) in that rare case)."""
    units = sum(sizes)
    if units <= single:
        return Segments(encoding, units, 1)
    count, used = 1, 0
    for size in sizes:
        if used + size > part:
            count, used = count + 1, 0
        used += size
    return Segments(encoding, units, count)
