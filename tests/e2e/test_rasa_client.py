"""The server's client for Rasa's /model/parse, against the real Rasa: the ranking it reads, and every way of not
getting one (a wrong token, nothing listening, too slow) is RasaUnavailable, so the message is kept, never lost."""

from __future__ import annotations

import pytest

from dialogue.reading import Understanding
from server.clients.rasa import RasaClient, RasaUnavailable
from tests.support import run_coroutine
from tools import stack


async def _parse(client: RasaClient, text: str) -> Understanding:
    try:
        return await client.parse(text)
    finally:
        await client.close()


def test_parse_reads_the_whole_ranking_best_first(live: stack.Stack) -> None:
    understanding = run_coroutine(_parse(RasaClient(live.rasa_url, 10, live.rasa_token), "who will i talk to"))
    ranking = understanding.ranking
    assert len(ranking) > 3
    assert ranking[0][0] == "ask_who_talk"
    confidences = [confidence for _, confidence in ranking]
    assert confidences == sorted(confidences, reverse=True)


def test_a_wrong_token_nothing_listening_or_too_slow_is_rasa_unavailable(live: stack.Stack) -> None:
    for client in (
        RasaClient(live.rasa_url, 10, "wrong-token"),
        RasaClient("http://127.0.0.1:1", 10, live.rasa_token),
        RasaClient(live.rasa_url, 0.000001, live.rasa_token),
    ):
        with pytest.raises(RasaUnavailable):
            run_coroutine(_parse(client, "what happens"))
