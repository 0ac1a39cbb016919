"""Reading typed answers to the questions that have fixed choices: a button's payload, or everyday words."""

from __future__ import annotations

import re

SKIP = {"skip", "pass", "next", "skip it", "dont know", "don't know", "dunno", "not sure"}
NONE = {"none", "no", "nope", "nah", "nothing", "no thanks", "no help", "not really", "no i dont", "no i don't"}
ANY = {"any", "all", "either", "any of them", "all of them"}
ANY_PHRASES = ("any day", "any time", "anytime", "dont mind", "don't mind", "whenever", "any of them", "all of them")

ROLE_WORDS = {
    "independent_advocate": ("advocate", "advocacy", "imca", "ima"),
    "attorney": ("attorney", "lpa", "power of"),
    "deputy": ("deputy", "court of protection"),
    "paid_carer": ("carer", "care worker", "support worker", "care assistant", "pa", "personal assistant"),
    "family_member": (
        "mum",
        "mom",
        "mother",
        "dad",
        "father",
        "son",
        "daughter",
        "wife",
        "husband",
        "partner",
        "sister",
        "brother",
        "aunt",
        "uncle",
        "niece",
        "nephew",
        "grandson",
        "granddaughter",
        "cousin",
        "family",
        "relative",
        "mam",
        "nan",
        "gran",
        "grandma",
        "grandad",
        "stepson",
        "stepdaughter",
    ),
    "friend": ("friend", "neighbour", "neighbor", "mate", "pal"),
}
HOW_WORDS = {
    "phone": ("phone", "call", "ring", "telephone", "mobile"),
    "video": ("video", "zoom", "teams", "skype", "facetime", "online", "whatsapp"),
    "home": ("home", "house", "flat", "visit", "come to me", "come round"),
    "elsewhere": ("somewhere else", "elsewhere", "library", "cafe", "office", "centre", "center", "out"),
}
SUPPORT_WORDS = {
    "bsl": ("bsl", "sign language", "signer", "signing", "deaf"),
    "interpreter": ("interpreter", "translator", "translate", "language"),
    "easy_read": ("easy read", "easyread", "simple words", "pictures"),
    "large_print": ("large print", "big print", "big writing", "bigger writing", "large text"),
    "someone": ("someone with me", "someone there", "with me", "support person", "carer with me"),
    "extra_time": ("extra time", "more time", "time to think", "slowly", "slow"),
    "breaks": ("break", "breaks", "rest", "pause"),
    "hearing_loop": ("hearing loop", "loop", "hearing aid"),
}
DAY_WORDS = {
    "monday": ("monday", "mon"),
    "tuesday": ("tuesday", "tues", "tue"),
    "wednesday": ("wednesday", "wed", "weds"),
    "thursday": ("thursday", "thurs", "thu"),
    "friday": ("friday", "fri"),
    "saturday": ("saturday", "sat"),
    "sunday": ("sunday", "sun"),
}
TIME_WORDS = {
    "morning": ("morning", "mornings", "am", "early"),
    "afternoon": ("afternoon", "afternoons", "pm", "lunch", "after lunch"),
    "evening": ("evening", "evenings", "night", "after work", "tea time", "teatime"),
}
CONTACT_WORDS = {
    "text": ("text", "sms", "message", "txt"),
    "call": ("call", "phone", "ring"),
    "representative": ("through", "my daughter", "my son", "my carer", "advocate", "helper", "them", "her", "him"),
}


def normal(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9' ]", " ", text.lower())).strip()


def is_skip(text: str) -> bool:
    return text.strip().lower() == "skip" or normal(text) in SKIP


def is_none(text: str) -> bool:
    return text.strip().lower() == "none" or normal(text) in NONE


def is_any(text: str) -> bool:
    spoken = normal(text)
    return spoken in ANY or any(f" {phrase} " in f" {spoken} " for phrase in ANY_PHRASES)


def _matches(text: str, words: dict[str, tuple[str, ...]]) -> list[str]:
    spoken = f" {normal(text)} "
    # "mondays", "mornings", "breaks": a plural names the same choice.
    return [
        key
        for key, options in words.items()
        if any(f" {word} " in spoken or f" {word}s " in spoken for word in options)
    ]


def choices(text: str, field: str, words: dict[str, tuple[str, ...]]) -> list[str]:
    """Every choice named, from a button payload ("day:monday") or from words ("mondays or fridays")."""
    payloads = [p.split(":", 1)[1] for p in text.split() if p.startswith(f"{field}:")]
    if payloads:
        return [p for p in payloads if p in words]
    return _matches(text, words)


def role(text: str) -> str | None:
    found = choices(text, "role", ROLE_WORDS)
    return found[0] if found else None
