"""Invitation codes and links: a short code to type from a letter, a long link token to open, and guessing of
codes slowed without locking people out.

The link (/start/<token>) carries 192 random bits: nobody guesses it, so opening it is never counted and never
refused. The 8-character code is for typing and texting, and wrong codes are counted in any hour:

- per conversation (a chat, or a phone number's texts or calls): at CODE_ATTEMPTS_PER_CONVERSATION that one
  conversation is refused codes for the hour;
- per address or phone number: a care home, a day centre or a library shares one address, so over
  CODE_ATTEMPTS_PER_HOUR the address is only slowed (a wait between tries that grows), never locked;
- over all conversations: over CODE_ATTEMPTS_OVERALL_PER_HOUR everyone is slowed the same way and staff are
  told; over CODE_ATTEMPTS_BEFORE_PERSON typed codes are not checked at all and the person is told how to reach
  a person. A right code is never refused because of someone else's wrong ones, only slowed.

The counts are in the database (one row per failure per count), which every server sharing it sees; with
REDIS_URL set they are in Redis instead, counted by the `limits` package (its moving window of one hour), so the
database takes no writes from someone guessing.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from functools import lru_cache
from typing import Protocol

import redis
from limits import RateLimitItemPerHour
from limits.storage import RedisStorage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from easyread.render import text
from server.domain import audit
from server.domain.models import AuditEvent, CodeAttempt, OutboundMessage, utcnow
from server.keys import keyed_hash, secret_key
from server.settings import get_settings

log = logging.getLogger(__name__)
# No 0/O, 1/I/L or U/V pairs that people misread from paper. 29 symbols, 8 long: about 5 * 10^11 codes.
ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
LENGTH = 8
# The one count every wrong code adds to, whoever sent it.
OVERALL = "overall"
# The longest wait between tries when codes are slowed.
MAX_WAIT_SECONDS = 300


# The link's token: 24 random bytes (192 bits), URL-safe, 32 characters.
TOKEN_BYTES = 24
TOKEN_LENGTH = 32


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def looks_like_token(text: str) -> bool:
    """A link's token, as it comes from /start/<token> or the page's metadata: never typed, so taken as it is."""
    return len(text) == TOKEN_LENGTH and re.fullmatch(r"[A-Za-z0-9_-]+", text) is not None


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
    return _attempt_key(secret_key(), kind, value)


@lru_cache(maxsize=16384)
def _attempt_key(_key: bytes, kind: str, value: str) -> str:
    # (Remembered by key and sender: every message carries one, and most never try a code.)
    return keyed_hash(f"code-attempt:{kind}", value)


def _failures(session: Session, key_hash: str, since: datetime) -> int:
    found = session.scalar(
        select(func.count())
        .select_from(CodeAttempt)
        .where(CodeAttempt.key_hash == key_hash, CodeAttempt.success.is_(False), CodeAttempt.at >= since)
    )
    return found or 0


def locked(session: Session, key_hash: str, per_hour: int) -> bool:
    return _failures(session, key_hash, utcnow() - timedelta(hours=1)) >= per_hour


def record_attempt(session: Session, key_hash: str, success: bool) -> None:
    session.add(CodeAttempt(key_hash=key_hash, success=success))
    session.flush()


class Counter(Protocol):
    """Wrong codes per key in the last hour (each key counted up to its limit), and when each key last had one."""

    def count(self, key: str, limit: int) -> int: ...

    def failed(self, key: str, limit: int) -> None: ...

    def waiting(self, key: str, seconds: int) -> bool:
        """Whether the key had a wrong code in the last `seconds`."""
        ...


@dataclass
class DatabaseCounter:
    session: Session

    def count(self, key: str, limit: int) -> int:
        return min(limit, _failures(self.session, key, utcnow() - timedelta(hours=1)))

    def failed(self, key: str, limit: int) -> None:
        record_attempt(self.session, key, success=False)

    def waiting(self, key: str, seconds: int) -> bool:
        return _failures(self.session, key, utcnow() - timedelta(seconds=seconds)) > 0


@lru_cache(maxsize=4)
def _limiter(url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(RedisStorage(url, key_prefix="casetracking:codes"))


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


@dataclass
class RedisCounter:
    """The same hour in Redis, shared by every server: the `limits` package's moving window per key (and limit),
    and a key that lives for the wait after a wrong code.

    When Redis cannot be reached, the database counts instead (still shared by the servers on it): the person gets
    their answer, and guessing stays limited."""

    url: str
    fallback: DatabaseCounter

    def count(self, key: str, limit: int) -> int:
        try:
            stats = _limiter(self.url).get_window_stats(RateLimitItemPerHour(limit), key)
            return limit - stats.remaining
        except redis.RedisError:
            log.warning("Redis unavailable: wrong codes are counted in the database")
            return self.fallback.count(key, limit)

    def failed(self, key: str, limit: int) -> None:
        try:
            _limiter(self.url).hit(RateLimitItemPerHour(limit), key)
            # The newest wrong code's time, kept for the longest wait there is.
            _client(self.url).set(f"casetracking:codes:last:{key}", utcnow().timestamp(), ex=MAX_WAIT_SECONDS)
        except redis.RedisError:
            self.fallback.failed(key, limit)

    def waiting(self, key: str, seconds: int) -> bool:
        try:
            last = _client(self.url).get(f"casetracking:codes:last:{key}")
        except redis.RedisError:
            return self.fallback.waiting(key, seconds)
        return last is not None and float(last) > utcnow().timestamp() - seconds


def counter(session: Session) -> Counter:
    url = get_settings().redis_url
    return RedisCounter(url, DatabaseCounter(session)) if url else DatabaseCounter(session)


class Verdict(Enum):
    """What may happen to a typed code now."""

    CHECK = "check"
    # This conversation had too many wrong codes this hour.
    LOCKED = "locked"
    # Slowed: a wrong code from this conversation or address came too recently.
    WAIT = "wait"
    # So many wrong codes everywhere that codes are not checked: a person helps instead.
    PERSON = "person"


@dataclass(frozen=True)
class Keys:
    """The three counts a typed code belongs to, each with its limit an hour."""

    address: str
    conversation: str
    per_address: int

    @property
    def overall(self) -> str:
        return attempt_key(OVERALL, OVERALL)


def wait_seconds(count: int, threshold: int) -> int:
    """The wait between tries once `count` wrong codes reached `threshold`: 0 below it, then doubling with every
    `threshold` more (10 s, 20 s, 40 s ...), at most MAX_WAIT_SECONDS."""
    if threshold <= 0 or count < threshold:
        return 0
    doublings = min(10, (count - threshold) // threshold)
    return int(min(MAX_WAIT_SECONDS, get_settings().code_wait_seconds * 2**doublings))


@dataclass(frozen=True)
class Standing:
    verdict: Verdict
    wait: int = 0
    overall: int = 0


def standing(counts: Counter, keys: Keys) -> Standing:
    """Whether a typed code may be checked now, from the counts of wrong ones (a right code adds nothing)."""
    settings = get_settings()
    if counts.count(keys.conversation, settings.code_attempts_per_conversation) >= (
        settings.code_attempts_per_conversation
    ):
        return Standing(Verdict.LOCKED)
    overall = counts.count(keys.overall, settings.code_attempts_before_person)
    if overall >= settings.code_attempts_before_person:
        return Standing(Verdict.PERSON, overall=overall)
    # Enough wrong codes from the address to be the same address, without `per_address` being a lock.
    address = counts.count(keys.address, keys.per_address * 64)
    wait = max(wait_seconds(address, keys.per_address), wait_seconds(overall, settings.code_attempts_overall_per_hour))
    if wait and (counts.waiting(keys.conversation, wait) or counts.waiting(keys.address, wait)):
        return Standing(Verdict.WAIT, wait, overall)
    return Standing(Verdict.CHECK, wait, overall)


def failed(counts: Counter, keys: Keys) -> int:
    """Count a wrong code on all three; the overall count after it."""
    settings = get_settings()
    counts.failed(keys.address, keys.per_address * 64)
    counts.failed(keys.conversation, settings.code_attempts_per_conversation)
    counts.failed(keys.overall, settings.code_attempts_before_person)
    return counts.count(keys.overall, settings.code_attempts_before_person)


NOTICE_ACTIONS = {Verdict.WAIT: "codes.guessing_slowed", Verdict.PERSON: "codes.guessing_person"}


def tell_staff(session: Session, level: Verdict, overall: int) -> bool:
    """Tell the team (an audit event and an email in the outbox), once an hour for each level, that codes are
    being guessed: slowed for everyone, or handed to a person. No address, number or code is in it."""
    action = NOTICE_ACTIONS[level]
    since = utcnow() - timedelta(hours=1)
    told = session.scalar(select(AuditEvent.id).where(AuditEvent.action == action, AuditEvent.at >= since).limit(1))
    if told is not None:
        return False
    settings = get_settings()
    audit.append(session, "system", action, None, {"wrong_codes_last_hour": overall})
    name = "slowed" if level is Verdict.WAIT else "person"
    body = "\n".join(
        [
            f"To: {settings.team_email}",
            "Subject: " + text(f"pages.notice_codes_{name}_subject", "en", count=overall),
            "",
            text(f"pages.notice_codes_{name}_intro", "en", count=overall),
            text("pages.notice_codes_next", "en"),
        ]
    )
    session.add(OutboundMessage(case_id=None, kind="codes", channel="email", to="team", body=body, status="outbox"))
    session.flush()
    return True
