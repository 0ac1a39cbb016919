"""The chat page: served with its words from easyread/, accessible structure in place, invite code carried."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from fastapi.testclient import TestClient

from easyread.render import text
from server.settings import get_settings
from tests.support import council_with_staff, new_case


def test_chat_page_uses_easy_read_words_and_announces_messages(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    assert '<html lang="en">' in page
    assert 'role="log"' in page and 'aria-live="polite"' in page
    assert '<label class="composer-label" for="message"' in page
    for key in ("heading", "talk_to_person", "stop", "send"):
        assert text(f"web.{key}", "en") in page
    assert 'data-payload="/request_human"' in page and 'data-payload="/stop"' in page


def test_invitation_link_carries_the_code_safely(client: TestClient) -> None:
    page = client.get("/start/ABCD2345").text
    config = json.loads(re.search(r'id="chat-config">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert config["invite_code"] == "ABCD2345"
    hostile = client.get("/start/%3Cscript%3Ealert(1)%3C%2Fscript%3E").text
    assert "<script>alert(1)" not in hostile


def test_static_files_are_served(client: TestClient) -> None:
    assert client.get("/static/chat.js").status_code == 200
    assert client.get("/static/chat.css").status_code == 200


def test_pictures_are_served_as_svg(client: TestClient) -> None:
    response = client.get("/pictures/talk.svg")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert client.get("/pictures/nothing.svg").status_code == 404


def test_the_page_speaks_the_browsers_language_or_the_one_asked_for(client: TestClient) -> None:
    polish = client.get("/", headers={"Accept-Language": "pl-PL,pl;q=0.9,en;q=0.8"}).text
    assert '<html lang="pl">' in polish and text("web.send", "pl") in polish
    assert '<html lang="pl">' in client.get("/start/ABCD2345?lang=pl").text
    french = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).text
    assert '<html lang="en">' in french
    assert '<html lang="en">' in client.get("/?lang=xx").text


def polish_case(client: TestClient) -> dict[str, Any]:
    council = council_with_staff(client, "North Council")
    return new_case(client, council.staff, "PL-1", phone="+447700900901", language="pl")


def test_an_invitation_to_a_polish_conversation_opens_a_polish_page(rasa_down: None, client: TestClient) -> None:
    case = polish_case(client)
    english_browser = {"Accept-Language": "en-GB,en;q=0.9"}
    page = client.get(f"/start/{case['invite_code']}", headers=english_browser).text
    assert '<html lang="pl">' in page, "a screen reader reads the conversation with Polish sounds"
    assert text("web.send", "pl") in page and text("web.heading", "pl") in page
    config = json.loads(re.search(r'id="chat-config">(.*?)</script>', page, re.S).group(1))  # type: ignore[union-attr]
    assert config["lang"] == "pl" and config["languages"]["en"]["send"] == text("web.send", "en")
    # A code in lower case with spaces, as a person might type it into the address, is the same code.
    spaced = case["invite_code"].lower()[:4] + "-" + case["invite_code"].lower()[4:]
    assert '<html lang="pl">' in client.get(f"/start/{spaced}").text


def test_each_chat_reply_says_its_language_and_follows_a_switch(rasa_down: None, client: TestClient) -> None:
    case = polish_case(client)
    sender = "page-" + uuid.uuid4().hex[:12]
    first = client.post(
        "/chat/messages", json={"sender": sender, "message": "/greet", "metadata": {"invite_code": case["invite_code"]}}
    )
    assert first.status_code == 200 and first.json() and all(m["lang"] == "pl" for m in first.json())
    # The person presses "English": the conversation, the case and every reply are English from now on.
    switched = client.post("/chat/messages", json={"sender": sender, "message": "lang:en"}).json()
    assert switched and all(m["lang"] == "en" for m in switched)
    assert '<html lang="en">' in client.get(f"/start/{case['invite_code']}").text, "and the link opens in English"


def test_before_a_case_is_known_replies_carry_no_language(rasa_down: None, client: TestClient) -> None:
    """Until the code is given the conversation is nobody's: the page keeps the browser's language."""
    reply = client.post("/chat/messages", json={"sender": "page-" + uuid.uuid4().hex[:12], "message": "hello"})
    assert reply.status_code == 200 and all("lang" not in m for m in reply.json())


def test_the_page_language_does_not_tell_a_guesser_which_codes_are_real(client: TestClient) -> None:
    case = polish_case(client)
    for n in range(get_settings().code_attempts_per_conversation):
        client.get(f"/start/WRNG{n:04d}".replace("0", "A").replace("1", "B"))
    # After wrong codes: a real one looks like any other ...
    assert '<html lang="en">' in client.get(f"/start/{case['invite_code']}").text
    # ... but the invitation link is never counted, so it still opens in the person's language ...
    token = case["invite_link"].rsplit("/", 1)[1]
    assert '<html lang="pl">' in client.get(f"/start/{token}").text
    # ... and the address is not locked out of the chat: a shared address (a day centre) keeps working.
    reply = client.post(
        "/chat/messages",
        json={"sender": "page-" + uuid.uuid4().hex[:12], "message": "/greet", "metadata": {"invite_code": "ZZZZ2345"}},
    )
    assert reply.status_code == 200 and reply.json()[0]["text"] == text("bot.code_wrong", "en")
