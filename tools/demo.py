"""Demo data for `make run`: one council, a staff token for it, and a case to open the chat with."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select

from server.domain import cases, councils, tokens, users
from server.domain.db import session_scope
from server.domain.models import Case, Council
from server.domain.tokens import Principal

DEMO_COUNCIL = "Demo Council"
DEMO_REFERENCE = "DEMO-1"
DEMO_PHONE = "+447700900123"
# People who sign in to the pages (/sign-in): council staff of the demo council, and the assessment team.
DEMO_STAFF_EMAIL = "staff@demo-council.example.org"
DEMO_TEAM_EMAIL = "team@demo-team.example.org"


@dataclass(frozen=True)
class Demo:
    invite_code: str
    case_id: int
    # The invitation link's token (/start/<token>): never counted as a guess.
    invite_token: str
    staff_token: str
    # A new password each run (only hashes are kept), for both sign-ins.
    password: str = ""


def seed() -> Demo:
    """Idempotent for the council and case; a fresh staff token each time, since only hashes are kept."""
    admin = Principal(role="admin", council_id=None, actor="make-run")
    with session_scope() as session:
        council = session.scalars(select(Council).where(Council.name == DEMO_COUNCIL)).first()
        if council is None:
            council = councils.create(session, DEMO_COUNCIL, admin.actor)
        case = session.scalars(
            select(Case).where(Case.council_id == council.id, Case.reference == DEMO_REFERENCE)
        ).first()
        if case is None:
            case = cases.create(
                session,
                admin,
                council_id=council.id,
                reference=DEMO_REFERENCE,
                theme="older_people",
                phone=DEMO_PHONE,
                language="en",
                priority="primary",
            )
        token = tokens.issue(session, "council_staff", council.id, "demo staff", admin.actor)
        password = secrets.token_urlsafe(12)
        for email, role, council_id in (
            (DEMO_STAFF_EMAIL, "council_staff", council.id),
            (DEMO_TEAM_EMAIL, "team", None),
        ):
            user = users.by_email(session, email)
            if user is None:
                users.create(session, email, password, role, council_id, admin.actor)
            else:
                users.set_password(session, user, password, admin.actor)
        return Demo(
            invite_code=case.invite_code,
            case_id=case.id,
            invite_token=case.invite_token,
            staff_token=token,
            password=password,
        )
