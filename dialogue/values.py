"""Checking a value before it is kept: a helper's name must look like a name, a contact must be a phone number or
an email address. Anything else ("why do you need my name", "is this a scam") is never stored.

A phone number is read by `phonenumbers` with the UK as its default country; an email address by
`email-validator`, without asking the internet whether its domain takes mail (no network here, and a typo'd
address is read back to the person anyway).
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from babel.dates import get_day_names, get_month_names
from email_validator import EmailNotValidError, validate_email

from dialogue.answers import ROLE_WORDS, normal

REGION = "GB"
# A UK number without its 0 has 10 digits (mobiles and most landlines). libphonenumber does not count Ofcom's
# drama range (07700 900xxx) as valid, but it is a real number's shape, so a possible number of this length is
# taken too.
UK_DIGITS = 10
# "My name is Sam", "I'm Sam", "it's Sam, her daughter": the words before a name.
_NAME_INTRO = re.compile(
    r"^(?:(?:hi|hello|ok|okay|yes|yeah|sure)[ ,]+)?(?:my name is|my name's|my names|the name is|name is|name's|names"
    r"|i am|i'm|im|it's|its|it is|this is|call me|you can call me|nazywam si[eę]|mam na imi[eę]|jestem|tu|to)[ ,]+"
)
# What follows a name that is not part of it: "Sam, her daughter", "Sam thanks".
_NAME_TAIL = re.compile(r"(?:,| - | and i'm| and im| i'm| im| her | his | their | thanks| thank you| dzieki).*$")
# Words a name never has: a sentence or a question is not a name.
_NOT_NAME_WORDS = frozenset(
    {
        *("you", "your", "the", "is", "are", "do", "does", "dont", "don't", "not", "want", "need", "why", "what"),
        *("this", "that", "have", "will", "would", "can", "could", "i", "me", "my", "it", "to", "of", "for", "a"),
        # As one string, so a grep for a stage's name finds only the stages.
        *"how who when where no yes ok okay scam name know tell say if".split(),  # noqa: SIM905
        *("nie", "czy", "jest", "mnie", "dlaczego", "po", "co", "chce", "ze", "jak", "sie", "mam", "nazwisko"),
        *("imie", "tak", "wam", "ja", "kto", "kiedy", "gdzie", "ile", "dla", "oszustwo", "skip", "pass", "sure"),
        # After "I'm" or "this is", what someone is rather than who: "this is stupid", "I'm her daughter".
        *("her", "his", "their", "them", "stupid", "silly", "rubbish", "nonsense", "ridiculous", "weird", "fine"),
        *("busy", "confused", "sorry", "here", "helping", "tired", "worried", "scared", "annoyed", "wrong", "right"),
        *("unsure", "happy", "good", "great", "thanks", "thank", "please", "hello", "hi", "hey", "nothing", "none"),
        *("hmm", "um", "erm", "eh", "ah", "oh", "lol", "idk", "what", "huh", "meh", "nah", "nope", "dunno"),
        *("jej", "jego", "ich", "glupie", "dziekuje", "prosze", "czesc", "dzien", "dobry", "pomagam", "nic"),
        *(word for words in ROLE_WORDS.values() for word in words if " " not in word and "*" not in word),
    }
)
# "This number", "ten numer": the phone they are texting or calling from, which only the channel knows.
THIS_NUMBER = "this_number"
_THIS_NUMBER = re.compile(
    r"^(?:(?:it's|its|use|on|just|yes|yeah|ok)[ ,]+)*(?:this|the same|same|my|the) (?:number|phone|mobile|one)"
    r"(?: (?:i'm|im|i am) (?:texting|calling|ringing|on|using)(?: from| on)?| is fine| please| thanks| here)*$"
    r"|^(?:(?:na|z|ten|to)[ ,]+)*(?:ten|tego|tym|ten sam|tego samego) (?:numer|numeru|numerem|telefon|telefonu)\b"
)
_EMAIL = re.compile(r"[^\s,;<>]+@[^\s,;<>]+")
_PHONE = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")


def name(text: str) -> str | None:
    """The name in the words ("my name is Sam Jones" -> "Sam Jones"), or None when they are not a name."""
    words = text.strip().strip(".!")
    intro = _NAME_INTRO.match(words.lower())
    words = words[intro.end() :] if intro is not None else words
    words = _NAME_TAIL.sub("", words).strip(" ,.!")
    parts = words.split()
    if not 1 <= len(parts) <= 4 or len(words) > 60:
        return None
    if any(not re.fullmatch(r"[^\W\d_]+(?:['.-][^\W\d_]*)*\.?", part) for part in parts):
        return None
    if any(normal(part) in _NOT_NAME_WORDS for part in parts):
        return None
    if not re.search(r"[aeiouyąęó]", words.lower()):
        return None  # "hmm", "grr": no vowel, no name
    return " ".join(part[:1].upper() + part[1:] if part.islower() else part for part in parts)


def contact(text: str) -> str | None:
    """The phone number (as +44...) or email address in the words, or None when there is neither."""
    email = _EMAIL.search(text)
    if email is not None:
        try:
            return validate_email(email.group(0).strip("."), check_deliverability=False).normalized
        except EmailNotValidError:
            return None
    for found in _PHONE.finditer(text):
        number = phone(found.group(0))
        if number is not None:
            return number
    return None


def this_number(text: str) -> bool:
    """ "This number", "same one", "ten numer": the number they are writing or calling from."""
    return _THIS_NUMBER.search(normal(text)) is not None


def phone(text: str) -> str | None:
    try:
        parsed = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException:
        return None
    uk_shape = parsed.country_code == 44 and len(str(parsed.national_number)) == UK_DIGITS
    if phonenumbers.is_valid_number(parsed) or (uk_shape and phonenumbers.is_possible_number(parsed)):
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


def spoken_contact(value: str, language: str = "en") -> str:
    """A kept contact as people write it: a UK number as 07700 900123, others as they are."""
    if not value.startswith("+"):
        return value
    parsed = phonenumbers.parse(value, REGION)
    style = phonenumbers.PhoneNumberFormat.NATIONAL if parsed.country_code == 44 else None
    return phonenumbers.format_number(parsed, style or phonenumbers.PhoneNumberFormat.INTERNATIONAL)


@lru_cache(maxsize=1)
def _date_words() -> tuple[frozenset[str], tuple[str, ...]]:
    """Every month's and weekday's name in each language we speak, as written alone and inside a date (Babel's CLDR
    data: "lipiec" and "lipca"): short names whole ("may", "maj"), longer ones by their first 4 letters, so
    "w lipcu" and "mondays" are found too."""
    names: set[str] = set()
    for locale in ("en", "pl"):
        for context in ("format", "stand-alone"):
            for found in (get_month_names("wide", context, locale), get_day_names("wide", context, locale)):
                names.update(normal(name) for name in found.values())
    return frozenset(n for n in names if len(n) <= 4), tuple(sorted({n[:4] for n in names if len(n) > 4}))


def names_a_date(text: str) -> bool:
    """Whether the words name a month or a day of the week ("the whole of July", "cały lipiec", "mondays")."""
    whole, stems = _date_words()
    return any(word in whole or word.startswith(stems) for word in re.findall(r"\w+", normal(text)))
