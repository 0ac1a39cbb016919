"""Spotting messages that suggest harm, abuse, danger or acute distress, before anything else happens to them.

Patterns, not the model: this must catch everyday words every time, on every channel, even with Rasa down.
A false alarm costs a call from a person; a miss could cost far more, so the patterns lean towards catching.
"""

from __future__ import annotations

import re

_ME = r"(my ?self|me)"
_HARM = (
    "hit|hits|hitting|beat|beats|beating|punch|punches|punched|kick|kicks|kicked|slap|slaps|slapped"
    r"|hurt|hurts|hurting|shove[sd]?|pushes|pushed|strangl\w*|chok\w*"
)
_TAKE = "steal|steals|stealing|stole|stolen|takes|took|taking"
_WITHHOLD = (
    r"let me (eat|out|leave|go out|see (anyone|my family))|feed me"
    r"|give me (food|my (medication|medicine|tablets|pills))"
)
_PEOPLE = "son|daughter|husband|wife|partner|carer|brother|sister|dad|mum|neighbour"
PATTERNS = [
    # Thoughts of suicide or self-harm.
    r"\bsuicid",
    r"\bself[- ]?harm",
    r"\b(kill|hurt|harm|cut|cutting|hurting|killing) my ?self\b",
    r"\b(end|ending|take|taking) (it all|my (own )?life)\b",
    r"\bend it\b.*\b(all|now|tonight|today)\b",
    r"\bwant(s|ed)? to die\b",
    r"\b(wish|wishing) i (was|were) dead\b",
    r"\bbetter off dead\b",
    r"\b(don'?t|do not|dont) want to (live|be alive|be here|wake up)\b",
    r"\bno (point|reason) (in )?(living|going on|to live|carrying on)\b",
    r"\bcan'?t (go on|cope any ?more|take (it|this) any ?more)\b",
    r"\b(overdose|overdosed|od'?d)\b",
    r"\btaken (too many|all (my|the|of my)) (tablets|pills|meds|medication)\b",
    # Harm or abuse by someone else.
    rf"\b({_HARM}) {_ME}\b",
    r"\b(rape|raped|sexually|abus(e|ed|es|ing|ive))\b",
    r"\bneglect(ed|ing|s)? me\b",
    r"\b(touch|touches|touched|touching) me\b",
    r"\bthreat(en|ens|ened|ening) (me|to (hurt|kill|hit))\b",
    rf"\b({_TAKE}) (all )?my (money|pension|benefits|bank card|card|savings)\b",
    r"\b(lock|locks|locked|locking) me (in|up|out)\b",
    rf"\b(won'?t|doesn'?t|dont|don'?t|do not) ({_WITHHOLD})\b",
    # Danger now, or fear of someone.
    r"\bin danger\b",
    r"\b(not|don'?t|dont|do not) feel safe\b",
    r"\bunsafe\b",
    rf"\b(scared|afraid|frightened|terrified) (of|for) (him|her|them|my ({_PEOPLE}))\b",
    r"\b(scared|afraid|frightened|terrified) (he|she|they)('?ll| will) (hurt|hit|kill)\b",
    r"\b(help me|emergency)\b.*\b(now|please|quick)\b",
]
_COMPILED = [re.compile(p, re.IGNORECASE) for p in PATTERNS]
_EXCLUDE = re.compile(r"\b(substance|drug|alcohol) abuse\b", re.IGNORECASE)


def suggests_risk(text: str) -> bool:
    cleaned = re.sub("[\u2018\u2019]", "'", text)
    cleaned = _EXCLUDE.sub(" ", cleaned)
    return any(pattern.search(cleaned) for pattern in _COMPILED)
