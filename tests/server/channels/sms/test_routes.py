"""The SMS webhook without the language model: signatures, keywords, retries, invitations and delivery status."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from easyread.render import text
from easyread.sms_words import segments
from tests.fakes.twilio_api import FakeTwilio
from tests.support import ADMIN, council_with_staff, new_case, sms_bodies, twilio_post

PUBLIC = "http://testserver"


def sms(client: TestClient, phone: str, body: str, sid: str | None = None) -> list[str]:
    params = {"From": phone, "To": "+447700900000", "Body": body, "MessageSid": sid or "SM" + uuid.uuid4().hex}
    return sms_bodies(twilio_post(client, "/twilio/sms", params, PUBLIC))


def test_unsigned_or_forged_requests_get_403(client: TestClient, twilio_env: FakeTwilio) -> None:
    params = {"From": "+447700900201", "Body": "hi", "MessageSid": "SM1"}
    assert client.post("/twilio/sms", data=params).status_code == 403
    forged = client.post("/twilio/sms", data=params, headers={"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"})
    assert forged.status_code == 403
    wrong_key = twilio_post(client, "/twilio/sms", params, PUBLIC, token="someone-elses-token")
    assert wrong_key.status_code == 403
    # Signed for a different address (not our PUBLIC_BASE_URL): also refused.
    assert twilio_post(client, "/twilio/sms", params, "http://elsewhere.example").status_code == 403
    assert (
        twilio_post(client, "/twilio/status", {"MessageSid": "SM1", "MessageStatus": "failed"}, "http://x").status_code
        == 403
    )


def test_help_answers_in_easy_read(client: TestClient, twilio_env: FakeTwilio) -> None:
    assert sms(client, "+447700900202", "help") == [text("sms.help", "en")]


def test_stop_withdraws_from_any_state_and_nothing_more_is_sent_until_start(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone="+447700900203")
    [confirmation] = sms(client, "+447700900203", "Stop.")
    assert confirmation == text("bot.stop_declined", "en")
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["consent"]["state"] == "declined"
    assert sms(client, "+447700900203", "hello?") == []
    invited = client.post(f"/api/cases/{case['id']}/invite", headers=council.staff).json()
    assert invited["invitation"]["status"] == "blocked"
    assert twilio_env.sms_to("+447700900203") == []
    [started] = sms(client, "+447700900203", "START")
    assert started == text("sms.started", "en")
    # START lets texts through again; it is not consent.
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["consent"]["state"] == "declined"


def test_every_opt_out_word_works_in_any_case(client: TestClient, twilio_env: FakeTwilio) -> None:
    council = council_with_staff(client, "North Council")
    for n, word in enumerate(["STOP", "stopall", "Unsubscribe", "cancel!", "END", "quit"]):
        phone = f"+4477009003{n:02d}"
        case = new_case(client, council.staff, f"N-{n}", phone=phone)
        assert sms(client, phone, word), word
        state = client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["consent"]["state"]
        assert state == "declined", word


def test_a_retried_message_sid_is_processed_once_and_answered_the_same(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone="+447700900204")
    first = sms(client, "+447700900204", "STOP", sid="SMretry1")
    again = sms(client, "+447700900204", "STOP", sid="SMretry1")
    assert first == again
    events = client.get(f"/api/cases/{case['id']}/audit", headers=council.staff).json()
    assert [e["action"] for e in events].count("consent.declined") == 1


def test_a_retried_start_or_help_is_answered_the_same_and_opts_in_once(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone="+447700900206")
    sms(client, "+447700900206", "STOP")
    assert sms(client, "+447700900206", "help", sid="SMhelp1") == sms(client, "+447700900206", "help", sid="SMhelp1")
    started = sms(client, "+447700900206", "START", sid="SMstart1")
    assert started == sms(client, "+447700900206", "START", sid="SMstart1") == [text("sms.started", "en")]
    events = [e["action"] for e in client.get(f"/api/cases/{case['id']}/audit", headers=council.staff).json()]
    assert events.count("sms.opted_out") == 1 and events.count("sms.opted_in") == 1


def test_invitation_goes_through_twilio_and_a_failure_shows_on_the_case(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone="+447700900205")
    invited = client.post(f"/api/cases/{case['id']}/invite", headers=council.staff)
    assert invited.status_code == 200
    assert invited.json()["invitation"]["status"] == "queued"
    [sent] = [r for r in twilio_env.sent if r.to == "+447700900205"]
    assert case["invite_code"] in (sent.body or "")
    assert sent.status_callback == f"{PUBLIC}/twilio/status"
    callback = {"MessageSid": sent.sid, "MessageStatus": "failed", "ErrorCode": "30003"}
    assert twilio_post(client, "/twilio/status", callback, PUBLIC).status_code == 204
    shown = client.get(f"/api/cases/{case['id']}", headers=council.staff).json()
    assert shown["invitation"]["status"] == "failed"
    # A late "sent" does not hide the failure.
    twilio_post(client, "/twilio/status", {"MessageSid": sent.sid, "MessageStatus": "sent"}, PUBLIC)
    assert client.get(f"/api/cases/{case['id']}", headers=council.staff).json()["invitation"]["status"] == "failed"


def test_without_twilio_the_invitation_goes_to_the_outbox(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-1", phone="+447700900206")
    invited = client.post(f"/api/cases/{case['id']}/invite", headers=council.staff).json()
    assert invited["invitation"]["status"] == "outbox"
    from tests.support import ADMIN

    outbox = client.get("/api/outbox", headers=ADMIN).json()
    assert outbox[0]["to"] == "+447700900206" and case["invite_code"] in outbox[0]["body"]
    assert client.get("/api/outbox", headers=council.staff).status_code == 403


def test_a_case_without_a_phone_cannot_be_texted(client: TestClient) -> None:
    council = council_with_staff(client, "North Council")
    body = {"reference": "N-9", "theme": "older_people"}
    case = client.post("/api/cases", json=body, headers=council.staff).json()
    response = client.post(f"/api/cases/{case['id']}/invite", headers=council.staff)
    assert response.status_code == 422


def test_wrong_codes_are_limited_per_number(client: TestClient, twilio_env: FakeTwilio) -> None:
    for _ in range(5):
        [answer] = sms(client, "+447700900207", "ZZZZZZZZ")
        assert answer == text("bot.code_wrong", "en")
    [locked] = sms(client, "+447700900207", "ZZZZZZZZ")
    assert locked == text("bot.code_locked", "en")
    # Another number is not affected.
    assert sms(client, "+447700900208", "ZZZZZZZZ") == [text("bot.code_wrong", "en")]


def test_a_worrying_first_text_from_a_case_number_reaches_the_team_at_once(
    client: TestClient, twilio_env: FakeTwilio
) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-9", phone="+447700900209")
    [reply] = sms(client, "+447700900209", "my son takes my money and hits me")
    assert "999" in reply
    team = client.post("/api/tokens", json={"role": "team", "name": "t"}, headers=ADMIN).json()["token"]
    queue = client.get("/api/handoffs", headers={"Authorization": f"Bearer {team}"}).json()
    assert [(h["case_id"], h["reason"], h["urgent"]) for h in queue] == [(case["id"], "distress", True)]
    # From a number we cannot place, the same safe reply comes first, before any question about a code.
    assert "999" in sms(client, "+447700900210", "I want to end it all")[0]


def test_typed_answers_work_by_text_without_the_model(client: TestClient, twilio_env: FakeTwilio) -> None:
    council = council_with_staff(client, "North Council")
    case = new_case(client, council.staff, "N-10", phone="+447700900211")
    texts = ["hi", "yes", "ok", "OK", "yes please", "yes that's right"]
    replies = [sms(client, "+447700900211", words) for words in texts]
    # The greeting and each part of the explanation is one text, however many messages it holds; every text
    # fits 3 segments. The yes brings the receipt too: 2 texts.
    assert [len(reply) for reply in replies] == [1, 1, 1, 1, 1, 2], replies
    assert all(segments(body).count <= 3 for reply in replies for body in reply)
    assert "Reply 1 for Next." in replies[1][0] and "Reply 2 for Yes, I will take part." in replies[1][0]
    assert "Are you happy to take part?" in replies[3][0]
    shown = client.get(f"/api/cases/{case['id']}", headers=council.staff).json()
    assert shown["consent"]["state"] == "given"
    assert "PERSON" in replies[5][0]
    # PERSON by text needs no model either: the team is told, and the question is asked again.
    [handoff] = sms(client, "+447700900211", "person")
    assert handoff.startswith(text("bot.handoff", "en") + "\n" + text("prefs.ask_how", "en"))
    team = client.post("/api/tokens", json={"role": "team", "name": "t"}, headers=ADMIN).json()["token"]
    reasons = [h["reason"] for h in client.get("/api/handoffs", headers={"Authorization": f"Bearer {team}"}).json()]
    assert "asked" in reasons


def test_a_number_on_cases_of_two_councils_is_asked_for_the_code(client: TestClient, twilio_env: FakeTwilio) -> None:
    north = council_with_staff(client, "North Council")
    south = council_with_staff(client, "South Council")
    mine = new_case(client, north.staff, "N-1", phone="+447700900209")
    # Another council adds the same number later: it must not capture the person's texts.
    theirs = new_case(client, south.staff, "S-1", phone="+447700900209")
    assert sms(client, "+447700900209", "hello") == [text("bot.ask_code_sms", "en")]
    assert client.get(f"/api/cases/{theirs['id']}", headers=south.staff).json()["status"] == "created"
    # The code from the person's own letter joins their own case, and STOP then reaches that case only.
    sms(client, "+447700900209", mine["invite_code"])
    assert client.get(f"/api/cases/{mine['id']}", headers=north.staff).json()["status"] == "engaged"
    sms(client, "+447700900209", "STOP")
    assert client.get(f"/api/cases/{mine['id']}", headers=north.staff).json()["consent"]["state"] == "declined"
    assert client.get(f"/api/cases/{theirs['id']}", headers=south.staff).json()["consent"]["state"] == "pending"


def test_a_number_on_two_cases_of_one_council_joins_the_newest(client: TestClient, twilio_env: FakeTwilio) -> None:
    north = council_with_staff(client, "North Council")
    new_case(client, north.staff, "N-1", phone="+447700900210")
    newest = new_case(client, north.staff, "N-2", phone="+447700900210")
    sms(client, "+447700900210", "STOP")
    assert client.get(f"/api/cases/{newest['id']}", headers=north.staff).json()["consent"]["state"] == "declined"


def test_a_number_also_on_a_closed_assessment_joins_the_open_one(client: TestClient, twilio_env: FakeTwilio) -> None:
    north = council_with_staff(client, "North Council")
    closed = council_with_staff(client, "Closed Council")
    mine = new_case(client, north.staff, "N-1", phone="+447700900211")
    # Newer, but its assessment is over: the number means the open case.
    new_case(client, closed.staff, "C-1", phone="+447700900211")
    assert client.post(f"/api/councils/{closed.council_id}/close", headers=ADMIN).status_code == 200
    sms(client, "+447700900211", "STOP")
    assert client.get(f"/api/cases/{mine['id']}", headers=north.staff).json()["consent"]["state"] == "declined"
