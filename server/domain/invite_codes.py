"""Invitation codes: short enough to type from a letter, too many to guess, and guessing is limited."""

from __future__ import annotations

import re
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.domain.models import CodeAttempt, utcnow
from server.keys import keyed_hash

# No 0/O, 1/I/L or U/V pairs that people misread from paper. 29 symbols, 8 long: about 5 * 10^11 codes.
ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(text: str) -> str:
    """What a person typed, as a code: spaces, dashes and case do not matter."""
    return re.sub(r"[^A-Za-z0-9]", "", text).upper()


def looks_like_code(text: str) -> bool:
    code = normalise(text)
    return len(code) == LENGTH and len(text.strip()) <= LENGTH + 4


def find_codes(text: str) -> list[str]:
    """Codes in a message: the whole message typed as a code ("k7pq 2mxa"), or a word of a sentence that has a
    code's shape ("the code is K7PQ2MXA"). A word must hold a digit or be typed in capitals to count, so an
    ordinary 8-letter word ("together") is not taken for a guess."""
    if looks_like_code(text):
        return [normalise(text)]
    found = []
    for word in re.findall(r"[A-Za-z0-9]+", text):
        shaped = len(word) == LENGTH and all(c in ALPHABET for c in word.upper())
        if shaped and (any(c.isdigit() for c in word) or word.isupper()):
            found.append(word.upper())
    return found


def attempt_key(kind: str, value: str) -> str:
    """Who is trying codes, as a keyed hash: the number or address itself is never stored."""
    return keyed_hash(f"code-attempt:{kind}", value)


def locked(session: Session, key_hash: str, per_hour: int) -> bool:
    since = utcnow() - timedelta(hours=1)
    failures = session.scalar(
        select(func.count())
        .select_from(CodeAttempt)
        .where(CodeAttempt.key_hash == key_hash, CodeAttempt.success.is_(False), CodeAttempt.at >= since)
    )
    return (failures or 0) >= per_hour


def record_attempt(session: Session, key_hash: str, success: bool) -> None:
    session.add(CodeAttempt(key_hash=key_hash, success=success))
    session.flush()
