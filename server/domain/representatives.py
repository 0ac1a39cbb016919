"""People helping the person: their role, how to reach them, and whether they speak for the person."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import audit
from server.domain.errors import InvalidInput
from server.domain.models import Conversation, Representative

ROLES = ("independent_advocate", "family_member", "friend", "paid_carer", "attorney", "deputy")
# The roles that make `advocate_involved` true on a case.
ADVOCATE_ROLES = ("independent_advocate", "family_member", "friend")
FIELDS = ("role", "name", "contact", "joins_meeting", "on_behalf")


def start(session: Session, conversation: Conversation, actor: str) -> Representative:
    """Someone said they are helping: note them on this conversation (their details come next)."""
    assert conversation.case_id is not None
    if conversation.representative_id is not None:
        existing = session.get(Representative, conversation.representative_id)
        if existing is not None:
            return existing
    rep = Representative(case_id=conversation.case_id)
    session.add(rep)
    session.flush()
    conversation.representative_id = rep.id
    session.flush()
    audit.append(session, actor, "representative.added", conversation.case_id, {"representative_id": rep.id})
    return rep


def update(session: Session, rep: Representative, field: str, value: str | bool | None, actor: str) -> None:
    if field not in FIELDS:
        raise InvalidInput(f"Unknown representative field {field}.")
    if field == "role" and value not in ROLES:
        raise InvalidInput(f"The role must be one of {ROLES}.")
    if isinstance(value, str):
        value = value.strip()[:200] or None
    setattr(rep, field, value)
    session.flush()
    # The field's name, never its value: names and contacts are personal data.
    detail: dict[str, object] = {"representative_id": rep.id, "field": field}
    if field in ("role", "joins_meeting", "on_behalf"):
        detail["value"] = value
    audit.append(session, actor, "representative.updated", rep.case_id, detail)


# What a helper gives that is read back before it is kept.
HELD = ("name", "contact")


def hold(session: Session, conversation: Conversation, field: str, value: str | None) -> None:
    """A helper's name or contact, held on the conversation until the read-back is answered (nothing audited: it
    is not kept yet)."""
    if field not in HELD:
        raise InvalidInput(f"Unknown held field {field}.")
    conversation.held = {**(conversation.held or {}), field: value.strip()[:200] or None if value else None}
    session.flush()


def held(conversation: Conversation) -> dict[str, str | None]:
    return dict(conversation.held or {})


def keep_held(session: Session, conversation: Conversation, actor: str) -> None:
    """The read-back was right: what was held is kept on the representative (audited), and let go of here."""
    rep = start(session, conversation, actor)
    for field, value in held(conversation).items():
        if field in HELD:
            update(session, rep, field, value, actor)
    drop_held(session, conversation)


def drop_held(session: Session, conversation: Conversation) -> None:
    if conversation.held is not None:
        conversation.held = None
        session.flush()


def for_conversation(session: Session, conversation: Conversation) -> Representative | None:
    if conversation.representative_id is None:
        return None
    return session.get(Representative, conversation.representative_id)


def for_case(session: Session, case_id: int) -> list[Representative]:
    return list(session.scalars(select(Representative).where(Representative.case_id == case_id)))


def advocate_involved(session: Session, case_id: int) -> bool:
    return any(rep.role in ADVOCATE_ROLES for rep in for_case(session, case_id))
