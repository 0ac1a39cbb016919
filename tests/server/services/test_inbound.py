"""Taking a message, the use case every channel shares: the words that may need the model are sent to Rasa while
the message is stored, and a parse that turns out not to be needed is dropped without a trace. With Rasa down, a
message that needs it is kept and answered "we will reply soon"; one that does not is answered at once."""

from __future__ import annotations

import pytest

from dialogue import run as dialogue
from easyread.render import text
from server.channels.sms import receive
from server.clients.rasa import RasaClient
from server.domain import conversations, invite_codes
from server.domain.db import session_scope
from server.domain.models import Message
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
