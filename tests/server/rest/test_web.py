"""The chat page: served with its words from easyread/, accessible structure in place, invite code carried."""

from __future__ import annotations

import json
import re

from fastapi.testclient import TestClient

from easyread.render import text


def test_chat_page_uses_easy_read_words_and_announces_messages(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = response.text
    assert '<html lang="en">' in page
    assert 'role="log"' in page and 'aria-live="polite"' in page
    assert '<label class="composer-label" for="message">' in page
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
