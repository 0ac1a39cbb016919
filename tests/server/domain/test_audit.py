"""The audit chain: appending keeps it whole; editing a row breaks it, and the broken event is named."""

from __future__ import annotations

from sqlalchemy import update

from server.domain import audit
from server.domain.db import session_scope
from server.domain.models import AuditEvent


def test_chain_holds_and_an_edit_is_caught(settings_env: str) -> None:
    with session_scope() as session:
        for n in range(3):
            audit.append(session, "tester", "consent.given", None, {"n": n})
    with session_scope() as session:
        assert audit.first_broken(session) is None
        second = session.query(AuditEvent).order_by(AuditEvent.id).all()[1].id
        session.execute(update(AuditEvent).where(AuditEvent.id == second).values(action="consent.declined"))
    with session_scope() as session:
        broken = audit.first_broken(session)
        assert broken is not None
        assert broken.id == second


def test_concurrent_writers_never_fork_the_chain(settings_env: str) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def write(n: int) -> None:
        with session_scope() as session:
            audit.append(session, "tester", "consent.given", None, {"n": n})

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(write, range(40)))
    with session_scope() as session:
        assert session.query(AuditEvent).count() == 40
        assert audit.first_broken(session) is None


def test_new_wording_makes_a_new_version_and_old_records_keep_theirs(settings_env: str) -> None:
    from server.domain import consent
    from server.domain.models import NoticeVersion

    with session_scope() as session:
        old = consent.notice_version(session, "en", "web", "Are you happy to take part?")
        again = consent.notice_version(session, "en", "web", "Are you happy to take part?")
        new = consent.notice_version(session, "en", "web", "Are you happy to talk with us?")
        by_text = consent.notice_version(session, "en", "sms", "Are you happy to take part?")
    assert old == again
    assert len({old, new, by_text}) == 3
    with session_scope() as session:
        kept = session.get(NoticeVersion, old)
        assert kept is not None and kept.text == "Are you happy to take part?"
