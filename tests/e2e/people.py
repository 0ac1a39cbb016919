"""People talking to the live stack: on the web chat and by text, signed as Twilio signs."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from tests.support import sms_bodies, twilio_post


class WebPerson:
    def __init__(self, http: httpx.Client, invite_code: str | None) -> None:
        self.http = http
        self.sender = uuid.uuid4().hex
        self.invite_code = invite_code

    def say(self, text: str) -> list[dict[str, Any]]:
        body: dict[str, Any] = {"sender": self.sender, "message": text}
        if self.invite_code:
            body["metadata"] = {"invite_code": self.invite_code}
        response = self.http.post("/chat/messages", json=body)
        assert response.status_code == 200, response.text
        messages: list[dict[str, Any]] = response.json()
        assert messages, f"no reply to {text!r}"
        return messages

    @staticmethod
    def words(messages: list[dict[str, Any]]) -> str:
        return " ".join(m["text"] for m in messages)

    @staticmethod
    def payloads(messages: list[dict[str, Any]]) -> list[str]:
        return [b["payload"] for b in messages[-1].get("buttons", [])]

    def to_question(self) -> list[dict[str, Any]]:
        """Click Next until the consent question comes, returning it."""
        for _ in range(12):
            reply = self.say("/continue")
            if "/unsure" in self.payloads(reply):
                return reply
        raise AssertionError("the consent question never came")


class Texter:
    def __init__(self, http: httpx.Client, public_base_url: str, phone: str) -> None:
        self.http, self.public, self.phone = http, public_base_url, phone

    def send(self, body: str, sid: str | None = None) -> list[str]:
        params = {"From": self.phone, "To": "+447700900000", "Body": body, "MessageSid": sid or f"SM{uuid.uuid4().hex}"}
        return sms_bodies(twilio_post(self.http, "/twilio/sms", params, self.public))

    def to_question(self) -> None:
        for _ in range(12):
            if "Reply 3 for Not sure." in self.send("1")[-1]:
                return
        raise AssertionError("the consent question never came by text")


def case_of(http: httpx.Client, staff: dict[str, str], case_id: int) -> dict[str, Any]:
    case: dict[str, Any] = http.get(f"/api/cases/{case_id}", headers=staff).json()
    return case
