"""Conversations: which case a chat, text or call belongs to, and where the person is in it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from server.domain import audit, cases, invite_codes
from server.domain.errors import InvalidInput
from server.domain.models import Case, Conversation, Message


class LinkResult(Enum):
    LINKED = "linked"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class Position:
    stage: str
    explain_step: int = 0
    pending_answer: str | None = None


def get(session: Session, conversation_id: str) -> Conversation | None:
    return session.get(Conversation, conversation_id)


# Built once: these run on every message, and on this stack building and keying a statement costs more than running
# it (SQLAlchemy keeps a statement's cache key with the statement object).
_CASE_OF = select(Conversation.case_id).where(Conversation.id == bindparam("conversation_id"))
_WITH_CASE = (
    select(Conversation, Case)
    .outerjoin(Case, Case.id == Conversation.case_id)
    .where(Conversation.id == bindparam("conversation_id"))
)
_CLAIM = (
    update(Message)
    .where(Message.id == bindparam("message_id"), Message.processed.is_(False))
    .values(processed=True)
    .execution_options(synchronize_session=False)
)
_BY_EXTERNAL_ID = select(Message).where(Message.external_id == bindparam("external_id"))


def with_case(session: Session, conversation_id: str) -> Conversation | None:
    """The conversation, with its case read in the same statement (a turn needs both; `session.get(Case, ...)`
    then finds the case without asking the database again)."""
    found = session.execute(_WITH_CASE, {"conversation_id": conversation_id}).first()
    return found[0] if found is not None else None


def get_or_create(session: Session, conversation_id: str, channel: str, language: str) -> Conversation:
    conversation = with_case(session, conversation_id)
    if conversation is None:
        conversation = Conversation(id=conversation_id, channel=channel, language=language)
        session.add(conversation)
        session.flush()
    return conversation


def store_inbound(session: Session, conversation: Conversation, text: str, external_id: str | None = None) -> Message:
    """Kept before anything else happens; a second message with the same external id raises IntegrityError."""
    message = Message(conversation_id=conversation.id, direction="in", text=text, external_id=external_id)
    session.add(message)
    session.flush()
    return message


def mark_answered(session: Session, message: Message | None) -> None:
    """The message has its answer: it is not tried again when Rasa comes back."""
    if message is not None:
        message.processed = True
        session.flush()


def has_case(session: Session, conversation_id: str) -> bool:
    """Whether a conversation is joined to a case, in one small read."""
    return session.scalar(_CASE_OF, {"conversation_id": conversation_id}) is not None


def claim(session: Session, message_id: int) -> bool:
    """Take an unanswered message to answer it now, in one statement: False when it is gone or already answered
    (another server, or the retry loop, got there first). Undone with the rest if the unit of work fails."""
    # Nothing loaded needs changing to match (synchronize_session=False): the message is not read again this turn.
    claimed = session.execute(_CLAIM, {"message_id": message_id})
    return bool(getattr(claimed, "rowcount", 0))


def by_external_id(session: Session, external_id: str) -> Message | None:
    return session.scalars(_BY_EXTERNAL_ID, {"external_id": external_id}).first()


def save_reply(session: Session, message_id: int, bodies: list[str]) -> None:
    """What we answered, so a retried webhook gets exactly the same answer."""
    message = session.get(Message, message_id)
    if message is not None:
        message.reply = bodies
        session.flush()


def reply_of(session: Session, message_id: int) -> list[str] | None:
    """What a message was answered with (save_reply), or None: unknown, purged, or not answered yet."""
    message = session.get(Message, message_id)
    return message.reply if message is not None else None


def offer_choices(session: Session, conversation_id: str, choices: dict[str, str]) -> None:
    conversation = session.get(Conversation, conversation_id)
    if conversation is not None:
        conversation.choices = choices
        session.flush()


def link_by_code(
    session: Session, conversation: Conversation, code: str, attempt_key: str, per_hour: int
) -> LinkResult:
    return link_by_codes(session, conversation, [code], attempt_key, per_hour)


def link_by_codes(
    session: Session, conversation: Conversation, candidates: list[str], attempt_key: str, per_hour: int
) -> LinkResult:
    """Join the case whose code is the first candidate that is one (a message is one attempt, however many code-
    shaped words it holds). Wrong codes are limited per address (`per_hour`), per conversation and over all
    conversations; once any is reached, even a right code is refused for the hour, so guessing from many places
    at once gains nothing."""
    counts = invite_codes.counter(session)
    limits = invite_codes.limits(attempt_key, conversation.id, per_hour)
    if any(counts.locked(key, limit) for key, limit in limits):
        return LinkResult.LOCKED
    case = None
    for code in candidates:
        case = cases.by_invite_code(session, code)
        if case is not None:
            break
    if case is None:
        for key, limit in limits:
            counts.failed(key, limit)
        return LinkResult.WRONG
    attach(session, conversation, case)
    return LinkResult.LINKED


def attach(session: Session, conversation: Conversation, case: Case) -> None:
    conversation.case_id = case.id
    conversation.language = case.language
    if case.status in ("created", "invited"):
        case.status = "engaged"
    session.flush()
    audit.append(session, "person", "conversation.linked", case.id, {"channel": conversation.channel})


def set_language(session: Session, conversation: Conversation, language: str, actor: str) -> bool:
    """Speak `language` from now on: in this conversation, and to the person's case (the texts, reminders and
    calls that come later). True when it changed. Audited, without anything the person said."""
    if language not in cases.LANGUAGES:
        raise InvalidInput(f"The language must be one of: {', '.join(cases.LANGUAGES)}.", "language")
    before = conversation.language
    conversation.language = language
    case = session.get(Case, conversation.case_id) if conversation.case_id is not None else None
    if case is not None and case.language != language:
        before = case.language
        case.language = language
    session.flush()
    if before == language:
        return False
    detail: dict[str, object] = {"from": before, "to": language, "channel": conversation.channel}
    audit.append(session, actor, "conversation.language_changed", conversation.case_id, detail)
    return True


def move(session: Session, conversation: Conversation, position: Position) -> None:
    conversation.stage = position.stage
    conversation.explain_step = position.explain_step
    conversation.pending_answer = position.pending_answer
    session.flush()


def position(conversation: Conversation) -> Position:
    return Position(conversation.stage, conversation.explain_step, conversation.pending_answer)


def note_understood(session: Session, conversation: Conversation, understood: bool) -> int:
    """Count misunderstandings in a row; any understood turn resets the count."""
    conversation.misunderstood = conversation.misunderstood + 1 if not understood else 0
    session.flush()
    return conversation.misunderstood


def mark_unsure(session: Session, case: Case) -> None:
    if not case.unsure:
        case.unsure = True
        session.flush()
        audit.append(session, "person", "consent.unsure", case.id, {})


def store_outbound(session: Session, conversation_id: str, body: str) -> None:
    """An answer that came late, kept until the person's page fetches it."""
    session.add(Message(conversation_id=conversation_id, direction="out", text=body, processed=False))
    session.flush()


def take_waiting(session: Session, conversation_id: str) -> list[str]:
    """Late answers not yet shown, oldest first; each is handed out once."""
    rows = list(
        session.scalars(
            select(Message)
            .where(Message.conversation_id == conversation_id, Message.direction == "out", Message.processed.is_(False))
            .order_by(Message.id)
        )
    )
    for row in rows:
        row.processed = True
    session.flush()
    return [row.text for row in rows]
