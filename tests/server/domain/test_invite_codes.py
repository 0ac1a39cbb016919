"""Invitation codes: easy to type from paper, hard to guess, forgiving of how they are typed."""

from __future__ import annotations

from server.domain import invite_codes


def test_codes_use_only_unambiguous_characters() -> None:
    codes = {invite_codes.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 8
        assert not set(code) & set("01OILUV")


def test_typed_codes_are_normalised() -> None:
    assert invite_codes.normalise(" abcd-2345 ") == "ABCD2345"
    assert invite_codes.looks_like_code("abcd 2345")
    assert not invite_codes.looks_like_code("what is this about then")


def test_guessing_is_limited_per_caller(settings_env: str) -> None:
    from server.domain.db import session_scope

    key = invite_codes.attempt_key("web", "127.0.0.9")
    with session_scope() as session:
        for _ in range(5):
            assert not invite_codes.locked(session, key, per_hour=5)
            invite_codes.record_attempt(session, key, success=False)
        assert invite_codes.locked(session, key, per_hour=5)
        assert not invite_codes.locked(session, invite_codes.attempt_key("web", "127.0.0.10"), per_hour=5)
