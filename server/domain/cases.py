"""Cases: the people a council put forward, and what the staff API shows of them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Literal, get_args

import phonenumbers
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from easyread.languages import available
from server.domain import audit, consent, councils, invite_codes, representatives
from server.domain.errors import Conflict, Forbidden, InvalidInput, NotFound
from server.domain.models import Case, Conversation, Council, iso, utcnow
from server.domain.tokens import Principal
from server.settings import get_settings

Theme = Literal[
    "older_people",
    "transition_to_adult",
    "hospital_discharge",
    "autism_learning_disability",
    "mental_health_substance",
    "physical_disability_long_term",
    "unpaid_carer",
]
THEMES: tuple[str, ...] = get_args(Theme)
PRIORITIES = ("primary", "reserve")
# Where a case is up to (Case.status), in order. Set by: cases (created), outbound (invited, once an invitation
# is on its way), conversations (engaged, when the person first replies), consent (answered), meetings (scheduled,
# completed; back to answered when a meeting is called off). The staff pages have a word for each.
STATUSES = ("created", "invited", "engaged", "answered", "scheduled", "completed")
# Where the invitation text got to (Case.invite_status): ours, then Twilio's (outbound.TWILIO_STATUSES).
INVITE_STATUSES = ("not_sent", "outbox", "blocked")
# Every language we speak: one with its files in easyread/ (easyread/languages.py).
LANGUAGES = available()


def normalise_phone(raw: str) -> str:
    """E.164, reading a number without a country code as a UK one."""
    try:
        number = phonenumbers.parse(raw, "GB")
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput("That phone number is not valid.", "phone") from exc
    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    # Ofcom's drama range is reserved, so phonenumbers calls it invalid; examples and tests use nothing else.
    drama = re.fullmatch(r"\+447700900\d{3}", e164) is not None
    if not (drama or phonenumbers.is_valid_number(number)):
        raise InvalidInput("That phone number is not valid.", "phone")
    return e164


def sender_phone(raw: str) -> str:
    """A text's or a call's number as cases record numbers (E.164), or as it came (trimmed) when it is not one."""
    try:
        return normalise_phone(raw)
    except InvalidInput:
        return raw.strip()[:20]


def create(
    session: Session,
    principal: Principal,
    *,
    council_id: int | None,
    reference: str,
    theme: str,
    phone: str | None,
    language: str,
    priority: str,
) -> Case:
    if not principal.manages_cases:
        raise Forbidden("Only councils, admins and team members given the right can add cases.")
    if principal.role == "council_staff":
        if council_id is not None and council_id != principal.council_id:
            raise Forbidden("You can only add cases to your own council.", "council_id")
        council_id = principal.council_id
    if council_id is None:
        raise InvalidInput("Say which council the case belongs to.", "council_id")
    councils.open_for_cases(session, council_id)
    reference = reference.strip()
    if not reference or len(reference) > 100:
        raise InvalidInput("Give a reference of 1 to 100 characters.", "reference")
    if theme not in THEMES:
        raise InvalidInput(f"The theme must be one of: {', '.join(THEMES)}.", "theme")
    if priority not in PRIORITIES:
        raise InvalidInput("The priority must be primary or reserve.", "priority")
    if language not in LANGUAGES:
        raise InvalidInput(f"The language must be one of: {', '.join(LANGUAGES)}.", "language")
    e164 = normalise_phone(phone) if phone else None
    if session.scalar(select(Case.id).where(Case.council_id == council_id, Case.reference == reference)):
        raise Conflict("This council already has a case with that reference.", "reference")
    case = Case(
        council_id=council_id,
        reference=reference,
        theme=theme,
        priority=priority,
        phone=e164,
        language=language,
        invite_code=invite_codes.new_code(),
        invite_token=invite_codes.new_token(),
    )
    session.add(case)
    try:
        session.flush()
    except IntegrityError as exc:  # two requests racing for the same reference
        raise Conflict("This council already has a case with that reference.", "reference") from exc
    audit.append(session, principal.actor, "case.created", case.id, {"council_id": council_id, "theme": theme})
    return case


def add_contact(session: Session, principal: Principal, case_id: int, phone: str | None, language: str | None) -> Case:
    """Council staff add the phone number and language of a case the team picked; only for picked cases, and only
    before the invitation goes."""
    if principal.role != "council_staff":
        raise Forbidden("Only the council's own staff add contact details.")
    case = get_for(session, principal, case_id)
    if case.status == "voided":
        raise NotFound("There is no case with that id.")
    if case.selection_id is None:
        raise Conflict("Contact details are added here only for cases the team picked from the long list.")
    if case.invited_at is not None or case.invite_status != "not_sent":
        raise Conflict("This person has been invited already: their contact details cannot change here.")
    if phone is None and language is None:
        raise InvalidInput("Give a phone number, a language, or both.", "phone")
    changed: list[str] = []
    if phone is not None:
        case.phone = normalise_phone(phone)
        changed.append("phone")
    if language is not None:
        if language not in LANGUAGES:
            raise InvalidInput(f"The language must be one of: {', '.join(LANGUAGES)}.", "language")
        case.language = language
        changed.append("language")
    session.flush()
    # Which fields changed, never their values.
    audit.append(session, principal.actor, "case.contact_added", case.id, {"fields": changed})
    return case


def visible_to(session: Session, principal: Principal) -> list[Case]:
    # A case left by a voided pick is kept for the audit trail, but is no one's case any more.
    query = select(Case).where(Case.status != "voided").order_by(Case.id)
    if principal.role == "council_staff":
        query = query.where(Case.council_id == principal.council_id)
    return list(session.scalars(query))


def get_for(session: Session, principal: Principal, case_id: int) -> Case:
    case = session.get(Case, case_id)
    # Another council's case looks exactly like a missing one: its existence is not disclosed.
    if case is None or (principal.role == "council_staff" and case.council_id != principal.council_id):
        raise NotFound("There is no case with that id.")
    return case


def by_phone(session: Session, phone: str) -> Case | None:
    """The case a text or call from this number joins, or None: then the person is asked for their code.

    The number is only trusted when it points at one council. A number on open cases (assessment not closed) of
    two councils is ambiguous, and joining the newest would let any council capture another's person just by
    adding their number: so neither is joined, unless the number already joined one of them on the other channel
    (a text with the code, then a call). Within one council the newest case is taken. When none of the number's
    cases is open, the newest one is, so a late STOP still reaches it.
    """
    rows = session.execute(
        select(Case, Council.assessment_closed_at)
        .join(Council, Council.id == Case.council_id)
        .where(Case.phone == phone, Case.purged_at.is_(None))
        .order_by(Case.id.desc())
    ).all()
    open_cases = [case for case, closed_at in rows if closed_at is None]
    candidates = open_cases or [case for case, _ in rows]
    if len({case.council_id for case in candidates}) == 1:
        return candidates[0]
    # Ambiguous: unless this number already joined one of them on another channel (by its code, or before the
    # second council added it), as when someone who texted their code later rings.
    ids = {case.id: case for case in candidates}
    joined = session.scalars(
        select(Conversation.case_id)
        .where(Conversation.id.in_([f"sms:{phone}", f"voice:{phone}"]), Conversation.case_id.in_(ids))
        .order_by(Conversation.updated_at.desc())
        .limit(1)
    ).first()
    return ids[joined] if joined is not None else None


def by_invite_code(session: Session, code: str, now: datetime | None = None) -> Case | None:
    """The case a code opens, or None: then the person hears "that code did not work", as for a wrong one.

    A code works until its council's assessment closes, and for at most INVITE_CODE_DAYS after the case was made:
    a letter found later (or a code copied from one) opens nothing. A purged case's code never does.
    """
    now = now or utcnow()
    oldest = now - timedelta(days=get_settings().invite_code_days)
    found = (
        select(Case)
        .join(Council, Council.id == Case.council_id)
        .where(
            Case.invite_code == invite_codes.normalise(code),
            Case.purged_at.is_(None),
            Council.assessment_closed_at.is_(None),
        )
    )
    case = session.scalars(found).first()
    if case is None or case.created_at < oldest:
        return None
    return case


def by_invite_token(session: Session, token: str, now: datetime | None = None) -> Case | None:
    """The case an invitation link opens, or None: the same rules as its code (until the assessment closes, for
    at most INVITE_CODE_DAYS, never once purged)."""
    now = now or utcnow()
    found = (
        select(Case)
        .join(Council, Council.id == Case.council_id)
        .where(Case.invite_token == token, Case.purged_at.is_(None), Council.assessment_closed_at.is_(None))
    )
    case = session.scalars(found).first()
    if case is None or case.created_at < now - timedelta(days=get_settings().invite_code_days):
        return None
    return case


def invite_link(case: Case) -> str:
    """The invitation link: opens the person's conversation, never counted as a guess."""
    return f"{get_settings().public_base_url.rstrip('/')}/start/{case.invite_token}"


def view(session: Session, case: Case, show_code: bool = True) -> dict[str, object]:
    """What staff see of a case: status, never conversation detail.

    The invitation code only for the council (which posts the letters) and admins: `show_code` False for the team.
    """
    current = consent.current(session, case.id)
    return {
        "id": case.id,
        "council_id": case.council_id,
        "reference": case.reference,
        "theme": case.theme,
        "priority": case.priority,
        "language": case.language,
        "invite_code": case.invite_code if show_code else None,
        "invite_link": invite_link(case) if show_code else None,
        "status": case.status,
        "consent": {
            "state": current.state if current else "pending",
            "given_by": current.given_by if current else None,
            "at": iso(current.at) if current else None,
            "unsure": case.unsure,
            "caller_verified": current.caller_verified if current else None,
        },
        "advocate_involved": representatives.advocate_involved(session, case.id),
        "invitation": {"status": case.invite_status},
        "check_consent_at_start": case.check_consent_at_start,
        "selection_id": case.selection_id,
        "closed": _closed(case),
        "has_phone": case.phone is not None,
        "created_at": iso(case.created_at),
    }


def _closed(case: Case) -> dict[str, object] | None:
    """How the case ended (server.domain.closing closes it), as the case shows it; None while it is open. Read from
    the case's own columns, so the case needs nothing of closing (which needs conversations, which need cases)."""
    if case.closed_reason is None:
        return None
    return {"reason": case.closed_reason, "told_at": iso(case.closed_told_at) if case.closed_told_at else None}
