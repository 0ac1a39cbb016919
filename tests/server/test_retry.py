"""Messages left waiting while Rasa was down: answered once, even when several servers share the database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import create_engine, func, select

from dialogue.reading import Understanding
from server import retry
from server.clients.rasa import RasaClient
from server.domain import conversations
from server.domain.db import session_scope
from server.domain.models import Message, utcnow
from tests.support import run_coroutine, stored_case


class FakeRasa(RasaClient):
    """Rasa's /model/parse as it answers "what happens next" (the live stack tests use the real one)."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def parse(self, text: str) -> Understanding:
        self.asked.append(text)
        return Understanding((("ask_what_happens", 0.93), ("continue", 0.04)))


def waiting_message() -> int:
    """A text that came while Rasa was down, long enough ago that no request still waits on it."""
    with session_scope() as session:
        case = stored_case(session, "R-1", "+447700900801")
        conversation = conversations.get_or_create(session, "web:retrytest1", "web", "en", "start")
        conversations.attach(session, conversation, case)
        conversation.stage = "explain"
        message = session.get(Message, conversations.store_inbound(session, conversation.id, "what happens next"))
        assert message is not None
        message.at = utcnow() - timedelta(minutes=5)
        return message.id


def test_a_waiting_message_is_answered_once(settings_env: str) -> None:
    message_id = waiting_message()
    rasa = FakeRasa()
    assert run_coroutine(retry.run_once(rasa, {})) == 1
    assert run_coroutine(retry.run_once(rasa, {})) == 0
    assert rasa.asked == ["what happens next"]
    with session_scope() as session:
        assert session.get(Message, message_id).processed  # type: ignore[union-attr]


def test_a_message_another_server_is_answering_is_left_to_it(settings_env: str) -> None:
    message_id = waiting_message()
    rasa = FakeRasa()
    if not settings_env.startswith("postgresql"):
        return  # one server only on SQLite
    other_server = create_engine(settings_env)
    with other_server.connect() as other:
        # The other server's claim: the same lock `retry.claimed` takes, held by another connection.
        assert other.scalar(select(func.pg_try_advisory_xact_lock(retry.LOCK_SPACE, message_id)))
        assert run_coroutine(retry.run_once(rasa, {})) == 0
        other.rollback()
    other_server.dispose()
    assert rasa.asked == []
    assert run_coroutine(retry.run_once(rasa, {})) == 1
