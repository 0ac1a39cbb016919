"""Bot messages as phone prompts: a message's choices become keys to press, and words to listen for.

The choices of a message are keys 1, 2, 3 and so on, in order ("Press 1 for Yes. Press 2 for No."). Two keys
are the same everywhere: 9 says it again and 0 asks for a person, so a "Say it again" or "Talk to a person"
choice is not numbered. A message with more than 8 choices is offered 7 at a time, with 8 for the next ones.

Choices travel between turns by their content key ("yes", "choices.role_friend"), so a key press is read with
the same choices the person heard, and a choice that is not in the content cannot be made up.

The words are in easyread/content/voice.<lang>.yml; this module holds none.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from easyread.languages import locale
from easyread.render import PAYLOADS, Rendered, button_title, text

REPEAT_KEY = "9"
PERSON_KEY = "0"
MORE_KEY = "8"
REPEAT = "/repeat"
PERSON = "/request_human"
FIXED = {REPEAT_KEY: REPEAT, PERSON_KEY: PERSON}
MORE = "more"
MAX_CHOICE_KEYS = 8
PAGE_SIZE = 7
CHANNEL = "voice"
AFFIRM = "/affirm"
DENY = "/deny"


@dataclass(frozen=True)
class Choice:
    key: str
    title: str
    payload: str


@lru_cache(maxsize=16)
def _known(language: str) -> dict[tuple[str, str], str]:
    """Every button the content defines, as (title, payload) -> content key."""
    known: dict[tuple[str, str], str] = {}
    for key, payload in PAYLOADS.items():
        known.setdefault((button_title(key, language, CHANNEL), payload), key)
    return known


def choice(key: str, language: str) -> Choice | None:
    """The choice for a content key, or None when there is no such button."""
    payload = PAYLOADS.get(key)
    if payload is None:
        return None
    return Choice(key, button_title(key, language, CHANNEL), payload)


def choices_of(message: Rendered | None, language: str) -> list[Choice]:
    """A message's buttons as numbered choices: not "say it again" or "a person" (keys 9 and 0 do those)."""
    if message is None:
        return []
    found = []
    for button in message.buttons:
        if button["payload"] in (REPEAT, PERSON):
            continue
        key = _known(language).get((button["title"], button["payload"]))
        if key is not None:
            found.append(Choice(key, button["title"], button["payload"]))
    return found


def paged(choices: list[Choice]) -> bool:
    return len(choices) > MAX_CHOICE_KEYS


def page_of(choices: list[Choice], page: int) -> list[Choice]:
    """The choices keys 1, 2, 3... stand for on this page (all of them when there are 8 or fewer)."""
    if not paged(choices):
        return choices
    pages = -(-len(choices) // PAGE_SIZE)
    start = (page % pages) * PAGE_SIZE
    return choices[start : start + PAGE_SIZE]


def payload_for(digit: str, choices: list[Choice], page: int) -> str | None:
    """What a key press means: a choice's payload, a fixed command, MORE, or None for a key that does nothing."""
    if digit in FIXED:
        return FIXED[digit]
    if digit == MORE_KEY and paged(choices):
        return MORE
    on_page = page_of(choices, page)
    if digit.isdigit() and 1 <= int(digit) <= len(on_page):
        return on_page[int(digit) - 1].payload
    return None


def key_prompt(choices: list[Choice], page: int, language: str, confirm: bool = False) -> str:
    """What to press, said after the message: the choices in order, then 9 and 0.

    At a read-back (`confirm`) the answer must be a key, and the words say which key means right and wrong.
    """
    on_page = page_of(choices, page)
    payloads = [c.payload for c in on_page]
    lines = []
    if confirm and AFFIRM in payloads and DENY in payloads:
        right, wrong = payloads.index(AFFIRM) + 1, payloads.index(DENY) + 1
        lines.append(text("voice.press_to_confirm", language, right=right, wrong=wrong))
    else:
        lines += [text("voice.press_for", language, number=n, choice=c.title) for n, c in enumerate(on_page, 1)]
        if paged(choices):
            lines.append(text("voice.press_more", language))
    lines.append(text("voice.press_again", language))
    lines.append(text("voice.press_person", language))
    return " ".join(lines)


def hints(choices: list[Choice], language: str) -> str:
    """Phrases for Twilio's speech recognition: the choices' words, and the words that work anywhere."""
    titles = [c.title for c in choices]
    titles += [text(f"buttons.{key}", language) for key in ("yes", "no", "stop", "say_again", "talk_to_person")]
    phrases = dict.fromkeys(t.replace(",", "").strip().lower() for t in titles)
    return ", ".join(p for p in phrases if p)


def speech_language(language: str) -> str:
    """Twilio's speech recognition (and <Say>) language for one of ours: easyread/locale.<lang>.yml."""
    return locale(language).speech
