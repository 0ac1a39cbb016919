"""A conversation, as the channels need it between turns: where it is, what was answered (for a retry), and
the answers that came late and wait for the chat page. Taking a message is server.services.inbound.

Each function is its own unit of work.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import OperationalError

from server.domain import cases, conversations, invite_codes
from server.domain.db import session_scope
from server.settings import get_settings


@dataclass(frozen=True)
class Where:
    """A conversation's stage, case and language (no stage or case, and the default language, when new)."""

    stage: str | None
    case_id: int | None
    language: str


def where(conversation_id: str) -> Where:
    with session_scope() as session:
        conversation = conversations.get(session, conversation_id)
        if conversation is None:
            return Where(None, None, get_settings().default_language)
        return Where(conversation.stage, conversation.case_id, conversation.language)


def answered_with(message_id: int, bodies: list[str]) -> None:
    """What a message was answered with in the channel's wire format, so a retried webhook gets exactly that."""
    with session_scope() as session:
        conversations.save_reply(session, message_id, bodies)


def reply_of(message_id: int) -> list[str] | None:
    """What a message was answered with, in the channel's wire format (answered_with), or None."""
    with session_scope() as session:
        return conversations.reply_of(session, message_id)


def keep_for_page(conversation_id: str, bodies: list[str]) -> None:
    """Answers that came late, kept until the person's page fetches them."""
    with session_scope() as session:
        for body in bodies:
            conversations.store_outbound(session, conversation_id, body)


def waiting(conversation_id: str) -> list[str]:
    """Late answers not yet shown, oldest first; each is handed out once."""
    with session_scope() as session:
        return conversations.take_waiting(session, conversation_id)


def language_of_code(code: str, attempt_key: str) -> str | None:
    """The language of the case an invitation link's token or code opens, or None (also when the records cannot
    be read just now: the chat page still opens, in the browser's language, and its messages are answered once the
    database is back).

    A link's token is never counted. Telling a code's language would tell a guesser that the code is real, so a
    look-up of a code counts as a typed code (server.domain.invite_codes): a wrong one is a failed attempt, and
    while codes are slowed or handed to a person nothing is told."""
    try:
        return _language_of_code(code, attempt_key)
    except OperationalError:
        return None


def _language_of_code(code: str, attempt_key: str) -> str | None:
    with session_scope() as session:
        if invite_codes.looks_like_token(code):
            found = cases.by_invite_token(session, code)
            return found.language if found is not None else None
        if not invite_codes.looks_like_code(code):
            return None
        counter = invite_codes.counter(session)
        page = invite_codes.attempt_key("page", attempt_key)
        keys = invite_codes.Keys(attempt_key, page, get_settings().code_attempts_per_hour)
        if invite_codes.standing(counter, keys).verdict is not invite_codes.Verdict.CHECK:
            return None
        case = cases.by_invite_code(session, code)
        if case is None:
            invite_codes.failed(counter, keys)
            return None
        return case.language
