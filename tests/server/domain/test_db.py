"""The unit of work (server.domain.db.run): a connection PostgreSQL dropped (a restart, an administrator) is
replaced and the unit of work run again, so the person's message is answered and kept once."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import QueuePool

from server.domain.db import get_engine, session_scope
from server.domain.models import Message
from tests.support import stored_case


def _drop_connections(url: str) -> int:
    """What a PostgreSQL restart does to the server's pooled connections, from the outside."""
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            dropped = conn.execute(
                text(
                    # (With a timeout it waits until each is gone, as after a restart: not just signalled.)
                    "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity"
                    " WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": make_url(url).database},
            ).scalar_one()
    finally:
        admin.dispose()
    return int(dropped)


# (SQLite is a file: there is no connection to drop.)
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_turn_after_postgresql_dropped_its_connections_is_answered_and_kept_once(
    client: TestClient, settings_env: str
) -> None:
    with session_scope() as session:
        code = stored_case(session, "DB-1", "+447700900771").invite_code
    first = client.post(
        "/chat/messages", json={"sender": "dropped-1", "message": "/greet", "metadata": {"invite_code": code}}
    )
    assert first.status_code == 200
    pool = get_engine().pool
    assert isinstance(pool, QueuePool) and pool.checkedin() >= 1  # a pooled connection, as a running server has
    assert _drop_connections(settings_env) >= 1

    reply = client.post("/chat/messages", json={"sender": "dropped-1", "message": "/identify_self"})
    assert reply.status_code == 200 and reply.json()[0]["text"]
    with session_scope() as session:
        kept = session.query(Message).filter_by(conversation_id="web:dropped-1", text="/identify_self").all()
        assert len(kept) == 1 and kept[0].processed
