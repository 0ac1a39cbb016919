"""Nothing lost when Rasa stops: a holding reply at once, and the real answer on the person's channel later."""

from __future__ import annotations

import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from easyread.render import text
from server.domain.db import upgrade
from tests.e2e.people import Texter, WebPerson
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN_TOKEN, council_with_staff, new_case, twilio_settings
from tools import stack
from tools.model import ensure_model

pytestmark = pytest.mark.e2e
HOLDING = text("status.holding", "en")


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory, fake_twilio: FakeTwilio) -> Iterator[stack.Stack]:
    """A stack of its own: these tests stop its Rasa, which must not disturb the others."""
    workdir = tmp_path_factory.mktemp("durability")
    url = f"sqlite:///{workdir / 'db.sqlite'}"
    upgrade(url)
    port = stack.free_port()
    env = {
        "DATABASE_URL": url,
        "ADMIN_TOKEN": ADMIN_TOKEN,
        "RETRY_INTERVAL_SECONDS": "1",
        "RASA_TIMEOUT_SECONDS": "3",
        "HOLDING_REPLY_AFTER_SECONDS": "2",
        **twilio_settings(fake_twilio, f"http://127.0.0.1:{port}"),
    }
    running = stack.start(ensure_model(quiet=True), env, Path(workdir / "logs"), server_port=port)
    yield running
    running.stop()


def wait_for(check: Callable[[], bool], seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.5)
    raise AssertionError("the late answer never came")


def test_a_text_sent_as_rasa_dies_or_while_it_is_down_is_answered_when_it_is_back(
    own_stack: stack.Stack, fake_twilio: FakeTwilio
) -> None:
    http = httpx.Client(base_url=own_stack.server_url, timeout=30)
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    new_case(http, council.staff, "DUR-1", phone="+447700900501")
    person = Texter(http, own_stack.server_url, "+447700900501")
    assert "Reply 1 for It is for me." in person.send("hi")[-1]
    web = WebPerson(http, new_case(http, council.staff, "DUR-2", phone="+447700900502")["invite_code"])
    web.say("/greet")

    # Rasa dies while it reads a question in their own words (the turn has begun beside the parse, and keeps the
    # text as it waits): "we got your message" at once, and the text is kept unanswered until Rasa is back.
    sid = f"SM{uuid.uuid4().hex}"
    answers: list[list[str]] = []
    own_stack.rasa.send_signal(signal.SIGSTOP)
    asking = threading.Thread(target=lambda: answers.append(person.send("what is this all about", sid)))
    started = time.monotonic()
    asking.start()
    time.sleep(0.05)
    own_stack.rasa.kill()
    own_stack.rasa.wait(timeout=30)
    asking.join(timeout=30)
    assert answers == [[HOLDING]]
    assert time.monotonic() - started < 2, "the holding reply comes at once"
    # Twilio's retry of that text is answered as it was the first time.
    assert person.send("what is this all about", sid) == [HOLDING]

    # With Rasa down, a button, a number and words that name a choice need no model: they are answered as usual.
    assert web.say("/identify_self")[0]["text"] == text("bot.explain_what_happens", "en")
    # Words of their own need the model: kept, and "we got your message".
    assert web.say("what would I have to do then")[0]["text"] == HOLDING

    own_stack.start_rasa_again()
    explained = text("bot.answer_what_happens", "en")
    wait_for(lambda: any(explained in sms for sms in fake_twilio.sms_to("+447700900501")))
    assert sum(explained in sms for sms in fake_twilio.sms_to("+447700900501")) == 1, "answered once"
    # The state moved on as it should: the question was answered, and "1" still answers "Is this for you?".
    assert text("bot.explain_what_happens_sms", "en") in person.send("1")[0]
    waiting: list[dict[str, object]] = []

    def web_answer_arrived() -> bool:
        waiting.extend(http.post("/chat/messages/waiting", json={"sender": web.sender}).json())
        return bool(waiting)

    wait_for(web_answer_arrived)
    assert waiting[0]["text"] == explained


def test_a_rasa_that_stalls_mid_parse_still_gives_one_answer_kept_once(
    own_stack: stack.Stack, fake_twilio: FakeTwilio
) -> None:
    """Rasa stops answering for half a second while it reads a typed question. The turn began beside the parse
    (Rasa had nothing else to read), waited for it, let the attempt go (nothing kept) and waited again the usual
    way: the person gets the real answer, not the holding reply, and Twilio's retry gets the very same texts."""
    http = httpx.Client(base_url=own_stack.server_url, timeout=30)
    council = council_with_staff(http, f"Council {uuid.uuid4().hex[:6]}")
    new_case(http, council.staff, "DUR-3", phone="+447700900503")
    person = Texter(http, own_stack.server_url, "+447700900503")
    assert "Reply 1 for It is for me." in person.send("hi")[-1]
    assert text("bot.explain_what_happens_sms", "en") in person.send("1")[0]
    sid = f"SM{uuid.uuid4().hex}"
    answers: list[list[str]] = []
    own_stack.rasa.send_signal(signal.SIGSTOP)
    try:
        asking = threading.Thread(target=lambda: answers.append(person.send("what is this all about", sid)))
        asking.start()
        time.sleep(0.6)
    finally:
        own_stack.rasa.send_signal(signal.SIGCONT)
    asking.join(timeout=30)
    explained = text("bot.answer_what_happens", "en")
    assert answers and any(explained in body for body in answers[0]), answers
    assert HOLDING not in answers[0]
    # Kept once with its answer: the provider's retry is answered with the same texts, and nothing moves twice.
    assert person.send("what is this all about", sid) == answers[0]
    assert not any(explained in sms for sms in fake_twilio.sms_to("+447700900503")), "no late second answer"
    assert own_stack.logs is not None
    assert "turn waits for the model first" in (own_stack.logs / "server.log").read_text(), "the stall was waited out"
