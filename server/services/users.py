"""People who sign in to the pages: an admin creates them; they sign in and out; who is signed in."""

from __future__ import annotations

from server.domain import users
from server.domain.db import session_scope
from server.domain.tokens import Principal


def create(
    caller: Principal, email: str, password: str, role: str, council_id: int | None, can_manage_cases: bool = False
) -> dict[str, object]:
    """The password is never shown again, nor stored."""
    with session_scope() as session:
        user = users.create(session, email, password, role, council_id, caller.actor, can_manage_cases)
        return {
            "id": user.id,
            "email": user.email,
            "role": user.role,
            "council_id": user.council_id,
            "can_manage_cases": user.can_manage_cases,
        }


def sign_in(email: str, password: str, address: str, hours: int) -> users.SignIn:
    """Check the password and start a session; a failed attempt is saved too (it counts towards the lock)."""
    with session_scope() as session:
        return users.sign_in(session, email, password, address, hours)


def sign_out(token: str) -> None:
    with session_scope() as session:
        users.sign_out(session, token)


def signed_in(token: str) -> users.SignedIn | None:
    """Who a session token belongs to (reads only)."""
    with session_scope() as session:
        return users.by_session(session, token)
