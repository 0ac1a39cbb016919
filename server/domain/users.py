"""People who sign in to the pages with an email and a password, and their browser sessions.

Passwords are kept only as argon2id hashes (argon2-cffi). A session is a random token: the browser holds it (in a
signed cookie, server.pages.security), the database only its SHA-256, so a copy of the database opens no session.
Wrong passwords are limited per email and per address, like invitation codes.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.domain import audit, invite_codes
from server.domain.errors import Conflict, InvalidInput
from server.domain.models import StaffSession, StaffUser, utcnow
from server.domain.tokens import Principal, manage_right, staff_council

MIN_PASSWORD = 12
MAX_PASSWORD = 200
# Wrong passwords in an hour before sign-in is refused: per email (guessing one account), per address (many).
FAILURES_PER_EMAIL = 10
FAILURES_PER_ADDRESS = 50
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()
# Checked when the email is unknown, so a wrong email takes as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def principal_of(user: StaffUser) -> Principal:
    return Principal(
        role=user.role, council_id=user.council_id, actor=f"user:{user.id}", can_manage=user.can_manage_cases
    )


def create(
    session: Session,
    email: str,
    password: str,
    role: str,
    council_id: int | None,
    actor: str,
    can_manage_cases: bool = False,
) -> StaffUser:
    email = normalise_email(email)
    if len(email) > 254 or not EMAIL.match(email):
        raise InvalidInput("Give a valid email address.", "email")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(f"The password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters.", "password")
    council_id = staff_council(session, role, council_id)
    can_manage_cases = manage_right(role, can_manage_cases)
    if session.scalar(select(StaffUser.id).where(StaffUser.email == email)) is not None:
        raise Conflict("There is already a user with that email.", "email")
    user = StaffUser(
        email=email,
        password_hash=_hasher.hash(password),
        role=role,
        council_id=council_id,
        can_manage_cases=can_manage_cases,
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # two requests racing for the same email
        raise Conflict("There is already a user with that email.", "email") from exc
    # No email in the audit: it is personal data. The id leads to it for as long as the user exists.
    detail: dict[str, object] = {"user_id": user.id, "role": role, "council_id": council_id}
    if can_manage_cases:
        detail["can_manage_cases"] = True
    audit.append(session, actor, "user.created", None, detail)
    return user


def set_password(session: Session, user: StaffUser, password: str, actor: str) -> None:
    """A new password; sessions already signed in end, so only the new password opens the pages."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(f"The password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters.", "password")
    user.password_hash = _hasher.hash(password)
    session.execute(
        update(StaffSession)
        .where(StaffSession.user_id == user.id, StaffSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )
    audit.append(session, actor, "user.password_set", None, {"user_id": user.id})


def by_email(session: Session, email: str) -> StaffUser | None:
    return session.scalars(select(StaffUser).where(StaffUser.email == normalise_email(email))).first()


@dataclass(frozen=True)
class SignIn:
    """What a sign-in attempt came to: a principal and a session token, or why not."""

    principal: Principal | None = None
    token: str | None = None
    # "wrong" (email or password: never which), "locked" (too many wrong tries)
    problem: str | None = None


def sign_in(session: Session, email: str, password: str, address: str, hours: int) -> SignIn:
    """Check the password and start a session of `hours`. The caller commits even when it fails (the attempt counts)."""
    email = normalise_email(email)[:254]
    by_email = invite_codes.attempt_key("sign-in-email", email)
    by_address = invite_codes.attempt_key("sign-in-address", address)
    if invite_codes.locked(session, by_email, FAILURES_PER_EMAIL) or invite_codes.locked(
        session, by_address, FAILURES_PER_ADDRESS
    ):
        return SignIn(problem="locked")
    user = session.scalars(select(StaffUser).where(StaffUser.email == email, StaffUser.disabled_at.is_(None))).first()
    if not _password_matches(user.password_hash if user else _DUMMY_HASH, password[:MAX_PASSWORD]) or user is None:
        invite_codes.record_attempt(session, by_email, False)
        invite_codes.record_attempt(session, by_address, False)
        if user is not None:
            audit.append(session, f"user:{user.id}", "user.sign_in_failed", None, {"user_id": user.id})
        return SignIn(problem="wrong")
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    invite_codes.record_attempt(session, by_email, True)
    token = secrets.token_urlsafe(32)
    row = StaffSession(token_hash=_hash(token), user_id=user.id, expires_at=utcnow() + timedelta(hours=max(1, hours)))
    session.add(row)
    session.flush()
    audit.append(session, f"user:{user.id}", "user.signed_in", None, {"user_id": user.id, "session_id": row.id})
    return SignIn(principal=principal_of(user), token=token)


def _password_matches(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    principal: Principal
    email: str


def by_session(session: Session, token: str) -> SignedIn | None:
    """Who a session token belongs to, while it has not ended or expired and the user is not disabled."""
    found = session.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(
            StaffSession.token_hash == _hash(token),
            StaffSession.ended_at.is_(None),
            StaffUser.disabled_at.is_(None),
        )
    ).first()
    if found is None:
        return None
    row, user = found
    if row.expires_at <= utcnow():
        return None
    return SignedIn(principal_of(user), user.email)


def sign_out(session: Session, token: str) -> None:
    row = session.scalars(
        select(StaffSession).where(StaffSession.token_hash == _hash(token), StaffSession.ended_at.is_(None))
    ).first()
    if row is None:
        return
    session.execute(update(StaffSession).where(StaffSession.id == row.id).values(ended_at=utcnow()))
    detail: dict[str, object] = {"user_id": row.user_id, "session_id": row.id}
    audit.append(session, f"user:{row.user_id}", "user.signed_out", None, detail)


def email_of(session: Session, actor: str | None) -> str | None:
    """The email behind an actor "user:7", so the team sees who has claimed a hand-off."""
    if actor is None or not actor.startswith("user:") or not actor.removeprefix("user:").isdigit():
        return None
    return session.scalar(select(StaffUser.email).where(StaffUser.id == int(actor.removeprefix("user:"))))
