"""The tables. Only modules in server.domain write to them."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, query_expression, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(at: datetime) -> datetime:
    """`at` in UTC. A naive datetime is taken as UTC: what SQLite stores, and what a time typed without a zone
    means here (`make purge --now 2027-03-01`)."""
    return at.astimezone(UTC) if at.tzinfo else at.replace(tzinfo=UTC)


def iso(at: datetime) -> str:
    """ISO 8601 in UTC."""
    return as_utc(at).isoformat()


class AwareDateTime(TypeDecorator[datetime]):
    """Every datetime column: stored in UTC, and handed back timezone-aware in UTC on SQLite (which keeps no zone)
    and PostgreSQL (which answers in the session's zone) alike, so no code needs to ask which database it is on."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else as_utc(value)


class Base(DeclarativeBase):
    pass


class Council(Base):
    __tablename__ = "councils"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # When the regulator's fieldwork starts: the team schedules the nearest first.
    fieldwork_date: Mapped[date | None] = mapped_column(Date)
    # When the assessment closed: personal data of its cases is purged a configured number of days later.
    assessment_closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # When the assessment's report is expected, as "YYYY-MM": the thank-you after a meeting names the month.
    report_expected: Mapped[str | None] = mapped_column(String(7))
    # How many completed talks the council needs (None: the pick's primaries); when they are reached, the reserves
    # still waiting are told they are not needed (at `talks_done_at`).
    talks_needed: Mapped[int | None] = mapped_column(Integer)
    talks_done_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class StaffToken(Base):
    __tablename__ = "staff_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Only a SHA-256 of the token is kept: a copy of the database gives no working tokens.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    council_id: Mapped[int | None] = mapped_column(ForeignKey("councils.id"))
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # A team member may create cases, invite, call and close assessments only when an admin said so.
    can_manage_cases: Mapped[bool] = mapped_column(default=False, server_default=false())


class Case(Base):
    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("council_id", "reference"),
        UniqueConstraint("invite_token", name="uq_cases_invite_token"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    reference: Mapped[str] = mapped_column(String(100))
    theme: Mapped[str] = mapped_column(String(40))
    priority: Mapped[str] = mapped_column(String(10))
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    language: Mapped[str] = mapped_column(String(10))
    invite_code: Mapped[str] = mapped_column(String(16), unique=True)
    # The invitation link's token (/start/<token>): 192 random bits, never guessed, so never counted or locked.
    invite_token: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="created")
    unsure: Mapped[bool] = mapped_column(default=False)
    # Where the invitation got to: not_sent, outbox, queued, sent, delivered, failed, undelivered, blocked.
    invite_status: Mapped[str] = mapped_column(String(20), default="not_sent", server_default="not_sent")
    invited_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # Set when a reminder got no answer: the team checks consent at the start of the meeting.
    check_consent_at_start: Mapped[bool] = mapped_column(default=False, server_default=false())
    # On a reserve: the primary case it is proposed to replace.
    reserve_for_case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id", name="fk_cases_reserve_for_case_id"))
    purged_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # The pick this case came from (None: loaded directly).
    selection_id: Mapped[int | None] = mapped_column(ForeignKey("selections.id", name="fk_cases_selection_id"))
    # Since when the case has been at risk of missing fieldwork (the team is told once); None when it is not.
    at_risk_since: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # How the case ended for the person (completed, not_needed, handoff_cancelled, assessment_closed), and when
    # they were told (None: not told, because they said STOP, no or stop, or cannot be reached).
    closed_reason: Mapped[str | None] = mapped_column(String(30))
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    closed_told_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)
    # Not a column: the latest consent record's state ("pending" before any), read with the case by a turn's first
    # statement (server.domain.conversations.with_case); None when the case was read without it.
    consent_now: Mapped[str | None] = query_expression()


class LongList(Base):
    """A council's anonymised long list. Its rows are deleted once a pick is made; its SHA-256 stays."""

    __tablename__ = "long_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(100))
    picked_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class LongListRow(Base):
    __tablename__ = "long_list_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    long_list_id: Mapped[int] = mapped_column(ForeignKey("long_lists.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(100))
    theme: Mapped[str] = mapped_column(String(40))
    primary_need: Mapped[str | None] = mapped_column(String(200))
    age_band: Mapped[str | None] = mapped_column(String(20))


class Selection(Base):
    """The team's seeded, stratified pick from a long list: re-runnable from its seed and the list."""

    __tablename__ = "selections"

    id: Mapped[int] = mapped_column(primary_key=True)
    council_id: Mapped[int] = mapped_column(ForeignKey("councils.id"), index=True)
    long_list_id: Mapped[int] = mapped_column(ForeignKey("long_lists.id"))
    seed: Mapped[int] = mapped_column(BigInteger)
    list_sha256: Mapped[str] = mapped_column(String(64))
    primary_count: Mapped[int] = mapped_column(Integer)
    reserve_count: Mapped[int] = mapped_column(Integer)
    primary: Mapped[list[str]] = mapped_column(JSON, default=list)
    reserve: Mapped[list[str]] = mapped_column(JSON, default=list)
    # The rules it was made by (README, "The pick"): "round_robin" or "proportional", and the size rule when the
    # primaries were a share of the list ({"share", "min", "max"}; None: a fixed count).
    allocation: Mapped[str] = mapped_column(String(20), default="round_robin", server_default="round_robin")
    size: Mapped[dict[str, float] | None] = mapped_column(JSON)
    made_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    voided_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    voided_by: Mapped[str | None] = mapped_column(String(100))
    void_reason: Mapped[str | None] = mapped_column(String(300))


class NoticeVersion(Base):
    """The exact explanation and question a person was shown, kept once per content hash."""

    __tablename__ = "notice_versions"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    language: Mapped[str] = mapped_column(String(10))
    channel: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class ConsentRecord(Base):
    """Append-only: the current consent of a case is its newest record."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    state: Mapped[str] = mapped_column(String(20))
    given_by: Mapped[str] = mapped_column(String(20))
    representative_role: Mapped[str | None] = mapped_column(String(40))
    notice_version: Mapped[str] = mapped_column(ForeignKey("notice_versions.hash"))
    channel: Mapped[str] = mapped_column(String(20))
    conversation_id: Mapped[str | None] = mapped_column(String(100))
    # On a call: whether we knew who was on the line (a call we placed, or caller ID fully attested). False: a stop
    # taken on a call the person made, recorded at once; the team may ring the number on file to check. None: not a
    # call.
    caller_verified: Mapped[bool | None] = mapped_column()
    at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class Conversation(Base):
    """Where a person is in the conversation. Rasa's tracker can be lost; this cannot."""

    __tablename__ = "conversations"

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    language: Mapped[str] = mapped_column(String(10))
    # Where the conversation is; the dialogue names every stage (dialogue/stages.py), its first included.
    stage: Mapped[str] = mapped_column(String(20))
    explain_step: Mapped[int] = mapped_column(Integer, default=0)
    pending_answer: Mapped[str | None] = mapped_column(String(10))
    misunderstood: Mapped[int] = mapped_column(Integer, default=0)
    # The numbered choices last offered by text ("1" -> "/affirm"), so a reply of "1" means that choice.
    choices: Mapped[dict[str, str]] = mapped_column(JSON, default=dict, server_default="{}")
    # A helper's name and contact as they gave them, held until they are read back and confirmed (then they are
    # kept on the representative, and this is emptied): a slip is never a record.
    held: Mapped[dict[str, str | None] | None] = mapped_column(JSON)
    # Who is replying, when it is someone helping the person rather than the person.
    representative_id: Mapped[int | None] = mapped_column(
        ForeignKey("representatives.id", name="fk_conversations_representative_id")
    )
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)
    # The case, read with the conversation in one statement on every turn (server.domain.conversations.with_case).
    case: Mapped[Case | None] = relationship(foreign_keys=[case_id])


class Message(Base):
    """Every inbound message, stored before it is processed, so nothing a person sends is lost."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("external_id", name="uq_messages_external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[str] = mapped_column(ForeignKey("conversations.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))
    text: Mapped[str] = mapped_column(Text)
    processed: Mapped[bool] = mapped_column(default=False)
    # The provider's id (Twilio's MessageSid): a retried webhook is recognised and answered the same way.
    external_id: Mapped[str | None] = mapped_column(String(64))
    reply: Mapped[list[str] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class DatabaseIdentity(Base):
    """One row: which database this is, made at its first migration. Audit checkpoints are kept per identity, so a
    fresh database is not judged by an old one's checkpoints, and a replaced one is named."""

    __tablename__ = "database_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    identity: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    # Made by upgrading a database that had audit events: the checkpoints signed for its address before identities
    # existed are its own.
    from_upgrade: Mapped[bool] = mapped_column(default=False, server_default=false())


class CodeAttempt(Base):
    __tablename__ = "code_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # A hash of the caller's address or number: limits guessing without storing who guessed.
    key_hash: Mapped[str] = mapped_column(String(64), index=True)
    success: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class Handoff(Base):
    """Work for a person on the team: scheduling a meeting, or talking with someone who needs a person."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(100))
    # schedule, asked, not_understood, distress, withdrew, check_consent
    reason: Mapped[str] = mapped_column(String(30))
    urgent: Mapped[bool] = mapped_column(default=False)
    # open, claimed, scheduled, completed, cancelled
    status: Mapped[str] = mapped_column(String(20), default="open")
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    claimed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class AuditEvent(Base):
    """Append-only, each event chained to the one before by a hash."""

    __tablename__ = "audit_events"
    __table_args__ = (UniqueConstraint("prev_hash", name="uq_audit_events_prev_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    detail: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    # Unique: two events can never claim the same predecessor, so concurrent writers cannot fork the chain.
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class OutboundMessage(Base):
    """Every text we send or would send: with no Twilio account it stays here, in the local outbox."""

    __tablename__ = "outbound_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))
    to: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    provider_sid: Mapped[str | None] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20))
    error_code: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)


class SmsOptOut(Base):
    """Numbers that texted STOP: nothing is sent to them until they text START."""

    __tablename__ = "sms_opt_outs"

    phone: Mapped[str] = mapped_column(String(20), primary_key=True)
    at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class Representative(Base):
    """Someone helping the person: who they are to them, how to reach them, and what they do for them."""

    __tablename__ = "representatives"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    # independent_advocate, family_member, friend, paid_carer, attorney, deputy
    role: Mapped[str | None] = mapped_column(String(30))
    name: Mapped[str | None] = mapped_column(String(200))
    contact: Mapped[str | None] = mapped_column(String(200))
    joins_meeting: Mapped[bool | None] = mapped_column()
    on_behalf: Mapped[bool | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)


class Preferences(Base):
    """How the person would like to meet: their communication needs, in the Accessible Information Standard's sense."""

    __tablename__ = "preferences"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    how: Mapped[list[str]] = mapped_column(JSON, default=list)
    support: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpreter_language: Mapped[str | None] = mapped_column(String(100))
    days: Mapped[list[str]] = mapped_column(JSON, default=list)
    times: Mapped[list[str]] = mapped_column(JSON, default=list)
    avoid_dates: Mapped[str | None] = mapped_column(Text)
    contact_by: Mapped[str | None] = mapped_column(String(20))
    completed: Mapped[bool] = mapped_column(default=False)
    # They asked for someone who has had care too in their own words before the question about help: their answer
    # to that question keeps the wish (server.domain.preferences.set_field).
    expert_wish_pending: Mapped[bool] = mapped_column(default=False, server_default=false())
    updated_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow, onupdate=utcnow)


class Meeting(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    handoff_id: Mapped[int | None] = mapped_column(ForeignKey("handoffs.id"))
    at: Mapped[datetime] = mapped_column(AwareDateTime())
    how: Mapped[str] = mapped_column(String(30))
    where: Mapped[str | None] = mapped_column(String(300))
    who: Mapped[str | None] = mapped_column(String(300))
    # scheduled, completed, cancelled
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    reminder_sent_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
    # not_asked, asked, confirmed, declined, no_answer
    reconfirm: Mapped[str] = mapped_column(String(20), default="not_asked")
    # An Expert by Experience (someone who has had care and support too) joins the meeting.
    expert_by_experience: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)


class StaffUser(Base):
    """Someone who signs in to the pages: council staff (of one council) or the assessment team."""

    __tablename__ = "staff_users"
    __table_args__ = (
        PrimaryKeyConstraint("id", name="pk_staff_users"),
        UniqueConstraint("email", name="uq_staff_users_email"),
        ForeignKeyConstraint(["council_id"], ["councils.id"], name="fk_staff_users_council_id"),
    )

    id: Mapped[int] = mapped_column()
    # Kept in lower case, so "Sam@Council.gov.uk" and "sam@council.gov.uk" are one account.
    email: Mapped[str] = mapped_column(String(254))
    # An argon2id hash (argon2-cffi), with its own salt and parameters; never the password.
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    council_id: Mapped[int | None] = mapped_column()
    # As on StaffToken: the right to create cases, invite, call and close assessments, for a team member.
    can_manage_cases: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(AwareDateTime())


class StaffSession(Base):
    """A signed-in browser. The cookie holds a signed random token; only its SHA-256 is kept here."""

    __tablename__ = "staff_sessions"
    __table_args__ = (
        PrimaryKeyConstraint("id", name="pk_staff_sessions"),
        UniqueConstraint("token_hash", name="uq_staff_sessions_token_hash"),
        ForeignKeyConstraint(["user_id"], ["staff_users.id"], name="fk_staff_sessions_user_id"),
        Index("ix_staff_sessions_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column()
    token_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(AwareDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(AwareDateTime())
