"""Invitation codes: short enough to type from a letter, too many to guess, and guessing is limited.

Wrong codes are counted per address (or phone number), per conversation and over all conversations, in any hour.
The counts are in the database (one row per failure per count), which every server sharing it sees; with
REDIS_URL set they are in Redis instead, counted by the `limits` package (its moving window of one hour), so the
database takes no writes from someone guessing.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache
from typing import Protocol

import redis
from limits import RateLimitItemPerHour
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.domain.models import CodeAttempt, utcnow
from server.keys import keyed_hash
from server.settings import get_settings

log = logging.getLogger(__name__)
# No 0/O, 1/I/L or U/V pairs that people misread from paper. 29 symbols, 8 long: about 5 * 10^11 codes.
ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
LENGTH = 8
# The one count every wrong code adds to, whoever sent it.
OVERALL = "overall"


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


class Counter(Protocol):
    """Wrong codes per key in the last hour, each key with its limit an hour."""

    def locked(self, key: str, limit: int) -> bool: ...

    def failed(self, key: str, limit: int) -> None: ...


@dataclass
class DatabaseCounter:
    session: Session

    def locked(self, key: str, limit: int) -> bool:
        return locked(self.session, key, limit)

    def failed(self, key: str, limit: int) -> None:
        record_attempt(self.session, key, success=False)


@lru_cache(maxsize=4)
def _limiter(url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(RedisStorage(url, key_prefix="casetracking:codes"))


@dataclass
class RedisCounter:
    """The same hour in Redis, shared by every server: the `limits` package's moving window per key (and limit).

    When Redis cannot be reached, the database counts instead (still shared by the servers on it): the person gets
    their answer, and guessing stays limited."""

    url: str
    fallback: DatabaseCounter

    def locked(self, key: str, limit: int) -> bool:
        try:
            return not _limiter(self.url).test(RateLimitItemPerHour(limit), key)
        except redis.RedisError:
            log.warning("Redis unavailable: wrong codes are counted in the database")
            return self.fallback.locked(key, limit)

    def failed(self, key: str, limit: int) -> None:
        try:
            _limiter(self.url).hit(RateLimitItemPerHour(limit), key)
        except redis.RedisError:
            self.fallback.failed(key, limit)


def counter(session: Session) -> Counter:
    url = get_settings().redis_url
    return RedisCounter(url, DatabaseCounter(session)) if url else DatabaseCounter(session)


def limits(address_key: str, conversation_id: str, per_address: int) -> list[tuple[str, int]]:
    """Each count a wrong code adds to, with its limit an hour."""
    settings = get_settings()
    return [
        (address_key, per_address),
        (attempt_key("conversation", conversation_id), settings.code_attempts_per_conversation),
        (attempt_key(OVERALL, OVERALL), settings.code_attempts_overall_per_hour),
    ]
