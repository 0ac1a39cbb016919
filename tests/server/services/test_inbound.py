"""Taking a message, the use case every channel shares: the words that may need the model are sent to Rasa while
the message is stored, and a parse that turns out not to be needed is dropped without a trace. With Rasa down, a
message that needs it is kept and answered "we will reply soon"; one that does not is answered at once."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, event, func, select

from dialogue import run as dialogue
from easyread.render import text
from server.channels.sms import receive
from server.clients.rasa import RasaClient
from server.domain import conversations, invite_codes
from server.domain.db import get_engine, session_scope
from server.domain.models import ConsentRecord, Message, NoticeVersion
from server.services import inbound, texts
from server.settings import get_settings
from tests.support import run_coroutine, stored_case

PHONE = "+447700900761"


@pytest.mark.parametrize(
    "words", ["/affirm", "2", " 3 ", "yes", "Tak", "ok", "no", "STOP", "K7PQ 2MXA", "person", "", "  "]
)
def test_plain_answers_are_not_sent_to_the_model_ahead(words: str) -> None:
    assert not dialogue.may_need_model(words, invite_codes.looks_like_code)


@pytest.mark.parametrize(
    "words", ["who will I talk to", "yes but can my son come", "what happens next?", "hello there", "Anna Smith"]
)
def test_words_that_may_need_the_model_start_it_early(words: str) -> None:
    assert dialogue.may_need_model(words, invite_codes.looks_like_code)


def _case() -> None:
    with session_scope() as session:
        stored_case(session, "N-1", PHONE)


async def _take(words: str) -> inbound.Reply:
    settings = get_settings()
    rasa = RasaClient(settings.rasa_url, 2, settings.rasa_token)
    try:
        return await inbound.handle(
            rasa,
            inbound.Inbound(
                channel="sms",
                conversation_id=f"sms:{PHONE}",
                text=words,
                attempt_key=invite_codes.attempt_key("sms", PHONE),
                phone=PHONE,
            ),
            receive.WIRE,
        )
    finally:
        await rasa.close()


def _unanswered() -> list[str]:
    with session_scope() as session:
        return [m.text for m in session.query(Message).filter_by(direction="in", processed=False)]


def test_with_rasa_down_a_greeting_is_answered_and_a_question_is_kept(rasa_down: None) -> None:
    # A text can be answered later (the SMS channel sends it), so a question waits rather than failing.
    assert receive.WIRE.deliver is receive.deliver_late
    _case()
    # "hello there" goes to the model ahead of time; at the start it needs none, so that failed parse is dropped.
    greeting = run_coroutine(_take("hello there"))
    assert greeting.status == 200 and greeting.stage is not None
    assert text("status.holding", "en") not in [m.text for m in greeting.messages]
    assert _unanswered() == []
    question = run_coroutine(_take("who will I talk to"))
    assert [m.text for m in question.messages] == [text("status.holding", "en")]
    # Kept, unanswered, for the retry loop to answer once Rasa is back.
    assert _unanswered() == ["who will I talk to"]


def test_stop_then_start_by_text_opts_out_and_back_in_within_the_turn(settings_env: str) -> None:
    _case()
    stop = run_coroutine(_take("STOP"))
    assert stop.bodies and texts.is_opted_out(PHONE)
    # After a STOP only START (or HELP) gets an answer; anything else is kept and not answered.
    assert run_coroutine(_take("hello")).bodies == []
    help_reply = run_coroutine(_take("HELP"))
    assert help_reply.bodies == [text("sms.help", "en")]
    assert texts.is_opted_out(PHONE)
    started = run_coroutine(_take("START"))
    assert started.bodies == [text("sms.started", "en")]
    assert not texts.is_opted_out(PHONE)
    with session_scope() as session:
        kept = [m.text for m in session.query(Message).filter_by(direction="in").order_by(Message.id)]
    assert kept == ["STOP", "hello", "HELP", "START"]


def test_the_choices_a_text_offered_are_read_from_the_next_text(settings_env: str) -> None:
    _case()
    first = run_coroutine(_take("/greet"))
    # The greeting asks who the message is for, as numbered choices.
    assert any("1" in body for body in first.bodies)
    with session_scope() as session:
        conversation = conversations.get(session, f"sms:{PHONE}")
        assert conversation is not None and conversation.choices
        one = conversation.choices["1"]
    second = run_coroutine(_take("1"))
    with session_scope() as session:
        [_, stored] = session.query(Message).filter_by(direction="in").order_by(Message.id).all()
    # The "1" was read as the choice it stood for, and kept as that.
    assert stored.text == one and second.stage != first.stage


# Two servers on one PostgreSQL (SQLite's writers take turns: no such race there).
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_consent_that_races_another_servers_write_is_recorded_not_answered_sorry(settings_env: str) -> None:
    """The first yes on a wording stores that wording. If another server stores the same wording at that moment,
    this turn's insert fails: the turn is run again and the yes is recorded, never lost behind a "sorry"."""
    _case()
    for words in ["hi", "yes", "ok", "OK", "yes please"]:
        run_coroutine(_take(words))
    other_server = create_engine(settings_env)
    raced: list[str] = []

    def another_server_first(_conn: Any, _cursor: Any, statement: str, params: Any, _context: Any, _many: bool) -> None:
        if statement.startswith("INSERT INTO notice_versions") and not raced:
            raced.append(statement)
            with other_server.begin() as conn:
                conn.exec_driver_sql(statement, params)

    event.listen(get_engine(), "before_cursor_execute", another_server_first)
    try:
        confirmed = run_coroutine(_take("yes that's right"))
    finally:
        event.remove(get_engine(), "before_cursor_execute", another_server_first)
        other_server.dispose()
    assert raced, "the wording was stored by this turn, so the race never happened"
    assert "PERSON" in confirmed.bodies[0]
    assert text("bot.error_try_again", "en") not in confirmed.bodies[0]
    with session_scope() as session:
        records = session.scalars(select(ConsentRecord)).all()
        assert [record.state for record in records] == ["given"]
        assert session.scalar(select(func.count()).select_from(NoticeVersion)) == 1
