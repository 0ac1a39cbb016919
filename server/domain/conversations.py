"""Conversations: which case a chat, text or call belongs to, and where the person is in it."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session, contains_eager

from server.domain import audit, cases, consent, invite_codes
from server.domain.errors import InvalidInput
from server.domain.models import Case, Conversation, Message
from server.settings import get_settings


class LinkResult(Enum):
    """How joining by a code or link went; the value names what the person is told (when not linked)."""

    LINKED = "linked"
    WRONG = "code_wrong"
    # This conversation had too many wrong codes this hour (the link still works).
    LOCKED = "code_locked"
    # Codes are slowed: try again in a little while (or use the link).
    WAIT = "code_wait"
    # Codes are being guessed from everywhere: not checked now; a person helps (and the link still works).
    PERSON = "code_person"


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
    select(Conversation)
    .outerjoin(Conversation.case)
    .options(contains_eager(Conversation.case).with_expression(Case.consent_now, consent.state_of_case()))
    .where(Conversation.id == bindparam("conversation_id"))
)
_MARK_ANSWERED = (
    update(Message)
    .where(Message.id == bindparam("message_id"))
    .values(processed=True)
    .execution_options(synchronize_session=False)
)
_MARK_UNANSWERED = _MARK_ANSWERED.values(processed=False)
# Taking a message that nobody has answered yet: the same update, only while it is unanswered.
_CLAIM = _MARK_ANSWERED.where(Message.processed.is_(False))
_SAVE_REPLY = (
    update(Message)
    .where(Message.id == bindparam("message_id"))
    .values(reply=bindparam("bodies", type_=Message.reply.type))
    .execution_options(synchronize_session=False)
)
_BY_EXTERNAL_ID = select(Message).where(Message.external_id == bindparam("external_id"))


# A turn holds its conversation's row until it commits (PostgreSQL; SQLite's writers already take turns), so two
# messages of one person sent at once are answered one after the other, each from where the other left off.
_WITH_CASE_LOCKED = _WITH_CASE.with_for_update(of=Conversation)


def with_case(session: Session, conversation_id: str) -> Conversation | None:
    """The conversation, with its case (`conversation.case`) and the case's consent state (`case.consent_now`)
    read in the same statement: a turn needs all three. Its row is held until the unit of work ends."""
    return session.scalars(_WITH_CASE_LOCKED, {"conversation_id": conversation_id}).first()


def get_or_create(session: Session, conversation_id: str, channel: str, language: str, stage: str) -> Conversation:
    """The conversation (held, with its case), or a new one at `stage` (the dialogue names its first); two first
    messages at once: one insert fails and its unit of work is run again (server.domain.db.run), finding this one."""
    conversation = with_case(session, conversation_id)
    if conversation is None:
        conversation = Conversation(id=conversation_id, channel=channel, language=language, stage=stage)
        session.add(conversation)
        session.flush()
    return conversation


# One statement, no ORM object: nothing of a person's message changes later in the turn that stores it.
_STORE_INBOUND = insert(Message).values(direction="in")


def store_inbound(
    session: Session,
    conversation_id: str,
    text: str,
    external_id: str | None = None,
    answered: bool = False,
    reply: list[str] | None = None,
) -> int:
    """Keep a person's message, and its id; a second message with the same external id raises IntegrityError.
    `answered`: stored as answered (else the retry loop answers it); `reply`: what it was answered with, in the
    channel's wire format, for a provider's retry (save_reply, when the answer comes later)."""
    params: dict[str, object] = {
        "conversation_id": conversation_id,
        "text": text,
        "external_id": external_id,
        "processed": answered,
    }
    if reply is not None:
        params["reply"] = reply  # (left out when None: SQL's NULL, not JSON's null)
    # On the session's connection, as Core: the ORM's insert would make and track an object for nothing.
    stored = session.connection().execute(_STORE_INBOUND, params)
    key = stored.inserted_primary_key
    assert key is not None
    return int(key[0])


def settle_inbound(session: Session, message_id: int, answered: bool, reply: list[str] | None) -> None:
    """A message stored as answered with nothing to keep (store_inbound) before its turn ended: unanswered after all,
    or with a reply to keep. Nothing is written when it ended so."""
    if not answered:
        session.execute(_MARK_UNANSWERED, {"message_id": message_id})
    if reply is not None:
        save_reply(session, message_id, reply)


def mark_answered(session: Session, message_id: int) -> None:
    """The message has its answer: it is not tried again when Rasa comes back."""
    session.execute(_MARK_ANSWERED, {"message_id": message_id})


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
    """What we answered, so a retried webhook gets exactly the same answer (a message answered in the turn that
    stored it keeps its reply then: store_inbound)."""
    session.execute(_SAVE_REPLY, {"message_id": message_id, "bodies": bodies})


def reply_of(session: Session, message_id: int) -> list[str] | None:
    """What a message was answered with (save_reply), or None: unknown, purged, or not answered yet."""
    message = session.get(Message, message_id)
    return message.reply if message is not None else None


def offer_choices(session: Session, conversation: Conversation, choices: dict[str, str]) -> None:
    """The numbered choices the last text offered: a reply of "2" is the second."""
    if conversation.choices != choices:
        conversation.choices = choices


def link_by_code(
    session: Session, conversation: Conversation, code: str, attempt_key: str, per_hour: int
) -> LinkResult:
    return link_by_codes(session, conversation, [code], attempt_key, per_hour)


def link_by_codes(
    session: Session, conversation: Conversation, candidates: list[str], attempt_key: str, per_hour: int
) -> LinkResult:
    """Join the case whose link token or code is the first candidate that is one (a message is one attempt,
    however many code-shaped words it holds).

    A link's token is never counted and never refused: nobody guesses 192 random bits. Typed codes are counted
    per address (`per_hour` before it is slowed), per conversation and over all conversations
    (server.domain.invite_codes): a conversation with too many wrong codes is refused codes for the hour, anyone
    else is only slowed, and when codes are guessed from everywhere they are handed to a person, and staff told."""
    tokens = [c for c in candidates if invite_codes.looks_like_token(c)]
    for token in tokens:
        case = cases.by_invite_token(session, token)
        if case is not None:
            attach(session, conversation, case, "link")
            return LinkResult.LINKED
    codes = [c for c in candidates if c not in tokens]
    if not codes:
        return LinkResult.WRONG
    counts = invite_codes.counter(session)
    keys = invite_codes.Keys(attempt_key, invite_codes.attempt_key("conversation", conversation.id), per_hour)
    standing = invite_codes.standing(counts, keys)
    if standing.verdict is invite_codes.Verdict.PERSON:
        invite_codes.tell_staff(session, invite_codes.Verdict.PERSON, standing.overall)
        return LinkResult.PERSON
    if standing.verdict is invite_codes.Verdict.LOCKED:
        return LinkResult.LOCKED
    if standing.verdict is invite_codes.Verdict.WAIT:
        return LinkResult.WAIT
    case = None
    for code in codes:
        case = cases.by_invite_code(session, code)
        if case is not None:
            break
    if case is None:
        overall = invite_codes.failed(counts, keys)
        if overall >= get_settings().code_attempts_overall_per_hour:
            invite_codes.tell_staff(session, invite_codes.Verdict.WAIT, overall)
        return LinkResult.WRONG
    attach(session, conversation, case, "code")
    return LinkResult.LINKED


def attach(session: Session, conversation: Conversation, case: Case, by: str = "number") -> None:
    conversation.case_id, conversation.case = case.id, case
    conversation.language = case.language
    if case.status in ("created", "invited"):
        case.status = "engaged"
    session.flush()
    audit.append(session, "person", "conversation.linked", case.id, {"channel": conversation.channel, "by": by})


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
    """Where the conversation is now; written with the rest of the unit of work, and only what changed (an
    attribute set to its own value still makes the commit work out what to write, for nothing)."""
    for name in ("stage", "explain_step", "pending_answer"):
        if getattr(conversation, name) != getattr(position, name):
            setattr(conversation, name, getattr(position, name))


def position(conversation: Conversation) -> Position:
    return Position(conversation.stage, conversation.explain_step, conversation.pending_answer)


def note_understood(session: Session, conversation: Conversation, understood: bool) -> int:
    """Count misunderstandings in a row; any understood turn resets the count."""
    count = conversation.misunderstood + 1 if not understood else 0
    if count != conversation.misunderstood:
        conversation.misunderstood = count
    return count


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
