"""Sending the last message of a case (server.domain.closing decides; this sends the texts after the commit)."""

from __future__ import annotations

from server.channels.sms.send import send_sms
from server.domain import closing
from server.domain.db import session_scope


async def send(texts: list[closing.Text | None]) -> None:
    for item in texts:
        if item is None:
            continue
        status = await send_sms(item.case_id, "closing", item.to, item.body)
        with session_scope() as session:
            closing.told(session, item.case_id, "sms", status)
