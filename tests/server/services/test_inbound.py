"""Taking a message, the use case every channel shares: the words that may need the model are sent to Rasa while
the message is stored, and a parse that turns out not to be needed is dropped without a trace. With Rasa down, a
message that needs it is kept and answered "we will reply soon"; one that does not is answered at once."""

from __future__ import annotations

import pytest

from easyread.render import text
from server import dialogue
from server.channels.sms import receive
from server.clients.rasa import RasaClient
from server.domain import invite_codes
from server.domain.db import session_scope
from server.domain.models import Message
from server.services import inbound
from server.settings import get_settings
from tests.support import run_coroutine, stored_case

PHONE = "+447700900761"


@pytest.mark.parametrize(
    "words", ["/affirm", "2", " 3 ", "yes", "Tak", "ok", "no", "STOP", "K7PQ 2MXA", "person", "", "  "]
)
def test_plain_answers_are_not_sent_to_the_model_ahead(words: str) -> None:
    assert not dialogue.may_need_model(words)


@pytest.mark.parametrize(
    "words", ["who will I talk to", "yes but can my son come", "what happens next?", "hello there", "Anna Smith"]
)
def test_words_that_may_need_the_model_start_it_early(words: str) -> None:
    assert dialogue.may_need_model(words)


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
        )
    finally:
        await rasa.close()


def _unanswered() -> list[str]:
    with session_scope() as session:
        return [m.text for m in session.query(Message).filter_by(direction="in", processed=False)]


def test_with_rasa_down_a_greeting_is_answered_and_a_question_is_kept(rasa_down: None) -> None:
    # A text can be answered later (the SMS channel sends it), so a question waits rather than failing.
    assert inbound.DELIVERERS["sms"] is receive.deliver_late
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
