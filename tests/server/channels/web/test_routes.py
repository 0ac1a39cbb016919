"""The web chat through its HTTP boundary: POST /chat/messages in the shape of Rasa's REST channel, through
server.services.inbound to the dialogue, and the bot's messages back as a JSON list."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from easyread.render import text
from server.channels.web.wire import BotMessage
from server.settings import get_settings
from tests.support import council_with_staff, new_case


def test_a_chat_message_goes_through_the_one_path_and_comes_back_as_bot_messages(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1")
    sender = "chat-" + uuid.uuid4().hex[:12]
    # No code yet: the easy-read words asking for it, as a list of messages.
    asked = client.post("/chat/messages", json={"sender": sender, "message": "/greet"})
    assert asked.status_code == 200 and asked.json()[0]["text"] == text("bot.ask_code", "en")
    # The invitation code joins the case's conversation and the dialogue greets the person.
    body = {"sender": sender, "message": "/greet", "metadata": {"invite_code": case["invite_code"]}}
    greeted = client.post("/chat/messages", json=body)
    assert greeted.status_code == 200
    messages = greeted.json()
    assert messages and all(isinstance(m["text"], str) and m["lang"] == "en" for m in messages)
    # Every message can be listened to, and the choices come as buttons with payloads.
    listen = f"{get_settings().public_base_url.rstrip('/')}/chat/listen/"
    assert all(m["audio"].startswith(listen) for m in messages if m["text"].strip())
    buttons = [b for m in messages for b in m.get("buttons", [])]
    assert buttons and all(set(b) == {"title", "payload"} for b in buttons)
    # Exactly the declared shape, nothing empty sent: what the page and the API's description promise.
    for turn in (messages, client.post("/chat/messages", json={"sender": sender, "message": "/identify_self"}).json()):
        assert all(BotMessage.model_validate(m).model_dump(exclude_none=True) == m for m in turn)


def test_a_bad_chat_request_is_refused(client: TestClient) -> None:
    assert client.post("/chat/messages", json={"sender": "short", "message": "hi"}).status_code == 422
    # A NUL character is refused at the door, still as a list of easy-read messages.
    nul = b'{"sender": "chat-nul-1", "message": "a\\u0000b"}'
    refused = client.post("/chat/messages", content=nul, headers={"Content-Type": "application/json"})
    assert refused.status_code == 400 and refused.json() == [{"text": text("limits.unreadable", "en")}]


def test_late_answers_are_taken_with_a_post_once_and_a_get_changes_nothing(client: TestClient) -> None:
    sender = "chat-" + uuid.uuid4().hex[:12]
    client.post("/chat/messages", json={"sender": sender, "message": "/greet"})
    assert client.get("/chat/messages/waiting", params={"sender": sender}).status_code == 405
    assert client.post("/chat/messages/waiting", json={"sender": sender}).json() == []
    # A sender that is not one of the page's ids is refused, not looked up.
    assert client.post("/chat/messages/waiting", json={"sender": "x y"}).status_code == 422
