"""A message's unit of work, run as the server runs it (one transaction on SQLite and on PostgreSQL): everything a
text does is kept together or not at all, a provider's retry gets the first answer with nothing done twice, and a
message the model read late is answered once."""

from __future__ import annotations

from functools import partial

import pytest

from dialogue.reading import Understanding
from server.channels.sms import receive
from server.domain import db, invite_codes
from server.domain.models import Message
from server.services import texts, turn
from server.services.hearing import Heard
from tests.support import stored_case

PHONE = "+447700900762"


def _case() -> None:
    with db.session_scope() as session:
        stored_case(session, "T-1", PHONE)


def _text(words: str, sid: str) -> turn.Inbound:
    return turn.Inbound(
        channel="sms",
        conversation_id=f"sms:{PHONE}",
        text=words,
        attempt_key=invite_codes.attempt_key("sms", PHONE),
        phone=PHONE,
        external_id=sid,
    )


def _take(message: turn.Inbound) -> tuple[turn.Reply, turn.ForRasa | None]:
    """The unit of work as a turn runs it, with the model not asked (a button, STOP, or Rasa not yet heard)."""
    return turn.unit(partial(turn.turn, message=message, wire=receive.WIRE, heard=Heard()))


def _kept() -> list[tuple[str, bool]]:
    with db.session_scope() as session:
        rows = session.query(Message).filter_by(direction="in").order_by(Message.id)
        return [(m.text, m.processed) for m in rows]


class ServerDied(Exception):
    """The process ends after the turn did its work and before the commit."""


def test_a_stop_and_its_opt_out_are_kept_together_or_not_at_all(settings_env: str) -> None:
    _case()
    stop = _text("STOP", "SM-stop-1")
    with pytest.raises(ServerDied), db.session_scope() as session:
        reply, _ = turn.turn(session, stop, receive.WIRE, Heard())
        assert reply.bodies  # the withdrawal was answered inside the unit of work...
        raise ServerDied()
    # ...and nothing of it is left: no message, no opt-out, so Twilio's retry finds nothing and runs it whole.
    assert _kept() == []
    assert not texts.is_opted_out(PHONE)
    retried, _ = _take(stop)
    assert retried.bodies == reply.bodies
    assert texts.is_opted_out(PHONE)
    assert _kept() == [("STOP", True)]


def test_a_retry_of_the_same_text_gets_the_first_answer_and_nothing_happens_twice(settings_env: str) -> None:
    _case()
    first, _ = _take(_text("/greet", "SM-greet-1"))
    assert first.bodies and first.stage is not None
    again, pending = _take(_text("/greet", "SM-greet-1"))
    assert again.duplicate_of == first.bodies and pending is None
    assert _kept() == [("/greet", True)]
    # A new text with the same words is a new message, answered in its own right.
    other, _ = _take(_text("/greet", "SM-greet-2"))
    assert other.duplicate_of is None and len(_kept()) == 2


def test_words_the_model_must_read_are_kept_and_answered_once_when_it_has(settings_env: str) -> None:
    _case()
    _take(_text("/greet", "SM-1"))
    _take(_text("1", "SM-2"))  # "it is for me": on to the explanation, where a question needs the model
    reply, pending = _take(_text("who will I talk to", "SM-3"))
    assert pending is not None and reply.bodies == []  # not asked yet: nothing said, nothing promised
    assert _kept()[-1] == ("who will I talk to", False)
    # The model has read it (an empty ranking: unsure) and the late turn answers it; a second answer finds it taken.
    unsure = Understanding(())
    answer = turn.unit(partial(turn.late_turn, pending=pending, wire=receive.WIRE, nlu=unsure))
    assert answer.messages and answer.bodies
    assert _kept()[-1] == ("who will I talk to", True)
    twice = turn.unit(partial(turn.late_turn, pending=pending, wire=receive.WIRE, nlu=unsure))
    assert twice.messages == []
