"""Staff bearer tokens: issued once, stored only as a hash, each with a role and (for council staff) a council."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import audit, councils
from server.domain.errors import InvalidInput
from server.domain.models import StaffToken

ROLES = ("admin", "council_staff", "team")


@dataclass(frozen=True)
class Principal:
    """Who is calling: a role, and the one council a council_staff caller belongs to."""

    role: str
    council_id: int | None
    actor: str
    # Team members read the hand-offs and do the team's work; creating cases, inviting, calling people and
    # closing assessments is the councils' and admins' work, unless an admin gave this team member the right.
    can_manage: bool = False

    @property
    def manages_cases(self) -> bool:
        return self.role in ("admin", "council_staff") or (self.role == "team" and self.can_manage)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def staff_council(session: Session, role: str, council_id: int | None) -> int | None:
    """The council a staff member (token or sign-in) belongs to: one for council staff, none for the team."""
    if role not in ("council_staff", "team"):
        raise InvalidInput("The role must be council_staff or team.", "role")
    if role == "team":
        return None
    if council_id is None:
        raise InvalidInput("Council staff need a council_id.", "council_id")
    councils.get(session, council_id)
    return council_id


def manage_right(role: str, can_manage_cases: bool) -> bool:
    """The right to manage cases is given to team members; council staff manage their own council's anyway."""
    if can_manage_cases and role != "team":
        raise InvalidInput("Only team members are given can_manage_cases.", "can_manage_cases")
    return can_manage_cases


def issue(
    session: Session, role: str, council_id: int | None, name: str, actor: str, can_manage_cases: bool = False
) -> str:
    council_id = staff_council(session, role, council_id)
    can_manage_cases = manage_right(role, can_manage_cases)
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("Give the token a name of 1 to 200 characters.", "name")
    token = secrets.token_urlsafe(32)
    row = StaffToken(
        token_hash=_hash(token), role=role, council_id=council_id, name=name, can_manage_cases=can_manage_cases
    )
    session.add(row)
    session.flush()
    detail: dict[str, object] = {"token_id": row.id, "role": role, "council_id": council_id}
    if can_manage_cases:
        detail["can_manage_cases"] = True
    audit.append(session, actor, "token.issued", None, detail)
    return token


def authenticate(session: Session, token: str, admin_token: str | None) -> Principal | None:
    if admin_token and hmac.compare_digest(token.encode(), admin_token.encode()):
        return Principal(role="admin", council_id=None, actor="admin", can_manage=True)
    row = session.scalars(
        select(StaffToken).where(StaffToken.token_hash == _hash(token), StaffToken.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    return Principal(role=row.role, council_id=row.council_id, actor=f"token:{row.id}", can_manage=row.can_manage_cases)
