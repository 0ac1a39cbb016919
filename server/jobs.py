"""Scheduled work: re-confirming consent before meetings, flagging silence, proposing reserves, telling the team
about cases that became at risk of missing fieldwork (once each, however often the jobs run).

Runs inside the server every few minutes (JOBS_INTERVAL_SECONDS, 0 turns it off), or once from cron with
`python -m server.jobs`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from easyread.dates import spoken_datetime
from easyread.render import text
from server import notify
from server.domain import reconfirm, reserves, timeliness
from server.domain.db import session_scope
from server.settings import get_settings

log = logging.getLogger(__name__)


async def run_once(now: datetime | None = None) -> dict[str, int]:
    now = now or datetime.now(UTC)
    with session_scope() as session:
        due = reconfirm.due(session, now)
    asked = 0
    for item in due:
        body = text("consent.reconfirm_ask", item.language, when=spoken_datetime(item.at, item.language))
        status = await notify.send_sms(item.case_id, "reconfirm", item.phone, body)
        with session_scope() as session:
            if status in ("blocked", "failed"):
                reconfirm.could_not_ask(session, item)
            else:
                reconfirm.asked(session, item)
                asked += 1
    with session_scope() as session:
        flagged = reconfirm.flag_unanswered(session, now)
        proposed = len(reserves.propose_reserves(session, now))
        at_risk = sum(len(notice.case_ids) for notice in timeliness.flag(session, now))
    return {"asked": asked, "flagged": flagged, "reserves_proposed": proposed, "at_risk": at_risk}


async def loop() -> None:
    interval = get_settings().jobs_interval_seconds
    while interval > 0:
        try:
            counts = await run_once()
            if any(counts.values()):
                log.info("jobs ran", extra=counts)
        except Exception:  # a failed run must not stop the next one
            log.exception("jobs failed")
        await asyncio.sleep(interval)


if __name__ == "__main__":
    print(asyncio.run(run_once()))
