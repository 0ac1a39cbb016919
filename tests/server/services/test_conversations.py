"""A conversation as the channels need it between turns: where it is, the answer kept for a retry, the late
answers waiting for the chat page, and the language of the case a code opens (a look-up that counts as a try)."""

from __future__ import annotations

import pytest

from server.domain import cases, conversations, invite_codes
from server.domain.db import session_scope
from server.domain.models import Message
from server.services import conversations as conversation_service
from server.settings import get_settings
from tests.support import stored_case


def _case(language: str = "pl") -> str:
    with session_scope() as session:
        return stored_case(session, "N-1", "+447700900752", language).invite_code


def test_a_new_conversation_is_nowhere_yet_and_a_joined_one_is_at_its_stage(settings_env: str) -> None:
    new = conversation_service.where("web:nobody-yet")
    assert (new.stage, new.case_id, new.language) == (None, None, get_settings().default_language)
    code = _case()
    with session_scope() as session:
        conversation = conversations.get_or_create(session, "web:someone-1", "web", "en", "start")
        case = cases.by_invite_code(session, code)
        assert case is not None
        conversations.attach(session, conversation, case)
    joined = conversation_service.where("web:someone-1")
    assert joined.case_id is not None and joined.language == "pl" and joined.stage


def test_a_late_answer_waits_for_the_page_and_is_handed_out_once(settings_env: str) -> None:
    with session_scope() as session:
        conversations.get_or_create(session, "web:late-1", "web", "en", "start")
    conversation_service.keep_for_page("web:late-1", ['{"text": "One"}', '{"text": "Two"}'])
    assert conversation_service.waiting("web:late-1") == ['{"text": "One"}', '{"text": "Two"}']
    assert conversation_service.waiting("web:late-1") == []


def test_the_answer_to_a_message_is_kept_for_a_retry(settings_env: str) -> None:
    with session_scope() as session:
        conversation = conversations.get_or_create(session, "sms:+447700900753", "sms", "en", "start")
        message_id = conversations.store_inbound(session, conversation.id, "hello", "SM1")
    conversation_service.answered_with(message_id, ["<Response/>"])
    with session_scope() as session:
        message = session.get(Message, message_id)
        assert message is not None and message.reply == ["<Response/>"]
        assert conversations.by_external_id(session, "SM1") is not None


def test_a_code_tells_its_language_and_wrong_codes_lock_the_address(
    monkeypatch: pytest.MonkeyPatch, settings_env: str
) -> None:
    monkeypatch.setenv("CODE_ATTEMPTS_PER_HOUR", "2")
    get_settings.cache_clear()
    code = _case("pl")
    key = invite_codes.attempt_key("web", "192.0.2.7")
    assert conversation_service.language_of_code(code, key) == "pl"
    # Not shaped like a code: no look-up, and no try counted.
    assert conversation_service.language_of_code("hello", key) is None
    assert conversation_service.language_of_code("ZZZZZZZZ", key) is None
    assert conversation_service.language_of_code("ZZZZZZZY", key) is None
    # Locked out: even the right code says nothing, so the page cannot tell a guesser it is real.
    assert conversation_service.language_of_code(code, key) is None
    assert conversation_service.language_of_code(code, invite_codes.attempt_key("web", "192.0.2.8")) == "pl"


def test_only_a_conversation_joined_to_a_case_has_one(settings_env: str) -> None:
    code = _case()
    with session_scope() as session:
        stranger = conversations.get_or_create(session, "web:stranger-1", "web", "en", "start")
        joined = conversations.get_or_create(session, "web:joined-1", "web", "en", "start")
        case = cases.by_invite_code(session, code)
        assert case is not None
        conversations.attach(session, joined, case)
        assert stranger.case_id is None
    with session_scope() as session:
        assert conversations.has_case(session, "web:joined-1")
        assert not conversations.has_case(session, "web:stranger-1")
        assert not conversations.has_case(session, "web:never-seen")
