"""Scheduled work: re-confirming consent before meetings, flagging silence, proposing reserves, telling the team
about cases that became at risk of missing fieldwork (once each, however often the jobs run), telling reserves
still waiting once a council's talks are done (server.domain.talks), and signing a
checkpoint of the audit chain at least every AUDIT_CHECKPOINT_MINUTES.

Runs inside the server every few minutes (JOBS_INTERVAL_SECONDS, 0 turns it off), or once from cron with
`python -m server.jobs`.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime

from dialogue.stages import RECHECK
from easyread.dates import spoken_datetime
from easyread.render import text
from server.domain import audit_checkpoints, reconfirm, reserves, talks, timeliness
from server.domain.db import session_scope
from server.services import texts
from server.settings import get_settings

log = logging.getLogger(__name__)


async def run_once(now: datetime | None = None) -> dict[str, int]:
    now = now or datetime.now(UTC)
    with session_scope() as session:
        due = reconfirm.due(session, now)
    asked = 0
    for item in due:
        body = text("consent.reconfirm_ask", item.language, when=spoken_datetime(item.at, item.language))
        status = await texts.send(item.case_id, "reconfirm", item.phone, body)
        with session_scope() as session:
            if status in ("blocked", "failed"):
                reconfirm.could_not_ask(session, item)
            else:
                reconfirm.asked(session, item, RECHECK.name)
                asked += 1
    with session_scope() as session:
        flagged = reconfirm.flag_unanswered(session, now)
        proposed = len(reserves.propose_reserves(session, now))
        at_risk = sum(len(notice.case_ids) for notice in timeliness.flag(session, now))
        released = talks.release_all(session, now)
    await texts.send_all(texts.of(last=list(released)))
    counts = {"asked": asked, "flagged": flagged, "reserves_proposed": proposed, "at_risk": at_risk}
    counts["reserves_told"] = len(released)
    return {**counts, "audit_checkpoints": checkpoint(now)}


def checkpoint(now: datetime) -> int:
    """Sign the audit chain's head when the last checkpoint is old enough; 1 when one was signed.

    A chain that does not verify, or checkpoints that do not hold, are logged (kind only) and never signed: the
    last good checkpoint stays the newest, and `make audit-verify` says what is wrong."""
    settings = get_settings()
    try:
        with session_scope() as session:
            own = audit_checkpoints.read(session).own
            if not audit_checkpoints.due(own, now, settings.audit_checkpoint_minutes):
                return 0
            check, comparison = audit_checkpoints.check_and_sign(session, now)
    except audit_checkpoints.BadCheckpoints:
        log.error("audit checkpoints do not verify; run make audit-verify")
        return 0
    if check.broken is not None or comparison is None or comparison.problem is not None:
        log.error("audit chain does not verify; no checkpoint signed; run make audit-verify")
        return 0
    return 1


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
