"""Sending a case's easy-read invitation by text, for the staff pages (the same text as POST /api/cases/{id}/invite)."""

from __future__ import annotations

from easyread.render import text
from easyread.sms_words import plain
from server.channels.sms.send import send_sms
from server.domain import audit, cases, councils
from server.domain.db import session_scope
from server.domain.errors import InvalidInput
from server.domain.tokens import Principal


async def send(caller: Principal, case_id: int) -> str:
    """Text the invitation (or put it in the local outbox); returns where it got to: outbox, queued, blocked, failed."""
    with session_scope() as session:
        case = cases.get_for(session, caller, case_id)
        if not case.phone:
            raise InvalidInput("This case has no phone number to text.", "phone")
        council = councils.get(session, case.council_id)
        body = plain(text("sms.invite", case.language, council=council.name, code=case.invite_code))
        phone = case.phone
        audit.append(session, caller.actor, "case.invited", case.id, {"channel": "sms"})
    return await send_sms(case_id, "invite", phone, body)
