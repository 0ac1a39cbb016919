"""Bearer-token authentication and role checks for the staff, team and admin API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request

from server.domain import tokens
from server.domain.db import session_scope
from server.domain.tokens import Principal
from server.settings import get_settings


def principal(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(401, "Sign in with a bearer token.", headers={"WWW-Authenticate": "Bearer"})
    with session_scope() as session:
        found = tokens.authenticate(session, token.strip(), get_settings().admin_token)
    if found is None:
        raise HTTPException(401, "That token is not valid.", headers={"WWW-Authenticate": "Bearer"})
    return found


def require(*roles: str) -> Callable[[Principal], Principal]:
    def check(caller: Annotated[Principal, Depends(principal)]) -> Principal:
        if caller.role not in roles:
            raise HTTPException(403, "Your role cannot do this.")
        return caller

    return check


def manager(caller: Annotated[Principal, Depends(principal)]) -> Principal:
    """Creating cases, inviting, calling and closing assessments: councils and admins, and team members an admin
    gave the right to (least privilege: the team's own work is the hand-offs)."""
    if not caller.manages_cases:
        raise HTTPException(403, "Your role cannot do this. An admin can give a team member the right to manage cases.")
    return caller


Caller = Annotated[Principal, Depends(principal)]
Admin = Annotated[Principal, Depends(require("admin"))]
CaseWriter = Annotated[Principal, Depends(require("admin", "council_staff", "team"))]
CaseManager = Annotated[Principal, Depends(manager)]
# The assessment team's work (the hand-off queue, meetings): council staff get 403.
Team = Annotated[Principal, Depends(require("admin", "team"))]
