"""Which typed words the model is asked about: a question without "?" and a contact that is not one need it (to
tell what they are instead); a phone number, a name, and a yes or no read with its negation do not."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from actions import port
from dialogue import run as dialogue
from server.domain import conversations, invite_codes
from server.domain.db import session_scope
from tests.dialogue.chat import Chat
from tests.support import council_with_staff, new_case


@pytest.mark.parametrize(
    ("stage", "text", "needed"),
    [
        ("rep_contact", "is this a scam", True),
        ("rep_contact", "dunno what to put", True),
        ("rep_contact", "07700 900123", False),
        ("rep_contact", "sam@example.com", False),
        ("rep_name", "why do you need my name", True),
        ("rep_name", "Sam Jones", False),
        ("who", "can my advocate be there with me", True),
        ("ask_consent", "absolutely not", False),
        ("ask_consent", "yes but not now", False),
        ("ask_consent", "I guess so", False),
        ("ask_consent", "what if I say no", True),
    ],
)
def test_the_model_is_asked_only_when_the_words_need_it(
    client: TestClient, stage: str, text: str, needed: bool
) -> None:
    council = council_with_staff(client, "Model Council")
    case = new_case(client, council.staff, "MOD-1")
    chat = Chat(client, council.staff, case["id"])
    chat.move(stage)
    with session_scope() as session:
        conversation = conversations.get(session, chat.sender)
        assert conversation is not None
        assert dialogue.needs_model(port.of(session, conversation), text) is needed
    assert dialogue.may_need_model(text, invite_codes.looks_like_code) or not needed
