"""Cases: load one or a file of them, add contact details, see them, invite, propose a reserve, say not needed."""

from __future__ import annotations

from typing import Any

from easyread.render import text
from easyread.sms_words import plain
from server.domain import audit, case_lists, cases, closing, councils, outbound, reserves, timeliness
from server.domain.db import session_scope
from server.domain.errors import InvalidInput
from server.domain.models import Case, iso, utcnow
from server.domain.tokens import Principal
from server.services.texts import Outgoing, of


def shows_codes(caller: Principal) -> bool:
    """Invitation codes are for whoever posts the letters: the council, and admins. Not the team."""
    return caller.role != "team"


def create(
    caller: Principal,
    *,
    council_id: int | None,
    reference: str,
    theme: str,
    phone: str | None,
    language: str,
    priority: str,
) -> dict[str, object]:
    with session_scope() as session:
        case = cases.create(
            session,
            caller,
            council_id=council_id,
            reference=reference,
            theme=theme,
            phone=phone,
            language=language,
            priority=priority,
        )
        return cases.view(session, case, shows_codes(caller))


def add_contact(caller: Principal, case_id: int, phone: str | None, language: str | None) -> dict[str, object]:
    """Council staff add the phone number and language of a case the team picked."""
    with session_scope() as session:
        case = cases.add_contact(session, caller, case_id, phone, language)
        return cases.view(session, case, shows_codes(caller))


def listed(caller: Principal) -> list[dict[str, object]]:
    with session_scope() as session:
        return [cases.view(session, case, shows_codes(caller)) for case in cases.visible_to(session, caller)]


def shown(caller: Principal, case_id: int) -> dict[str, object]:
    with session_scope() as session:
        return cases.view(session, cases.get_for(session, caller, case_id), shows_codes(caller))


def audit_trail(caller: Principal, case_id: int) -> list[dict[str, str]]:
    """What happened to a case's consent and contact, in order; no personal data."""
    with session_scope() as session:
        case = cases.get_for(session, caller, case_id)
        return [{"at": iso(e.at), "action": e.action, "actor": e.actor} for e in audit.events_for(session, case.id)]


def invite(caller: Principal, case_id: int) -> Outgoing:
    """The easy-read invitation to text (audited as sent): InvalidInput when the case has no phone."""
    with session_scope() as session:
        case = cases.get_for(session, caller, case_id)
        if not case.phone:
            raise InvalidInput("This case has no phone number to text.", "phone")
        council = councils.open_for_cases(session, case.council_id)
        body = plain(text("sms.invite", case.language, council=council.name, code=case.invite_code))
        audit.append(session, caller.actor, "case.invited", case.id, {"channel": "sms"})
        return of([outbound.Text(case.id, "invite", case.phone, body)])


def _reserve_view(primary: Case, found: Case | None) -> dict[str, object] | None:
    if found is None:
        return None
    return {
        "id": found.id,
        "reference": found.reference,
        "theme": found.theme,
        "for_case_id": primary.id,
        "invitation": {"status": found.invite_status},
    }


def reserve(caller: Principal, case_id: int) -> dict[str, object] | None:
    """The reserve proposed to replace this primary case, if any (reads only)."""
    with session_scope() as session:
        case = cases.get_for(session, caller, case_id)
        return _reserve_view(case, reserves.proposed_for(session, case.id))


def propose_reserve(caller: Principal, case_id: int) -> dict[str, object] | None:
    """Apply the reserve rules now (the no-answer rule depends on the clock), then the reserve proposed, if any."""
    with session_scope() as session:
        case = cases.get_for(session, caller, case_id)
        reserves.propose_for(session, case)
        return _reserve_view(case, reserves.proposed_for(session, case.id))


def not_needed(caller: Principal, case_id: int) -> Outgoing:
    """We no longer need this person: the case closes, and the last message (if any) is to send."""
    with session_scope() as session:
        case = cases.get_for(session, caller, case_id)
        return of(last=[closing.close(session, case, "not_needed", caller.actor)])


def rows(caller: Principal) -> tuple[list[dict[str, Any]], dict[str, object] | None]:
    """The staff page's rows of the caller's cases, and their council's progress."""
    with session_scope() as session:
        items = case_lists.rows(session, caller)
        progress = timeliness.progress(session, caller.council_id, utcnow()) if caller.council_id else None
        return items, progress


def row(caller: Principal, case_id: int) -> dict[str, Any] | None:
    """One case as a staff page row (with whether its phone is in); None once purged. NotFound if not theirs."""
    with session_scope() as session:
        case = cases.get_for(session, caller, case_id)
        found = [item for item in case_lists.rows(session, caller) if item["id"] == case.id]
        if not found:
            return None
        found[0]["has_phone"] = case.phone is not None
        return found[0]


def load_file(caller: Principal, council_id: int, data: bytes) -> int:
    """Load cases from a CSV file (all or none: ImportRejected, Conflict); how many were added."""
    with session_scope() as session:
        return len(case_lists.load(session, caller, council_id, data))
